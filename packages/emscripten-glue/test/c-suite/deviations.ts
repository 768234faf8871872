/**
 * Pinned deviations of the C conformance suite as wasm: checks a runtime
 * truly cannot pass the Linux way. The wasm suite asserts each EXACTLY —
 * those checks fail on those runtimes, every other check passes — so a
 * change in behaviour (better or worse) fails the suite until this list and
 * README's "Deviations from Linux" table are updated together.
 */
import { C_CASES, WASM_VARIANTS } from './cases.js';
import { C_SUITE_BLOCKING, type RuntimeId } from './wasm.js';

export interface PinnedDeviation {
  /** Case name (cases.ts). */
  readonly case: string;
  readonly runtimes: readonly RuntimeId[];
  /** Only for artifacts of this emcc major version (3: Debian's 3.1.6, 6: 6.0.5); both if absent. */
  readonly emccMajor?: number;
  /** Only for artifacts linked in these blocking modes (never, worker, ...); every mode if absent. */
  readonly modes?: readonly string[];
  /** The failing TAP lines, without their `: detail` (as runner.verdicts gives them). */
  readonly lines: readonly string[];
  /**
   * The program waits for an event the runtime never gives and ends at its
   * deadline (`not ok N - deadline: still waiting for: <waitsFor>`, the last
   * of `lines`): the checks after it never run.
   */
  readonly waitsFor?: string;
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
  {
    case: 'unix',
    runtimes: ['node20', 'node26', 'deno', 'bun'],
    lines: ['not ok 7 - non-blocking connect to a unix listener completes at once (0)', 'not ok 20 - the path outlives its listener'],
    reason: 'runtime unix connects are asynchronous: EINPROGRESS, the outcome comes later (README: non-blocking connect on AF_UNIX)',
  },
  {
    case: 'unix',
    runtimes: ['node20', 'node26', 'deno'],
    lines: ['not ok 21 - ...and bind EADDRINUSE'],
    reason:
      "Node and Deno remove a unix listener's socket file when it closes (README: unix socket file after close), so the path is free and bind succeeds",
  },
  {
    case: 'unix',
    runtimes: ['node20', 'node26', 'deno', 'bun'],
    modes: ['never'],
    lines: ['not ok 6 - connect to a missing path'],
    reason:
      "runtime unix connects are asynchronous: in the program's thread the connect answers EINPROGRESS and ENOENT comes later; the worker bridge waits for the outcome and gives Linux's ENOENT (README: non-blocking connect on AF_UNIX)",
  },
  {
    case: 'unix',
    runtimes: ['node20', 'node26', 'deno', 'bun'],
    lines: ['not ok 22 - unlink the socket file'],
    reason:
      "the program's unlink() acts on Emscripten's in-memory file system (the suite links no -sNODERAWFS), which does not hold the host's socket files: ENOENT (README: unlink of a socket file, wasm)",
  },
  {
    case: 'unix',
    runtimes: ['bun'],
    lines: ['not ok 23 - then bind succeeds'],
    reason:
      "Bun's provider keeps the listener's socket file, as Linux does, but the program could not unlink it (22): bind finds it, EADDRINUSE (README: unlink of a socket file, wasm)",
  },
  {
    case: 'unix',
    runtimes: ['node20', 'node26', 'deno', 'bun'],
    lines: [
      'not ok 24 - SOCK_DGRAM bind',
      'not ok 25 - second SOCK_DGRAM bind',
      'not ok 26 - sendto a path',
      'not ok 27 - sendto again',
      'not ok 28 - sendto from an unbound socket',
      "not ok 29 - first datagram, from the sender's path",
      'not ok 30 - second datagram, boundaries kept',
      'not ok 31 - from an unbound sender',
      'not ok 32 - then EAGAIN',
    ],
    reason: 'no runtime offers AF_UNIX datagram sockets on paths: socket(AF_UNIX, SOCK_DGRAM) is ESOCKTNOSUPPORT (README: AF_UNIX SOCK_DGRAM)',
  },
  {
    case: 'unix',
    runtimes: ['node20', 'node26', 'deno'],
    lines: ['not ok 16 - peer closed', 'not ok 18 - send to a closed peer'],
    reason:
      "Node's and Deno's unix connections report the peer's close as an end of stream only, like a half-close: no POLLHUP, and the first send is accepted (README: unix peer close)",
  },
  {
    case: 'refused',
    runtimes: ['node20', 'node26', 'deno'],
    lines: ['not ok 16 - deadline'],
    waitsFor: 'the ICMP error on connected UDP',
    reason:
      "Node's UDP sockets stay unconnected in the host by default and Deno's cannot connect, so no ICMP error reaches them (README: ICMP errors on a connected UDP socket)",
  },
  {
    case: 'bind',
    runtimes: ['node20'],
    lines: ['not ok 15 - ...and both listen'],
    reason: "Node 20's libuv has no UV_TCP_REUSEPORT: the second SO_REUSEPORT listener's listen fails with EADDRINUSE (README: SO_REUSEPORT on Node 20)",
  },
  {
    case: 'bind',
    runtimes: ['deno'],
    lines: ['not ok 10 - with IPV6_V6ONLY it binds'],
    reason: 'Deno sockets are always dual-stack: [::] also holds the IPv4 port (README: IPV6_V6ONLY on Deno)',
  },
  {
    case: 'ipv6',
    runtimes: ['deno'],
    lines: ['not ok 10 - deadline'],
    waitsFor: "IPv4 connect to the V6ONLY listener's port to fail",
    reason: 'Deno sockets are always dual-stack: the V6ONLY listener accepts the IPv4 client (README: IPV6_V6ONLY on Deno)',
  },
  {
    case: 'shutdown',
    runtimes: ['deno'],
    lines: ['not ok 24 - deadline'],
    waitsFor: 'the reset',
    reason: "Deno's close is always graceful: close() with unread data sends no RST (README: RST on Deno)",
  },
  {
    case: 'epoll',
    runtimes: ['deno'],
    lines: ['not ok 34 - deadline'],
    waitsFor: 'the reset',
    reason: 'Deno exposes no SO_LINGER: close() with linger 0 sends no RST (README: RST on Deno)',
  },
];

