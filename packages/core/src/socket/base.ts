/**
 * What every socket has, whatever its type: identity, state, the pending
 * error (SO_ERROR), shutdown bits, options, and readiness watchers.
 */
import type { Domain, SocketAddress } from '../address.js';
import type { BindRegistry } from '../bind-registry.js';
import type { BufferBudget } from '../buffer-budget.js';
import { POLLNVAL } from '../constants.js';
import { microtask } from '../host.js';
import type { CoreLimits } from '../limits.js';
import type { Orphans } from '../orphans.js';
import type { NetworkPolicy, PolicyOperation } from '../policy/policy.js';
import type { RawSocketProvider } from '../provider.js';
import { defaultOptionState, type SocketOptionState } from './options-state.js';
import type { SocketState, StateTransition } from './state.js';

/** Shared by all sockets of one table: the provider and process-wide policy. */
export interface CoreContext {
  readonly provider: RawSocketProvider;
  readonly bindings: BindRegistry;
  readonly limits: CoreLimits;
  readonly readiness: ReadinessHub;
  /** Received bytes held by all sockets of the table. */
  readonly budget: BufferBudget;
  /**
   * Streams closed gracefully whose bytes the host is still writing (a
   * closed socket leaves the table, its bytes do not): what must be
   * written before a host that ends with the program may end.
   */
  readonly orphans: Orphans;
  /** Network policy every socket of the table obeys, if any. */
  readonly policy?: NetworkPolicy | undefined;
  /** Called for every state change when set (debugging, tests). */
  trace?: ((t: StateTransition) => void) | undefined;
}

/** A readiness watcher: called with the socket's full poll mask after changes. */
export type ReadinessWatcher = (mask: number) => void;

/**
 * Coalesces readiness notifications: a socket that changes several times in
 * one job notifies its watchers once, after the job, with its final mask.
 */
export class ReadinessHub {
  private dirty = new Set<SocketBase>();
  /** The set flushed last time, emptied, reused as the next `dirty` (no allocation per flush). */
  private spare = new Set<SocketBase>();
  private scheduled = false;
  /** The one flush job, made once: scheduling a flush allocates nothing. */
  private readonly flushJob = (): void => this.flush();

  /**
   * `noRise`: nothing can have become ready (see
   * {@link SocketBase.changedWithoutRise}); watchers that want rises only
   * are then not called for it.
   */
  mark(socket: SocketBase, noRise = false): void {
    if (!socket.hasWatchers(noRise)) return;
    if (!noRise) socket.fullChange = true;
    this.dirty.add(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      microtask(this.flushJob);
    }
  }

  private flush(): void {
    this.scheduled = false;
    const list = this.dirty;
    // Marks made by the watchers below go into the other set (and a new flush).
    this.dirty = this.spare;
    try {
      for (const socket of list) socket.notifyWatchers();
    } finally {
      list.clear();
      this.spare = list;
    }
  }
}

let nextSocketId = 1;

export abstract class SocketBase {
  /** Unique id for traces and maps (not an fd). */
  readonly id = nextSocketId++;
  /** The address family: `'ipv4'`, `'ipv6'` or `'unix'`. */
  readonly domain: Domain;
  /** SOCK_STREAM or SOCK_DGRAM. */
  readonly type: number;
  /** IPPROTO_TCP, IPPROTO_UDP, or 0 for unix. */
  readonly protocol: number;
  /** @internal */
  protected readonly ctx: CoreContext;
  private _state: SocketState = 'fresh';
  /** O_NONBLOCK; shared by dup'ed fds, as the open file description is. */
  nonBlocking = false;
  /** SO_ERROR: the asynchronous error not yet reported. */
  pendingError = 0;
  /** shutdown(SHUT_RD) was called (Linux RCV_SHUTDOWN set by us). */
  shutRd = false;
  /** shutdown(SHUT_WR) was called, or the socket can no longer send. */
  shutWr = false;
  /** @internal The option values getsockopt reports. */
  readonly opts: SocketOptionState = defaultOptionState();
  /** Number of fds referring to this socket (dup shares one socket). */
  refs = 0;
  /**
   * How many times something arrived to read (a chunk, a datagram, a
   * connection to accept): Linux wakes the socket's waiters on each, which
   * is what EPOLLET reports, even while earlier data sits unread.
   */
  arrivals = 0;
  private watchers: Set<ReadinessWatcher> | undefined;
  /** The watchers that want only changes that may raise readiness ({@link watch}'s `risesOnly`). */
  private risers: Set<ReadinessWatcher> | undefined;
  /** @internal A change that may raise readiness happened since the watchers were last called. */
  fullChange = false;
  /**
   * Called synchronously, inside the call that changed it, whenever this
   * socket's poll mask may have changed (data or a connection arrived,
   * space freed, state or error changed, the program read or sent); also
   * once when the socket closes (its state is then `'closed'`). At most one
   * hook per socket, no allocation per call: this is how an embedder keeps
   * readiness incrementally (the Emscripten glue's epoll ready lists)
   * instead of rescanning every socket. Unlike {@link SocketTable.subscribe}
   * watchers (coalesced, after the job), it sees every change at once, so a
   * check made later in the same job (a wasm program calling epoll_wait
   * right after writing into a socketpair) misses nothing. The hook must not
   * change sockets; it may call {@link pollMask}.
   */
  onChange: (() => void) | undefined = undefined;

