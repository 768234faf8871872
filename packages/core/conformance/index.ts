/**
 * The conformance case list, run against every provider on every runtime.
 * `@rawsock/core/conformance` exports it so a provider outside this repo can
 * check itself the same way.
 *
 * @module @rawsock/core/conformance
 */
import { deviationCases } from './cases/deviations.js';
import { errorCases } from './cases/errors.js';
import { ipv6Cases } from './cases/ipv6.js';
import { optionCases } from './cases/options.js';
import { policyCases } from './cases/policy.js';
import { pollCases } from './cases/poll.js';
import { tcpCases } from './cases/tcp.js';
import { udpCases } from './cases/udp.js';
import { unixCases } from './cases/unix.js';
import type { ConformanceCase } from './harness.js';

export * from './harness.js';
export { syncCases, runSyncCase, type SyncCase } from './sync.js';

/** Every case, grouped. */
export const conformanceCases: readonly ConformanceCase[] = [
  ...tcpCases,
  ...udpCases,
  ...ipv6Cases,
  ...unixCases,
  ...pollCases,
  ...optionCases,
  ...errorCases,
  ...deviationCases,
  ...policyCases,
];