/** The emcc major version the artifacts come from (set once by the suite). */
let emccMajor = 0;
export function setEmccVersion(version: string | undefined): void {
  emccMajor = Number(version?.split('.')[0] ?? 0);
}

/**
 * Variants (cases.ts WASM_VARIANTS) that deviate exactly where their base
 * program does: the same runtime limits, another blocking mode.
 */
const PINNED_AS_BASE: Readonly<Record<string, string>> = { bind_auto: 'bind', epoll_worker: 'epoll' };

/** The blocking mode a case's artifact is linked in: its own --rawsock-blocking flag, else the suite's. */
function modeOf(caseName: string): string {
  const c = [...C_CASES, ...WASM_VARIANTS].find((k) => k.name === caseName);
  const flag = [...(c?.emccFlags ?? [])].reverse().find((f) => f.startsWith('--rawsock-blocking='));
  const mode = flag ? flag.slice('--rawsock-blocking='.length) : C_SUITE_BLOCKING;
  // A plain build left at auto gets the worker bridge on every runtime here.
  return mode === 'auto' ? 'worker' : mode;
}

/** The pinned deviations of `caseName` on `runtime` (for this emcc and blocking mode). */
export function pinnedFor(caseName: string, runtime: RuntimeId): PinnedDeviation[] {
  const base = PINNED_AS_BASE[caseName];
  const mode = modeOf(caseName);
  return PINNED_DEVIATIONS.filter(
    (d) =>
      (d.case === caseName || d.case === base) &&
      d.runtimes.includes(runtime) &&
      (d.emccMajor === undefined || d.emccMajor === emccMajor) &&
      (d.modes === undefined || d.modes.includes(mode)),
  );
}

/** The pinned failing lines of `caseName` on `runtime` (empty if none), in TAP order. */
export function pinnedLines(caseName: string, runtime: RuntimeId): string[] {
  const number = (l: string) => Number(/^not ok (\d+)/.exec(l)?.[1] ?? 0);
  return pinnedFor(caseName, runtime)
    .flatMap((d) => d.lines)
    .sort((a, b) => number(a) - number(b));
}

/** What the program is pinned to be still waiting for when it ends at its deadline on `runtime`, if anything. */
export function pinnedWait(caseName: string, runtime: RuntimeId): string | undefined {
  return pinnedFor(caseName, runtime).find((d) => d.waitsFor)?.waitsFor;
}