  constructor(ctx: CoreContext, domain: Domain, type: number, protocol: number) {
    this.ctx = ctx;
    this.domain = domain;
    this.type = type;
    this.protocol = protocol;
  }

  /** The current state (see {@link SocketState}). */
  get state(): SocketState {
    return this._state;
  }

  /** The one place a socket changes state. */
  protected transition(to: SocketState, reason: string): void {
    const from = this._state;
    if (from === to) return;
    this._state = to;
    this.ctx.trace?.({ socketId: this.id, from, to, reason });
    this.changed();
  }

  /** Records an asynchronous error for SO_ERROR and wakes watchers. */
  protected setError(errno: number): void {
    this.pendingError = errno;
    this.changed();
  }

  /** Reads and clears SO_ERROR. */
  takeError(): number {
    const e = this.pendingError;
    if (e !== 0) {
      this.pendingError = 0;
      this.changed();
    }
    return e;
  }

  /** Something observable changed: schedule watcher notification. */
  changed(): void {
    this.noteChange(false);
  }

  /**
   * A change that cannot make anything ready: the program read queued data
   * (POLLIN and the readable count can only fall), or the host wrote bytes
   * of a socket that stayed writable (POLLOUT was set and still is; Linux
   * too wakes writers only when a socket that ran out of room gets some
   * back). The hook hears of it as of any change; watchers only if some
   * want every change, so an event loop that reacts to what becomes ready
   * pays no notification per read or per completed write.
   */
  protected changedWithoutRise(): void {
    this.noteChange(true);
  }

  /** The hook at once; the watchers after the job (those that want this change). */
  private noteChange(noRise: boolean): void {
    const hook = this.onChange;
    if (hook !== undefined) hook();
    this.ctx.readiness.mark(this, noRise);
  }

  /**
   * @internal Registers a readiness watcher; returns the function that
   * removes it. `risesOnly`: not called for a change that cannot make
   * anything ready (see {@link changedWithoutRise}).
   */
  watch(watcher: ReadinessWatcher, risesOnly = false): () => void {
    (this.watchers ??= new Set()).add(watcher);
    if (risesOnly) (this.risers ??= new Set()).add(watcher);
    return () => {
      this.watchers?.delete(watcher);
      this.risers?.delete(watcher);
    };
  }

  /** @internal Whether some watcher wants a change (`noRise`: one that cannot make anything ready). */
  hasWatchers(noRise = false): boolean {
    const watchers = this.watchers;
    return watchers !== undefined && watchers.size > (noRise ? (this.risers?.size ?? 0) : 0);
  }

  /** @internal */
  notifyWatchers(): void {
    const watchers = this.watchers;
    const full = this.fullChange;
    this.fullChange = false;
    if (!watchers || watchers.size === 0) return;
    const skip = full ? undefined : this.risers;
    const mask = this.pollMask();
    if (watchers.size === 1) {
      // The usual case, one event loop watching: call it without copying the
      // set (returning at once, so a watcher it adds is not called, as below).
      for (const w of watchers) return skip?.has(w) ? undefined : w(mask);
    }
    // A copy: watchers may add or remove watchers while being called.
    for (const w of [...watchers]) if (!skip?.has(w)) w(mask);
  }

  /** Throws the policy's errno (and audits) if `op` on `address` is denied. */
  protected permit(op: PolicyOperation, address: SocketAddress): void {
    this.ctx.policy?.check(op, address);
  }

  /** Whether a peer may reach us (accepted connections, received datagrams); denials are audited. */
  protected admitsPeer(address: SocketAddress): boolean {
    const policy = this.ctx.policy;
    if (!policy) return true;
    const verdict = policy.evaluate('accept', address);
    if (!verdict.allowed) policy.audit?.({ op: 'accept', address, rule: verdict.rule });
    return verdict.allowed;
  }

  /** The poll mask Linux would report for this socket (all events, unfiltered). */
  abstract pollMask(): number;
  /** Local address as getsockname reports it. */
  abstract localAddress(): SocketAddress;
  /** Peer address as getpeername reports it; throws ENOTCONN. */
  abstract peerAddress(): SocketAddress;
  /** Bytes readable now (FIONREAD). */
  abstract readableBytes(): number;
  /**
   * Bytes a send(2) would take now, whole, without waiting or failing (a
   * connected stream with send space and nothing to report); 0 otherwise.
   * The worker bridge posts sends that fit without waiting for the answer.
   */
  sendRoom(): number {
    return 0;
  }
  /** Releases host resources; called when the last fd closes. */
  abstract destroy(): void;
  /** Applies an option that needs the host (noDelay, keepalive, TTL...). */
  abstract applyOption(name: keyof SocketOptionState): void;

  /** Marks the socket closed (after destroy); watchers hear POLLNVAL once, then nothing. */
  protected markClosed(reason: string): void {
    this.transition('closed', reason);
    const watchers = this.watchers;
    this.watchers = undefined;
    if (watchers) for (const w of watchers) w(POLLNVAL);
  }
}

/** The wildcard/unnamed address of a domain, as getsockname reports for an unbound socket. */
export function unboundAddress(domain: Domain): SocketAddress {
  switch (domain) {
    case 'ipv4':
      return { family: 'ipv4', address: '0.0.0.0', port: 0 };
    case 'ipv6':
      return { family: 'ipv6', address: '::', port: 0, flowinfo: 0, scopeId: 0 };
    case 'unix':
      return { family: 'unix', path: '' };
  }
}
