/**
 * What the glue's JS library calls into, bundled once into the program (a
 * --pre-js): picks the provider for the runtime it finds itself on, builds
 * the fd table with fds owned by Emscripten's FS, and hands the library one
 * syscall-shaped object. No socket semantics here: they are all in core.
 */
import {
  BlockingSyscalls,
  ErrnoError,
  LINUX_LP64_ABI,
  SocketSyscalls,
  SocketTable,
  linuxToEmscriptenErrno,
  type OptionAbi,
  type PolicySpec,
  type PollRequest,
  type RawSocketProvider,
  NameResolver,
  syncLookupFromBridge,
  type AsyncLookup,
} from '@rawsock/core';
import { BridgedSyscalls, type GlueSyscalls } from './blocking/bridged-syscalls.js';
import { chooseBlockingMode, isBlockingRequest, type BlockingMode, type BlockingRequest } from './blocking/mode.js';
import { workerUnavailable } from './blocking/abilities.js';
import { localRevents } from './blocking/local-answers.js';
import { DRAIN_MS, ORPHAN_STALL_MS } from './exit-bounds.js';
import { startSocketWorker } from './blocking/start-worker.js';
import { CANNOT_WAIT_ON_MAIN_WARNING, suspendingSyscalls, suspendingWait, type Suspend } from './blocking/suspending-syscalls.js';
import { announceReady, snapshotOf, type SocketSnapshot } from './blocking/worker-messages.js';
import { runtimeNameSources, type NameFiles } from './name-sources.js';
import { createNetdb, type Netdb } from './netdb.js';
import { resolvePolicy } from './policy-env.js';
import { providerFor } from './providers.js';

export { chooseBlockingMode, isBlockingRequest, type BlockingMode, type BlockingRequest } from './blocking/mode.js';
export type { SocketSnapshot } from './blocking/worker-messages.js';

/** What Module.rawsock may carry. */
export interface RawsockModuleOptions {
  /** A provider to use instead of the detected runtime's. */
  readonly provider?: RawSocketProvider;
  /** Network policy (spec or preset list); RAWSOCK_POLICY is read when absent. */
  readonly policy?: PolicySpec | string;
  /**
   * How calls on blocking sockets wait (see README "Blocking modes"):
   * 'auto' (default), 'suspend', 'worker', 'thread' or 'never'. Overrides the
   * link-time choice (rawsock-emcc --rawsock-blocking).
   */
  readonly blocking?: BlockingRequest;
  /**
   * Resolves names for connects to getaddrinfo's placeholder addresses
   * (event-driven builds) and for getaddrinfo in suspend mode; default: the
   * provider's lookup. A test hook, and for embedders with their own
   * resolver. Worker mode resolves in the socket worker unless this is set.
   */
  readonly lookup?: AsyncLookup;
  /** Other hosts/services files than /etc/hosts and /etc/services (tests). */
  readonly nameFiles?: NameFiles;
}

/** What the link recorded about the build. */
export interface GlueBuild {
  /** rawsock-emcc --rawsock-blocking (default 'auto'). */
  readonly blocking?: string;
  /** Linked with -sASYNCIFY or -sJSPI: blocking calls can suspend the program. */
  readonly suspends?: boolean;
  /** Such a build's way to suspend (Asyncify.handleAsync, or RAWSOCK_JSPI.suspend), from the JS library. */
  readonly suspend?: Suspend;
  /** JSPI builds: false while a wait cannot suspend (outside main's stack); -sPROXY_TO_PTHREAD builds: false outside a thread's call. */
  readonly canSuspend?: (() => boolean) | null;
  /**
   * Linked with -pthread -sPROXY_TO_PTHREAD (without -sASYNCIFY): a
   * thread's waiting call runs on the main thread through `suspend` and
   * waits there while only that thread sleeps (library_rawsock_threads.js).
   */
  readonly threads?: boolean;
}

