/**
 * The fd table: numbers → sockets, socket creation, dup/close, and
 * readiness queries over fds (poll, subscriptions, async wait).
 */
import type { Domain } from './address.js';
import { BindRegistry } from './bind-registry.js';
import { BufferBudget } from './buffer-budget.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_TCP,
  IPPROTO_UDP,
  POLLERR,
  POLLHUP,
  POLLNVAL,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOCK_TYPE_MASK,
} from './constants.js';
import { E, fail } from './errno.js';
import { startTimer } from './host.js';
import { DEFAULT_LIMITS, type CoreLimits } from './limits.js';
import { Orphans } from './orphans.js';
import { NetworkPolicy, type PolicyDenial, type PolicySpec } from './policy/policy.js';
import { parsePolicy } from './policy/presets.js';
import type { RawSocketProvider } from './provider.js';
import { ReadinessHub, type CoreContext, type SocketBase } from './socket/base.js';
import { DatagramSocket } from './socket/datagram.js';
import { PairedDatagramSocket } from './socket/dgram-pair.js';
import { connectedPair } from './socket/pair.js';
import type { StateTransition } from './socket/state.js';
import { StreamSocket } from './socket/stream.js';

/** Options for a {@link SocketTable}. */
export interface SocketTableOptions {
  /** The host surface (NodeProvider, MemoryProvider, ...). */
  readonly provider: RawSocketProvider;
  /** Overrides for the default limits. */
  readonly limits?: Partial<CoreLimits>;
  /** Lowest fd number handed out (default 3, after stdio). */
  readonly firstFd?: number;
  /** Called for every socket state change (debugging, tests). */
  readonly trace?: (t: StateTransition) => void;
  /**
   * True for fds that are open but are not sockets (files, pipes, stdio);
   * socket calls on them fail with ENOTSOCK instead of EBADF. Default: the
   * fds below `firstFd`.
   */
  readonly isOtherFd?: (fd: number) => boolean;
  /**
   * Network policy: a spec, a preset list such as `'loopback-only,no-listen'`,
   * or a built {@link NetworkPolicy}. Denied operations fail with EACCES
   * (or the policy's `denyWith`) and are reported to `audit`.
   */
  readonly policy?: PolicySpec | NetworkPolicy | string;
  /** Called for every operation the policy denies. */
  readonly audit?: (denial: PolicyDenial) => void;
  /**
   * Picks the fd number for each new socket (socket, accept, socketpair,
   * dup) when the embedder owns the fd space — the Emscripten glue makes a
   * filesystem stream and uses its fd. Default: the lowest free number.
   */
  readonly allocateFd?: () => number;
}

/** One requested fd in a poll set. */
export interface PollRequest {
  /** The fd to check. */
  readonly fd: number;
  /** Events of interest (POLLIN, POLLOUT, ...). */
  readonly events: number;
}

interface FdEntry {
  readonly socket: SocketBase;
  cloexec: boolean;
}

/** A socket of either kind the table holds. */
export type AnySocket = StreamSocket | DatagramSocket;

/** The fd table: every socket by fd, with the calls that create, find, poll and close them. {@link RawSockets} and {@link SocketSyscalls} are views over one table. */
export class SocketTable {
  /** @internal The shared state sockets reach (provider, limits, policy, bind registry). */
  readonly context: CoreContext;
  private readonly fds = new Map<number, FdEntry>();
  private readonly firstFd: number;
  private readonly isOtherFd: (fd: number) => boolean;
  private readonly allocateFd: (() => number) | undefined;

  constructor(options: SocketTableOptions) {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.context = {
      provider: options.provider,
      bindings: new BindRegistry(),
      limits,
      budget: new BufferBudget(limits.maxBufferedBytes),
      readiness: new ReadinessHub(),
      orphans: new Orphans(),
      trace: options.trace,
      policy: buildPolicy(options.policy, options.audit),
    };
    this.firstFd = options.firstFd ?? 3;
    this.isOtherFd = options.isOtherFd ?? ((fd) => fd >= 0 && fd < this.firstFd);
    this.allocateFd = options.allocateFd;
  }

  /** Number of open fds. */
  get size(): number {
    return this.fds.size;
  }

  /** All open fds, ascending. */
  openFds(): number[] {
    return [...this.fds.keys()].sort((a, b) => a - b);
  }

