/**
 * An established stream connection: two sides, each with a user-space send
 * queue (what write() was given, unbounded: the core bounds it) and a
 * "kernel" receive buffer of fixed capacity. A pump moves bytes from one
 * side's send queue into the other's receive buffer as space allows
 * (reporting onWritten), and from the receive buffer to onData while the
 * receiver is started and not paused. Chunks are passed on as views, never
 * copied, and split only where a buffer is full.
 *
 * Lifecycle of a side: open → (close) closing → dead → released.
 *   closing: close() was called; queued bytes and FIN still go out; nothing
 *     more is received (bytes arriving now are answered with RST). A close()
 *     with unread bytes in the receive buffer is a reset() instead (Linux).
 *   dead: nothing more moves; onError (if any and close() was not called)
 *     and onClose are still to be delivered.
 *   released: onClose delivered (or, never started, dropped silently).
 */
import type { SocketAddress } from '../address.js';
import { E, fail } from '../errno.js';
import type { StreamConnection, StreamEvents } from '../provider.js';
import { ChunkQueue } from './chunks.js';
import type { MemoryNetwork } from './network.js';

/** What one side of a new connection needs. */
export interface ConnectionSideInit {
  readonly localAddress: SocketAddress;
  readonly remoteAddress: SocketAddress;
  /** Receive buffer capacity in bytes. */
  readonly capacity: number;
  /** Frees what the side holds in the network (port binding, unix address). Called once. */
  readonly release: () => void;
}

type SideState = 'open' | 'closing' | 'dead' | 'released';

/** Shared by the two sides so one pump job serves both. */
interface Link {
  scheduled: boolean;
}

/** Transfer/deliver rounds per pump job before yielding to other jobs. */
const MAX_ROUNDS = 64;

export class MemoryStreamConnection implements StreamConnection {
  readonly localAddress: SocketAddress;
  readonly remoteAddress: SocketAddress;
  readonly #network: MemoryNetwork;
  readonly #link: Link;
  readonly #release: () => void;
  #peer: MemoryStreamConnection = this;
  #events: StreamEvents | undefined;
  #state: SideState = 'open';
  #userClosed = false;
  #paused = false;
  #error = 0;
  // Sending.
  readonly #out = new ChunkQueue();
  #unreported = 0;
  #finPending = false;
  #finSent = false;
  // Receiving.
  readonly #in = new ChunkQueue();
  readonly #capacity: number;
  #finReceived = false;
  #endDelivered = false;
  // Recorded options.
  #noDelay = false;
  #keepAlive = false;
  #keepAliveIdle = 0;

  private constructor(network: MemoryNetwork, link: Link, init: ConnectionSideInit) {
    this.#network = network;
    this.#link = link;
    this.localAddress = init.localAddress;
    this.remoteAddress = init.remoteAddress;
    this.#capacity = init.capacity;
    this.#release = init.release;
    network.counters.connections++;
  }

  /** @internal Creates both sides of a connection. */
  static pair(network: MemoryNetwork, a: ConnectionSideInit, b: ConnectionSideInit): [MemoryStreamConnection, MemoryStreamConnection] {
    const link: Link = { scheduled: false };
    const x = new MemoryStreamConnection(network, link, a);
    const y = new MemoryStreamConnection(network, link, b);
    x.#peer = y;
    y.#peer = x;
    return [x, y];
  }

  /** TCP_NODELAY as last set (recorded only). */
  get noDelay(): boolean {
    return this.#noDelay;
  }

  /** SO_KEEPALIVE as last set (recorded only). */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /** TCP_KEEPIDLE in seconds as last set (recorded only). */
  get keepAliveIdleSeconds(): number {
    return this.#keepAliveIdle;
  }

  /** Bytes in this side's receive buffer, not yet delivered. */
  get receiveBufferBytes(): number {
    return this.#in.bytes;
  }

  /** Bytes given to write() that have not yet moved into the peer's buffer. */
  get sendQueueBytes(): number {
    return this.#out.bytes;
  }