/** The library's view of the runtime. */
export interface GlueRuntime {
  /** How blocking calls wait in this run. */
  readonly mode: BlockingMode;
  /**
   * The syscalls: core's SocketSyscalls in this thread, or the same calls
   * across the worker bridge (where blocking fds block).
   */
  readonly sys: GlueSyscalls;
  /** In-thread modes only: the fd table (undefined in worker mode). */
  readonly table: SocketTable | undefined;
  /** Suspend mode only: the blocking calls, as promises for Asyncify/JSPI. */
  readonly blocking: BlockingSyscalls | undefined;
  /** poll(2) mask of one fd for `events`, now. */
  revents(fd: number, events: number): number;
  /**
   * poll(2): waits up to `timeoutMs` (-1 forever) for one request to be
   * ready — blocking the thread in worker mode, suspending the program in
   * suspend mode (then the result is only a count); in `never` it only
   * looks. Callers look again afterwards.
   */
  waitReady(requests: readonly PollRequest[], timeoutMs: number): number[] | number;
  /**
   * Worker mode only: EPOLLET's wakeup counter of a socket fd for `events`
   * (it moves when Linux would queue the fd; in-thread modes subscribe to
   * the table instead). Undefined where the board has no slot.
   */
  readonly wakeups?: (fd: number, events: number) => number | undefined;
  /** The program registered a socket callback (worker mode: keep the process alive while sockets are open). */
  callbacksChanged(): void;
  /**
   * The program's runtime exited (Emscripten's exit hooks, EXIT_RUNTIME
   * builds): a stream it closed with bytes the host still writes keeps the
   * process up only while they move ({@link ORPHAN_STALL_MS}; worker mode
   * drains at the process's 'exit' instead).
   */
  programEnded(): void;
  /** Readiness snapshots of a new socket, for Emscripten's socket callbacks; the first has `initial`. */
  watch(fd: number, listener: (snap: SocketSnapshot) => void): void;
  /** Linux -errno → Emscripten's -errno. */
  errno(linuxNegative: number): number;
  /**
   * dup2/dup3/F_DUPFD: a second fd for `fd`'s socket at exactly `target`,
   * an fd number the FS has free. Returns `target` or -errno (Linux).
   */
  dupTo(fd: number, target: number, cloexec: boolean): number;
  /**
   * getaddrinfo & co. Worker mode installs the bridge's synchronous lookup
   * (`names.setSyncLookup`) so names that need DNS get real answers.
   */
  readonly names: NameResolver;
  /** The asynchronous lookup a connect to a placeholder address (and suspend mode) uses. */
  readonly lookup: AsyncLookup;
  /** {@link names} in the shapes the netdb functions marshal. */
  readonly netdb: Netdb;
}

/** The parts of Emscripten's FS the runtime needs (fd allocation only). */
export interface GlueFs {
  /** Creates the FS stream for a new socket and returns its fd. */
  newSocketFd(): number;
  /** Worker mode: the `count` lowest fds the FS has free (none is taken). */
  freeFds?(count: number): number[];
  /** Worker mode: creates the FS stream of a socket at `fd`. */
  openSocketFd?(fd: number): void;
  /** True if the program registered Emscripten socket callbacks (it waits for events after main). */
  hasCallbacks?(): boolean;
  /** True if `fd` is an open FS stream that is not a socket. */
  isOtherFd(fd: number): boolean;
}

/** The policy resolved when the program started (see {@link startup}). */
let started: ReturnType<typeof resolvePolicy> | undefined;

/**
 * Run by the bundle as the program loads (before main): resolves
 * Module.rawsock.policy / RAWSOCK_POLICY so a malformed policy stops the
 * program at once with a `[rawsock]` message, never running it unguarded.
 */
export function startup(module: { rawsock?: RawsockModuleOptions } | undefined): void {
  started = resolvePolicy(module?.rawsock?.policy);
}

let warnedNoBlocking = false;

