/** The conformance cases on Bun, against MemoryProvider: core runs unchanged on Bun. */
import { describe, test } from 'bun:test';
import { conformanceCases, runCase, skipReason } from '../conformance/index.js';
import { MemoryProvider } from '../src/memory/index.js';

let n = 0;
const env = {
  name: 'memory on bun',
  createProvider: () => new MemoryProvider(),
  unixPath: (label: string) => `/rawsock-virtual/${label}-${++n}.sock`,
};

describe('conformance on memory (bun)', () => {
  for (const c of conformanceCases) {
    const why = skipReason(c, env);
    if (why) test.skip(`${c.group}: ${c.name} (skipped: ${why})`, () => undefined);
    else test(`${c.group}: ${c.name}`, () => runCase(c, env), (c.timeoutMs ?? 20_000) + 5_000);
  }
});