  /**
   * socket(2): validates domain/type/protocol like Linux and returns the new
   * fd. Throws EAFNOSUPPORT, EINVAL (bad type or flags), EPROTONOSUPPORT,
   * ESOCKTNOSUPPORT, EMFILE.
   */
  socket(domainNumber: number, typeWithFlags: number, protocol: number): number {
    const domain = domainFromNumber(domainNumber);
    const type = typeWithFlags & SOCK_TYPE_MASK;
    if ((typeWithFlags & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) !== 0) fail(E.EINVAL);
    if (type < 1 || type > 10) fail(E.EINVAL);
    const caps = this.context.provider.capabilities;
    let socket: AnySocket;
    if (type === SOCK_STREAM) {
      if (domain === 'unix') {
        if (protocol !== 0) fail(E.EPROTONOSUPPORT);
        if (!caps.unix) this.unsupported('unix');
      } else {
        if (protocol !== 0 && protocol !== IPPROTO_TCP) fail(E.EPROTONOSUPPORT);
        if (!caps.tcp) this.unsupported('tcp');
        if (domain === 'ipv6' && !caps.ipv6) this.unsupported('ipv6');
      }
      socket = new StreamSocket(this.context, domain, domain === 'unix' ? 0 : IPPROTO_TCP);
    } else if (type === SOCK_DGRAM) {
      // AF_UNIX datagram sockets are not provided by any runtime API.
      if (domain === 'unix') fail(E.ESOCKTNOSUPPORT);
      if (protocol !== 0 && protocol !== IPPROTO_UDP) fail(E.EPROTONOSUPPORT);
      if (!caps.udp) this.unsupported('udp');
      if (domain === 'ipv6' && !caps.ipv6) this.unsupported('ipv6');
      socket = new DatagramSocket(this.context, domain, IPPROTO_UDP);
    } else {
      // SOCK_RAW, SOCK_SEQPACKET and others: not offered by any runtime.
      fail(domain === 'unix' ? E.ESOCKTNOSUPPORT : E.EPROTONOSUPPORT);
    }
    socket.nonBlocking = (typeWithFlags & SOCK_NONBLOCK) !== 0;
    return this.install(socket, (typeWithFlags & SOCK_CLOEXEC) !== 0);
  }

