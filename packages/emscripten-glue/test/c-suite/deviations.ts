/**
 * Pinned deviations of the C conformance suite as wasm: checks a runtime
 * truly cannot pass the Linux way. The wasm suite asserts each EXACTLY —
 * those checks fail on those runtimes, every other check passes — so a
 * change in behaviour (better or worse) fails the suite until this list and
 * README's "Deviations from Linux" table are updated together.
 */
import type { RuntimeId } from './wasm.js';

export interface PinnedDeviation {
  /** Case name (cases.ts). */
  readonly case: string;
  readonly runtimes: readonly RuntimeId[];
  /** The failing TAP lines, without their `: detail` (as runner.verdicts gives them). */
  readonly lines: readonly string[];
  /** Why the runtime cannot give the Linux behaviour (README has the user-facing text). */
  readonly reason: string;
}

export const PINNED_DEVIATIONS: readonly PinnedDeviation[] = [
  {
    case: 'sockopts',
    runtimes: ['deno'],
    lines: [
      'not ok 72 - IP_MULTICAST_TTL set to 4',
      'not ok 73 - IP_MULTICAST_TTL set to 4 reads back 4',
      'not ok 76 - IP_MULTICAST_LOOP set to 0',
      'not ok 77 - IP_MULTICAST_LOOP set to 0 reads back 0',
    ],
    reason: "Deno's datagram API cannot set multicast TTL or loopback: setsockopt fails with ENOPROTOOPT and the value stays (README: Deno UDP settings)",
  },
];

/** The pinned failing lines of `caseName` on `runtime` (empty if none). */
export function pinnedLines(caseName: string, runtime: RuntimeId): string[] {
  return PINNED_DEVIATIONS.filter((d) => d.case === caseName && d.runtimes.includes(runtime)).flatMap((d) => d.lines);
}
