/** The conformance cases on Deno, against MemoryProvider: core runs unchanged on Deno. */
import { conformanceCases, runCase, skipReason } from '../conformance/index.js';
import { MemoryProvider } from '../src/memory/index.js';

let n = 0;
const env = {
  name: 'memory on deno',
  createProvider: () => new MemoryProvider(),
  unixPath: (label: string) => `/rawsock-virtual/${label}-${++n}.sock`,
};

for (const c of conformanceCases) {
  const why = skipReason(c, env);
  Deno.test({
    name: `${c.group}: ${c.name}${why ? ` (skipped: ${why})` : ''}`,
    ignore: why !== undefined,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () => runCase(c, env),
  });
}
