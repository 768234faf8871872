/** The conformance suite against MemoryProvider: no OS sockets at all. */
import { MemoryProvider } from '../src/memory/index.js';
import { registerConformance } from './support/vitest-conformance.js';

let n = 0;
registerConformance({
  name: 'memory',
  createProvider: () => new MemoryProvider(),
  unixPath: (label) => `/rawsock-virtual/${label}-${++n}.sock`,
});