/** Builds the runtime; called once, on the first socket call. */
export function createGlueRuntime(fs: GlueFs, options: RawsockModuleOptions = {}, abi: OptionAbi = LINUX_LP64_ABI, build: GlueBuild = {}): GlueRuntime {
  const resolved = started ?? resolvePolicy(options.policy);
  // eslint-disable-next-line no-console -- the one place an embedder learns the variable was not read
  if (resolved.note) console.warn(`[rawsock] ${resolved.note}`);
  const policy = resolved.policy;
  const names = new NameResolver(runtimeNameSources(options.nameFiles));
  const request = options.blocking ?? build.blocking ?? 'auto';
  if (!isBlockingRequest(request)) throw new Error(`[rawsock] unknown blocking mode '${String(request)}': use auto, suspend, worker, thread or never`);
  const choice = chooseBlockingMode(request, {
    buildSuspends: !!build.suspends,
    buildThreads: !!build.threads,
    customProvider: !!options.provider,
    // Probed only when it could matter: a worker is never started for nothing.
    ...(request === 'worker' || (request === 'auto' && !build.suspends && !build.threads)
      ? { workerUnavailable: fs.freeFds && fs.openSocketFd ? workerUnavailable() : 'the glue library cannot reserve fds (relink with the current rawsock-emcc)' }
      : {}),
  });
  if (choice.warning && !warnedNoBlocking) {
    warnedNoBlocking = true;
    console.warn(choice.warning);
  }
  if (choice.mode === 'worker') return workerRuntime(fs, abi, resolved.spec, names, options.lookup);
  const provider = providerFor(options.provider);
  const lookup: AsyncLookup = options.lookup ?? ((name, family) => provider.lookup(name, family));
  const table = new SocketTable({
    provider,
    allocateFd: () => fs.newSocketFd(),
    isOtherFd: (fd) => fs.isOtherFd(fd),
    ...(policy !== undefined ? { policy } : {}),
  });
  const dupTo = (fd: number, target: number, cloexec: boolean): number => {
    try {
      // The table's lowest free fd from `target` is `target` itself: every
      // socket fd is also an FS fd, and the FS has `target` free.
      const n = table.dup(fd, target);
      table.setCloexec(n, cloexec);
      return n;
    } catch (e) {
      if (e instanceof ErrnoError) return -e.errno;
      throw e;
    }
  };
  const sys = new SocketSyscalls(table, { abi });
  // A process that exits now (Emscripten 3.1's exit calls process.exit; an
  // embedder may) takes the bytes the host has not written with it: their
  // peers get a reset, never a stream that ends early with a clean EOF.
  onProcessExit(() => table.abandonUnwritten());
  // 'thread' waits the way 'suspend' does, in the main thread's event loop, for one thread's call at a time each.
  const blocking = choice.mode === 'suspend' || choice.mode === 'thread' ? new BlockingSyscalls(sys) : undefined;
  if (blocking && !build.suspend) throw new Error('[rawsock] this build says it can wait but the glue library gave no way to: relink with the current rawsock-emcc');
  const suspension = build.suspend
    ? { suspend: build.suspend, ...(build.canSuspend ? { canSuspend: build.canSuspend } : {}), ...(choice.mode === 'thread' ? { cannotWait: CANNOT_WAIT_ON_MAIN_WARNING } : {}) }
    : undefined;
  return {
    mode: choice.mode,
    table,
    sys: blocking && suspension ? suspendingSyscalls(sys, blocking, table, suspension) : sys,
    blocking,
    errno: linuxToEmscriptenErrno,
    dupTo,
    callbacksChanged: () => undefined,
    programEnded: () => table.programEnded(ORPHAN_STALL_MS),
    revents: (fd, events) => table.revents({ fd, events }),
    waitReady: blocking && suspension ? suspendingWait(blocking, suspension) : (requests) => table.pollNow(requests),
    watch: (fd, listener) => {
      if (!table.has(fd)) return;
      const s = table.get(fd);
      const snap = (mask: number, initial = false): SocketSnapshot => snapshotOf(s, fd, mask, initial);
      listener(snap(0, true));
      // The glue's listener reacts to what becomes ready (and to readable
      // data): a recv or a completed write that makes nothing ready needs
      // no call.
      table.subscribe(fd, (mask) => listener(snap(mask)), { risesOnly: true });
      announceReady(s);
    },
    names,
    lookup,
    netdb: createNetdb(names, lookup),
  };
}

