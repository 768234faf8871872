/**
 * The C conformance programs (test/c/*.c) as data: which peers each needs,
 * how its argv is built from them, and how long it may take. Runtime- and
 * build-agnostic (no vitest, no node imports): the native suite runs them
 * from gcc binaries, the glue suite from rawsock-emcc artifacts.
 *
 * A program prints TAP lines (`ok N - ...` / `not ok N - ...: detail`) and
 * `# passed P failed F`, and exits 0 only if nothing failed.
 */

/** Peers started in the test process before the program runs. */
export type PeerKind =
  | 'tcpEcho' // echoes every byte, ends its side after the program's end
  | 'tcpSink' // reads and discards, ends its side after the program's end
  | 'tcpStall' // accepts and never reads (backpressure)
  | 'udpEcho' // sends each datagram back to its sender
  | 'closedPorts' // a TCP and a UDP port nobody listens on
  | 'tmpDir' // a fresh directory (unix socket paths, files), removed afterwards
  | 'tcpClients'; // connects to the program's `listening PORT` (see ClientsSpec)

/** What the started peers are; unused fields are 0 / ''. All on 127.0.0.1. */
export interface PeerInfo {
  readonly echoPort: number;
  readonly sinkPort: number;
  readonly stallPort: number;
  readonly udpEchoPort: number;
  readonly closedTcpPort: number;
  readonly closedUdpPort: number;
  readonly tmpDir: string;
}

/** Harness clients: `count` connections at once, each sends `bytes` of the rs_fill pattern, ends, expects the same bytes back. */
export interface ClientsSpec {
  readonly count: number;
  readonly bytes: number;
}

export interface CCase {
  /** Program name, also the source's base name. */
  readonly name: string;
  /** Source file, relative to test/c/. */
  readonly source: string;
  readonly peers: readonly PeerKind[];
  readonly clients?: ClientsSpec;
  /** argv after the program name. */
  args(p: PeerInfo): string[];
  /** Kill the run after this long (the programs give up after 10 s themselves). */
  readonly timeoutMs: number;
  /** True if the program uses Emscripten's socket callbacks (natively emulated in rs_loop.h). */
  readonly callbacks?: boolean;
  /** Extra rawsock-emcc flags (wasm builds only); a variant of another case names it in `nativeOf`. */
  readonly emccFlags?: readonly string[];
  /** For a wasm-only variant: the case whose native run is the reference. */
  readonly nativeOf?: string;
}

const TIMEOUT = 20_000;
const callbackClients: ClientsSpec = { count: 3, bytes: 3000 };
const pollClients: ClientsSpec = { count: 3, bytes: 65536 };

function c(name: string, peers: readonly PeerKind[], args: (p: PeerInfo) => string[] = () => [], extra: Partial<CCase> = {}): CCase {
  return { name, source: `${name}.c`, peers, args, timeoutMs: TIMEOUT, ...extra };
}

export const C_CASES: readonly CCase[] = [
  c('tcp_client', ['tcpEcho'], (p) => ['--echo-port', String(p.echoPort)]),
  c('tcp_client_callbacks', ['tcpEcho', 'closedPorts'], (p) => ['--echo-port', String(p.echoPort), '--closed-port', String(p.closedTcpPort)], {
    callbacks: true,
  }),
  c('tcp_server_poll', ['tcpClients'], () => ['--clients', String(pollClients.count), '--bytes', String(pollClients.bytes)], {
    clients: pollClients,
  }),
  c('tcp_server_callbacks', ['tcpClients'], () => ['--clients', String(callbackClients.count), '--bytes', String(callbackClients.bytes)], {
    clients: callbackClients,
    callbacks: true,
  }),
  c('udp', ['udpEcho'], (p) => ['--udp-echo-port', String(p.udpEchoPort)]),
  c('ipv6', ['tcpEcho', 'udpEcho'], (p) => ['--echo-port', String(p.echoPort), '--udp-echo-port', String(p.udpEchoPort)]),
  c('unix', ['tmpDir'], (p) => ['--tmp-dir', p.tmpDir]),
  c('socketpair', []),
  c('sockopts', []),
  c('shutdown', []),
  c('peek', []),
  c('backpressure', ['tcpStall', 'tcpSink'], (p) => ['--stall-port', String(p.stallPort), '--sink-port', String(p.sinkPort)]),
  c('refused', ['closedPorts'], (p) => ['--closed-port', String(p.closedTcpPort), '--closed-udp-port', String(p.closedUdpPort)]),
  c('bind', ['tcpEcho'], (p) => ['--echo-port', String(p.echoPort)]),
  c('recvmsg_iov', ['udpEcho'], (p) => ['--udp-echo-port', String(p.udpEchoPort)]),
  c('mmsg', ['udpEcho'], (p) => ['--udp-echo-port', String(p.udpEchoPort)]),
  c('select', ['closedPorts'], (p) => ['--closed-port', String(p.closedTcpPort)]),
  c('epoll', []),
  c('epoll_ready', []),
  c('fdops', []),
];

/**
 * The same programs built differently for wasm: what the wrapper must leave
 * alone (issue: "programs built with -pthread -sPROXY_TO_PTHREAD"). main()
 * then runs in a worker and its socket calls are proxied to the main thread.
 * -O0: Debian's emcc 3.1.6 minifies the pthread worker script at -O1 with
 * acorn from Debian's nodejs, which another Node does not find.
 */
export const WASM_VARIANTS: readonly CCase[] = [
  c('tcp_client', ['tcpEcho'], (p) => ['--echo-port', String(p.echoPort)], {
    name: 'tcp_client_pthread',
    emccFlags: ['-O0', '-pthread', '-sPROXY_TO_PTHREAD'],
    nativeOf: 'tcp_client',
  }),
  // An event-driven program in the default mode (a plain build: the worker
  // bridge here), where its socket callbacks fire from the worker's
  // readiness snapshots: the issue wants such programs to keep working.
  c('tcp_server_callbacks', ['tcpClients'], () => ['--clients', String(callbackClients.count), '--bytes', String(callbackClients.bytes)], {
    name: 'tcp_server_callbacks_auto',
    emccFlags: ['--rawsock-blocking=auto'],
    nativeOf: 'tcp_server_callbacks',
    clients: callbackClients,
    callbacks: true,
  }),
  // Host errors (EADDRINUSE, EADDRNOTAVAIL) crossing the worker bridge: on
  // Deno they once came back EIO (a second core in the worker's bundle).
  c('bind', ['tcpEcho'], (p) => ['--echo-port', String(p.echoPort)], {
    name: 'bind_auto',
    emccFlags: ['--rawsock-blocking=auto'],
    nativeOf: 'bind',
  }),
  // epoll through the worker bridge: level and edge triggering (EPOLLET's
  // wakeup per arrival) read from the worker's readiness board.
  c('epoll', [], undefined, {
    name: 'epoll_worker',
    emccFlags: ['--rawsock-blocking=worker'],
    nativeOf: 'epoll',
  }),
];