  /**
   * socketpair(2): two connected AF_UNIX stream or datagram sockets, in
   * memory and synchronous like Linux's (no provider involved). Other
   * families give EOPNOTSUPP as on Linux; other types ESOCKTNOSUPPORT.
   */
  socketpair(domainNumber: number, typeWithFlags: number, protocol: number): [number, number] {
    const domain = domainFromNumber(domainNumber);
    const type = typeWithFlags & SOCK_TYPE_MASK;
    if ((typeWithFlags & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) !== 0 || type < 1 || type > 10) fail(E.EINVAL);
    if (domain !== 'unix') fail(E.EOPNOTSUPP);
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM) fail(E.ESOCKTNOSUPPORT);
    if (protocol !== 0) fail(E.EPROTONOSUPPORT);
    if (this.fds.size + 2 > this.context.limits.maxSockets) fail(E.EMFILE);
    const cloexec = (typeWithFlags & SOCK_CLOEXEC) !== 0;
    if (type === SOCK_DGRAM) {
      return PairedDatagramSocket.pair(this.context).map((s) => {
        s.nonBlocking = (typeWithFlags & SOCK_NONBLOCK) !== 0;
        return this.install(s, cloexec);
      }) as [number, number];
    }
    const [a, b] = connectedPair();
    return [a, b].map((conn) => {
      const s = StreamSocket.fromConnection(this.context, 'unix', conn);
      s.nonBlocking = (typeWithFlags & SOCK_NONBLOCK) !== 0;
      return this.install(s, cloexec);
    }) as [number, number];
  }

  /**
   * accept4(2) on `fd`: takes the oldest pending connection and gives it an
   * fd. When the table is full it fails with EMFILE before taking, so the
   * connection stays queued for a later accept, as on Linux.
   */
  accept(
    fd: number,
    nonBlocking: boolean,
    cloexec: boolean,
  ): {
    /** The new connection's fd. */
    fd: number;
    /** Its socket. */
    socket: StreamSocket;
  } {
    const listener = this.stream(fd, E.EOPNOTSUPP);
    if (this.fds.size >= this.context.limits.maxSockets) {
      if (listener.state !== 'listening') fail(E.EINVAL);
      if (listener.pendingConnections > 0) fail(E.EMFILE);
    }
    const socket = listener.accept();
    socket.nonBlocking = nonBlocking;
    return { fd: this.install(socket, cloexec), socket };
  }

  /** Refuses a socket the provider cannot make (EAFNOSUPPORT), letting the provider say why. */
  private unsupported(feature: 'tcp' | 'udp' | 'unix' | 'ipv6'): never {
    this.context.provider.explainUnsupported?.(feature);
    return fail(E.EAFNOSUPPORT);
  }

  /** @internal Puts a socket in the table at the lowest free fd; throws EMFILE when full. */
  install(socket: SocketBase, cloexec = false, fd?: number): number {
    if (this.fds.size >= this.context.limits.maxSockets) fail(E.EMFILE);
    const n = fd ?? this.allocateFd?.() ?? this.lowestFree(this.firstFd);
    if (this.fds.has(n)) fail(E.EBADF);
    socket.refs++;
    this.fds.set(n, { socket, cloexec });
    return n;
  }

  private lowestFree(from: number): number {
    let n = from;
    while (this.fds.has(n)) n++;
    return n;
  }

  /** True if `fd` is an open socket of this table. */
  has(fd: number): boolean {
    return this.fds.has(fd);
  }

  /** The socket behind `fd`; throws EBADF, or ENOTSOCK for an open non-socket fd. */
  get(fd: number): AnySocket {
    const entry = this.fds.get(fd);
    if (!entry) fail(this.isOtherFd(fd) ? E.ENOTSOCK : E.EBADF);
    return entry.socket as AnySocket;
  }

  /** The socket behind `fd` if it is a stream socket; EBADF, else `otherwise`. */
  stream(fd: number, otherwise: number): StreamSocket {
    const s = this.get(fd);
    if (!(s instanceof StreamSocket)) fail(otherwise);
    return s;
  }

  /** FD_CLOEXEC of an fd. */
  cloexec(fd: number): boolean {
    const entry = this.fds.get(fd);
    if (!entry) fail(E.EBADF);
    return entry.cloexec;
  }

  /** Sets or clears FD_CLOEXEC on `fd`. Throws ErrnoError EBADF. */
  setCloexec(fd: number, on: boolean): void {
    const entry = this.fds.get(fd);
    if (!entry) fail(E.EBADF);
    entry.cloexec = on;
  }

  /** dup(2)/F_DUPFD: a second fd for the same socket (sharing O_NONBLOCK). */
  dup(fd: number, minFd?: number): number {
    const entry = this.fds.get(fd);
    if (!entry) fail(E.EBADF);
    return this.install(entry.socket, false, minFd === undefined ? undefined : this.lowestFree(minFd));
  }

  /** close(2): the socket is destroyed when its last fd closes. */
  close(fd: number): void {
    const entry = this.fds.get(fd);
    if (!entry) fail(E.EBADF);
    this.fds.delete(fd);
    entry.socket.refs--;
    if (entry.socket.refs === 0) entry.socket.destroy();
  }

  /**
   * Bytes the stream sockets have handed to the host and it has not
   * written yet: the open ones (each once, however many fds it has) and
   * the ones closed gracefully while still writing.
   */
  unsentBytes(): number {
    let n = 0;
    for (const socket of this.openStreams()) n += socket.unsentBytes();
    return n + this.context.orphans.unsentBytes();
  }

  /** The open stream sockets, each once however many fds it has. */
  private *openStreams(): Generator<StreamSocket> {
    const seen = new Set<object>();
    for (const { socket } of this.fds.values()) {
      if (seen.has(socket) || !(socket instanceof StreamSocket)) continue;
      seen.add(socket);
      yield socket;
    }
  }

  /** Closes every fd. */
  closeAll(): void {
    for (const fd of this.openFds()) this.close(fd);
  }

  /**
   * Says the program has ended. A stream it closed (or closes from now on,
   * e.g. as its runtime closes every fd) whose bytes the host is still
   * writing keeps the host process up only while they move: after
   * `stallMs` in which none was written, its connection is reset and the
   * rest dropped. On Linux the process would have exited and left them to
   * the kernel; a host process has no kernel to leave them to, and a peer
   * that never reads would keep it alive for ever. See orphans.ts.
   *
   * @example
   * table.closeAll();
   * table.programEnded(2000);
   */
  programEnded(stallMs: number): void {
    this.context.orphans.limitStall(stallMs);
  }

  /**
   * The host process is exiting now and takes what it has not written yet
   * with it: every stream, open or closed, that still has such bytes is
   * reset, so its peer sees the connection fail (ECONNRESET) rather than
   * end early with a clean EOF (Deno, which cannot reset, closes). Returns
   * the bytes dropped.
   */
  abandonUnwritten(): number {
    let dropped = this.context.orphans.abandonAll();
    for (const socket of this.openStreams()) dropped += socket.abandonUnwritten();
    return dropped;
  }

  /**
   * poll(2) without waiting: the revents for each request (POLLNVAL for a
   * bad fd; POLLERR and POLLHUP always reported, as Linux does).
   */
  pollNow(requests: readonly PollRequest[], revents?: Int32Array | number[]): number[] {
    const out: number[] = (revents as number[]) ?? new Array<number>(requests.length);
    for (let i = 0; i < requests.length; i++) out[i] = this.revents(requests[i] as PollRequest);
    return out;
  }

  /** revents of one request. */
  revents(req: PollRequest): number {
    if (req.fd < 0) return 0; // poll(2): negative fds are ignored.
    const entry = this.fds.get(req.fd);
    if (!entry) return POLLNVAL;
    return entry.socket.pollMask() & (req.events | POLLERR | POLLHUP);
  }

  /**
   * Waits until at least one request is ready or `timeoutMs` passes
   * (negative = forever, 0 = just check). Resolves to the revents array.
   */
  wait(requests: readonly PollRequest[], timeoutMs: number): Promise<number[]> {
    const first = this.pollNow(requests);
    if (timeoutMs === 0 || first.some((r) => r !== 0)) return Promise.resolve(first);
    return new Promise((resolve) => {
      const unwatch: (() => void)[] = [];
      let cancelTimer: (() => void) | undefined;
      const finish = () => {
        for (const u of unwatch) u();
        cancelTimer?.();
        resolve(this.pollNow(requests));
      };
      for (const req of requests) {
        const entry = this.fds.get(req.fd);
        if (!entry) continue;
        unwatch.push(
          entry.socket.watch((mask) => {
            // POLLNVAL: the socket was closed while we waited.
            if (mask & (req.events | POLLERR | POLLHUP | POLLNVAL)) finish();
          }),
        );
      }
      if (timeoutMs > 0) cancelTimer = startTimer(finish, timeoutMs);
    });
  }

  /**
   * Subscribes to readiness changes of one fd: `listener` gets the full poll
   * mask after every change (coalesced per job). Returns the unsubscribe
   * function. This is what an event-driven embedder hooks.
   */
  subscribe(fd: number, listener: (mask: number) => void, options?: SubscribeOptions): () => void {
    return this.get(fd).watch(listener, options?.risesOnly ?? false);
  }
}

/** Options of {@link SocketTable.subscribe}. */
export interface SubscribeOptions {
  /**
   * Call the listener only for changes that may make something ready
   * (default false: every change). Skipped then: a read taking queued data
   * (POLLIN and the readable count can only fall) and the host writing
   * bytes of a socket that stays writable. An event loop that reacts to
   * what becomes ready saves a notification per read and per write.
   */
  readonly risesOnly?: boolean;
}

/** Maps AF_* to a Domain; throws EAFNOSUPPORT. */
export function domainFromNumber(af: number): Domain {
  switch (af) {
    case AF_INET:
      return 'ipv4';
    case AF_INET6:
      return 'ipv6';
    case AF_UNIX:
      return 'unix';
    default:
      return fail(E.EAFNOSUPPORT);
  }
}

function buildPolicy(policy: SocketTableOptions['policy'], audit: SocketTableOptions['audit']): NetworkPolicy | undefined {
  if (policy === undefined) return undefined;
  if (policy instanceof NetworkPolicy) {
    if (audit) policy.audit = audit;
    return policy;
  }
  return new NetworkPolicy(typeof policy === 'string' ? parsePolicy(policy) : policy, audit);
}