/** Runs `listener` when the process exits (Node's, Deno's and Bun's process 'exit' event), where there is one. */
function onProcessExit(listener: () => void): void {
  (globalThis as { process?: { on?(event: 'exit', listener: () => void): void } }).process?.on?.('exit', listener);
}

/** Worker mode: the table lives in the socket worker; every call crosses the bridge. */
function workerRuntime(fs: GlueFs, abi: OptionAbi, policy: PolicySpec | string | undefined, names: NameResolver, customLookup: AsyncLookup | undefined): GlueRuntime {
  if (!fs.freeFds || !fs.openSocketFd) throw new Error('[rawsock] this glue library cannot run in worker mode (no fd reservation): relink with the current rawsock-emcc');
  const worker = startSocketWorker({ abi, ...(policy !== undefined ? { policy } : {}) });
  // The worker holds the process open (as sockets in this thread would)
  // only while sockets are open and socket callbacks wait for events: a
  // blocking program is busy in its own calls and exits when it is done.
  let open = 0;
  const hold = () => worker.setOpenSockets(fs.hasCallbacks?.() ? open : 0);
  const counted = (delta: number) => {
    open = Math.max(0, open + delta);
    hold();
  };
  const freeFds = fs.freeFds.bind(fs);
  const openSocketFd = fs.openSocketFd.bind(fs);
  const sys = new BridgedSyscalls(worker.bridge, {
    freeFds,
    openSocketFd: (fd) => {
      openSocketFd(fd);
      counted(1);
    },
    socketClosed: () => counted(-1),
  }, worker.readiness, worker.rings, worker.posts);
  // What the program sent reaches the peer though the socket worker ends
  // with the process: posted sends (BridgedSyscalls.sendto) still on their
  // way, and bytes the host has not written yet ('exit' runs while workers
  // still do, and may block). While they move: DRAIN_MS without progress
  // ends the wait, as a peer may never read.
  onProcessExit(() => sys.drain(DRAIN_MS));
  // getaddrinfo blocks on the worker's provider lookup; a custom (async)
  // lookup cannot be waited for here, so names then get placeholders.
  const bridgeLookup = syncLookupFromBridge(worker.bridge);
  if (!customLookup) names.setSyncLookup(bridgeLookup);
  const lookup: AsyncLookup = customLookup ?? (async (name, family) => bridgeLookup(name, family));
  return {
    mode: 'worker',
    table: undefined,
    sys,
    blocking: undefined,
    errno: linuxToEmscriptenErrno,
    dupTo: (fd, target, cloexec) => {
      const r = sys.dupTo(fd, target, cloexec);
      if (r >= 0) counted(1);
      return r;
    },
    callbacksChanged: hold,
    // The process's 'exit' drains the worker's sockets (sys.drain above).
    programEnded: () => undefined,
    wakeups: (fd, events) => worker.wakeups(fd, events),
    // From the readiness board when it has the fd and is exact (see BridgedSyscalls.boardSlot), else a round trip.
    revents: (fd, events) => localRevents(sys.boardSlot(fd), events) ?? sys.poll([{ fd, events }], 0)[0] ?? 0,
    waitReady: (requests, timeoutMs) => sys.poll(requests, timeoutMs),
    watch: (fd, listener) => worker.watch(fd, listener),
    names,
    lookup,
    netdb: createNetdb(names, lookup),
  };
}