  start(events: StreamEvents): void {
    if (this.#events) fail(E.EINVAL, 'connection already started');
    if (this.#state === 'released') return;
    this.#events = events;
    this.#kick();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#kick();
  }

  /** Queues `chunk` (kept, not copied). Ignored once the side is shut down for writing or closed: the core reports EPIPE itself. */
  write(chunk: Uint8Array): void {
    if (this.#state !== 'open' || this.#finPending || chunk.length === 0) return;
    this.#out.push(chunk);
    this.#kick();
  }

  end(): void {
    if (this.#state !== 'open' || this.#finPending) return;
    this.#finPending = true;
    this.#kick();
  }

  reset(): void {
    if (this.#state === 'released') return;
    this.#userClosed = true;
    if (this.#state !== 'dead') {
      this.#die(0);
      const peer = this.#peer;
      if (peer.#state === 'open' || peer.#state === 'closing') peer.#die(E.ECONNRESET);
    }
    this.#kick();
  }

  /**
   * Sends what is queued, then FIN, then releases. As on Linux, closing
   * with unread bytes in the receive buffer is abortive instead: the peer
   * gets RST (ECONNRESET) and queued bytes are dropped.
   */
  close(): void {
    if (this.#userClosed || this.#state === 'released') return;
    if (this.#state === 'open' && this.#in.bytes > 0) {
      this.reset();
      return;
    }
    this.#userClosed = true;
    this.#in.clear();
    if (this.#state === 'open') {
      this.#finPending = true;
      this.#state = this.#finSent ? 'dead' : 'closing';
    }
    this.#kick();
  }

  setNoDelay(enable: boolean): void {
    this.#noDelay = enable;
  }

  setKeepAlive(enable: boolean, idleSeconds: number): void {
    this.#keepAlive = enable;
    this.#keepAliveIdle = idleSeconds;
  }

  /** Ends all traffic on this side; `errno` (0 for none) is reported unless the core closed it. */
  #die(errno: number): void {
    if (this.#state === 'dead' || this.#state === 'released') return;
    this.#state = 'dead';
    this.#error = errno;
    this.#out.clear();
    this.#in.clear();
    this.#unreported = 0;
  }

  #kick(): void {
    if (this.#link.scheduled) return;
    this.#link.scheduled = true;
    this.#network.defer(() => this.#pump());
  }

  /** One job: moves and delivers what it can on both sides, then reports. */
  #pump(): void {
    this.#link.scheduled = false;
    const a: MemoryStreamConnection = this;
    const b = this.#peer;
    let progress = true;
    for (let round = 0; progress && round < MAX_ROUNDS; round++) {
      progress = a.#transferTo(b);
      progress = b.#transferTo(a) || progress;
      progress = a.#deliver() || progress;
      progress = b.#deliver() || progress;
    }
    a.#report();
    b.#report();
    if (progress) this.#kick();
  }

  /** Moves queued bytes (then FIN) from this side into `r`'s receive buffer. */
  #transferTo(r: MemoryStreamConnection): boolean {
    if (this.#state !== 'open' && this.#state !== 'closing') return false;
    const finDue = this.#finPending && !this.#finSent;
    if (this.#out.bytes === 0 && !finDue) return false;
    if (r.#state !== 'open') {
      // The peer has closed: data is answered with RST (Linux reports
      // ECONNRESET, or EPIPE on a later write; we report ECONNRESET), a
      // bare FIN just completes the close.
      if (this.#out.bytes > 0) this.#die(E.ECONNRESET);
      else this.#sentFin();
      return true;
    }
    let moved = 0;
    while (this.#out.bytes > 0) {
      const space = r.#capacity - r.#in.bytes;
      if (space <= 0) break;
      const chunk = this.#out.take(space) as Uint8Array;
      r.#in.push(chunk);
      moved += chunk.length;
    }
    this.#unreported += moved;
    if (finDue && this.#out.bytes === 0) {
      r.#finReceived = true;
      this.#sentFin();
      return true;
    }
    return moved > 0;
  }

  #sentFin(): void {
    this.#finSent = true;
    if (this.#state === 'closing') this.#state = 'dead';
  }

  /** Hands buffered bytes, then EOF, to the core while started and not paused. */
  #deliver(): boolean {
    const events = this.#events;
    if (!events) return false;
    let progress = false;
    while (this.#state === 'open' && !this.#paused && this.#in.bytes > 0) {
      progress = true;
      events.onData(this.#in.take(Infinity) as Uint8Array);
    }
    if (this.#state === 'open' && !this.#paused && this.#in.bytes === 0 && this.#finReceived && !this.#endDelivered) {
      this.#endDelivered = true;
      progress = true;
      events.onEnd();
    }
    return progress;
  }

  /** onWritten for bytes moved, then onError/onClose once the side is dead. */
  #report(): void {
    const events = this.#events;
    if (!events) {
      // Never started: nobody to tell. Release once the core has let go.
      if (this.#state === 'dead' && this.#userClosed) this.#releaseSide();
      return;
    }
    if (this.#unreported > 0 && this.#state !== 'released') {
      const n = this.#unreported;
      this.#unreported = 0;
      events.onWritten(n);
    }
    if (this.#state !== 'dead') return;
    if (this.#error !== 0 && !this.#userClosed) {
      const errno = this.#error;
      this.#error = 0;
      events.onError(errno);
    }
    if (this.#state !== 'dead') return;
    this.#releaseSide();
    events.onClose();
  }

  #releaseSide(): void {
    this.#state = 'released';
    this.#events = undefined;
    this.#out.clear();
    this.#in.clear();
    this.#network.counters.connections--;
    this.#release();
  }
}
