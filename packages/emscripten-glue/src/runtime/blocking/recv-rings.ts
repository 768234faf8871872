/**
 * Worker mode's receive rings: the socket worker copies each connected
 * stream's received bytes, as they arrive, into a ring in shared memory,
 * and the program's thread takes them from there — a recv(2) that finds
 * bytes waiting costs no round trip through the bridge.
 *
 * The ring mirrors the head of core's receive queue; it takes nothing from
 * it. Stream offsets (wrapping int32s, ByteQueue.start) tie the two:
 *
 *   core queue   [start ............................ start + readable)
 *   ring               [consumed ........ written)
 *
 * The program advances `consumed` as it takes bytes; the worker applies
 * that to core (StreamSocket.discardReceived) before it runs any request,
 * so every call core answers — poll, FIONREAD, close's RST-on-unread
 * rule, a recv with flags — sees exactly what the program has not read.
 * Until then the board's readable count and POLLIN for the fd are
 * corrected on the program's side ({@link consumedCorrection}). A round
 * trip that consumed bytes in core moves `consumed` (and `written`) up to
 * core's start again ({@link RingWriter.reconcile}). A recv with plain
 * flags on a ring with bytes is exactly core's recv: core too returns
 * queued bytes before EOF, a pending error or a shutdown.
 *
 * A socket with two fds (dup) has no ring: two rings could not share one
 * `consumed`. A ring is taken from a fixed pool when first needed; a
 * connection that finds the pool empty is served by round trips, as before.
 * If core paused the host's reads (its queue is full), the program posts
 * one nudge so the worker applies what was taken and resumes them.
 */
import { BOARD_FDS } from './readiness-board.js';

/** Bytes of one ring (a power of two: offsets wrap with a mask). */
export const RING_BYTES = 64 * 1024;
/** Rings in the pool (about the connections a blocking program serves at once). */
export const RINGS = 256;

/** Int32 fields per fd. */
const F = { ring: 0, written: 1, consumed: 2, paused: 3 } as const;
const FD_INTS = 4;
/** Int32s before the first fd: [0] a nudge is on its way. */
const HEAD_INTS = 4;
const NUDGE = 0;

const POLLIN_RDNORM = 0x1 | 0x40;
const POLLRDHUP = 0x2000;

/** Shared memory of the rings and their per-fd counters. */
export function createRingMemory(rings = RINGS): SharedArrayBuffer {
  return new SharedArrayBuffer((HEAD_INTS + BOARD_FDS * FD_INTS) * 4 + rings * RING_BYTES);
}

class RingMemory {
  protected readonly ints: Int32Array;
  protected readonly bytes: Uint8Array;
  protected readonly fds: number;
  protected readonly rings: number;

  constructor(memory: SharedArrayBuffer) {
    const fds = BOARD_FDS;
    const head = (HEAD_INTS + fds * FD_INTS) * 4;
    this.ints = new Int32Array(memory, 0, head / 4);
    this.bytes = new Uint8Array(memory, head);
    this.fds = fds;
    this.rings = Math.floor(this.bytes.byteLength / RING_BYTES);
  }

  protected at(fd: number): number {
    return fd >= 0 && fd < this.fds ? HEAD_INTS + fd * FD_INTS : -1;
  }
}

/** What the worker needs of a stream socket (core's StreamSocket). */
export interface MirroredSocket {
  readonly state: string;
  readonly refs: number;
  readonly receivePaused: boolean;
  readableBytes(): number;
  receivedStart(): number;
  copyReceived(offset: number, dest: Uint8Array): number;
  discardReceived(n: number): number;
}

/** The worker's side: fills rings and applies what the program took. */
export class RingWriter extends RingMemory {
  private readonly free: number[] = [];
  /** Fds whose socket the program may take bytes of (they have a ring). */
  private readonly active = new Map<number, MirroredSocket>();

  constructor(memory: SharedArrayBuffer) {
    super(memory);
    for (let r = this.rings - 1; r >= 0; r--) this.free.push(r);
  }

  /** A new socket took `fd` (the program waits in the call that made it): no ring, counters at its start. */
  reset(fd: number, s: MirroredSocket | undefined): void {
    this.detach(fd);
    const at = this.at(fd);
    if (at < 0) return;
    const start = s && isStream(s) ? s.receivedStart() : 0;
    Atomics.store(this.ints, at + F.written, start);
    Atomics.store(this.ints, at + F.consumed, start);
    Atomics.store(this.ints, at + F.paused, 0);
  }

  /**
   * The fd's socket is gone or no longer mirrored: applies what was taken,
   * returns the ring, and leaves `written` = `consumed` (nothing to take).
   * Only while the program waits in a call, or with nothing taken since.
   */
  detach(fd: number): void {
    const s = this.active.get(fd);
    const at = this.at(fd);
    if (!s || at < 0) return;
    this.sync(fd, s);
    this.active.delete(fd);
    const ring = Atomics.load(this.ints, at + F.ring);
    Atomics.store(this.ints, at + F.ring, 0);
    if (ring > 0) this.free.push(ring - 1);
    Atomics.store(this.ints, at + F.written, Atomics.load(this.ints, at + F.consumed));
  }

  /** Applies the bytes the program took from `fd`'s ring to core's queue. */
  private sync(fd: number, s: MirroredSocket): void {
    const at = this.at(fd);
    const n = (Atomics.load(this.ints, at + F.consumed) - s.receivedStart()) | 0;
    if (n > 0) s.discardReceived(n);
  }

  /** Applies every ring's taken bytes: before any request runs (and on a nudge). */
  syncAll(): void {
    for (const [fd, s] of this.active) this.sync(fd, s);
  }

  /** Called on a nudge, before syncAll: a later take posts the next one. */
  clearNudge(): void {
    Atomics.store(this.ints, NUDGE, 0);
  }

  /**
   * After a round trip on `fd` (the program waits for its answer): a recv
   * with flags consumed in core, past what the ring shows as taken.
   */
  reconcile(fd: number, s: MirroredSocket): void {
    const at = this.at(fd);
    if (at < 0 || !this.active.has(fd)) return;
    const start = s.receivedStart();
    if (((start - Atomics.load(this.ints, at + F.consumed)) | 0) > 0) Atomics.store(this.ints, at + F.consumed, start);
    if (((Atomics.load(this.ints, at + F.written) - start) | 0) < 0) Atomics.store(this.ints, at + F.written, start);
  }

  /**
   * Copies what core queued for `fd` past `written` into its ring, as room
   * allows (a ring is taken if it has none). Called before each board
   * write of the fd, so the board never shows bytes the ring could have
   * and lacks (a recv that finds the ring empty asks the worker anyway).
   */
  fill(fd: number, s: MirroredSocket): void {
    const at = this.at(fd);
    if (at < 0) return;
    if (!isStream(s) || s.refs !== 1) {
      this.detach(fd);
      return;
    }
    const i = this.ints;
    Atomics.store(i, at + F.paused, s.receivePaused ? 1 : 0);
    let ring = Atomics.load(i, at + F.ring) - 1;
    const start = s.receivedStart();
    const readable = s.readableBytes();
    const written = Atomics.load(i, at + F.written);
    const have = (start + readable - written) | 0;
    if (have <= 0) return;
    if (ring < 0) {
      const got = this.free.pop();
      if (got === undefined) return;
      ring = got;
      this.active.set(fd, s);
      Atomics.store(i, at + F.ring, ring + 1);
    }
    const room = RING_BYTES - ((written - Atomics.load(i, at + F.consumed)) | 0);
    let n = Math.min(have, room);
    if (n <= 0) return;
    const base = ring * RING_BYTES;
    let from = (written - start) | 0;
    let pos = written & (RING_BYTES - 1);
    let moved = 0;
    while (n > 0) {
      const piece = Math.min(n, RING_BYTES - pos);
      const got = s.copyReceived(from, this.bytes.subarray(base + pos, base + pos + piece));
      if (got <= 0) break;
      moved += got;
      from += got;
      n -= got;
      pos = (pos + got) & (RING_BYTES - 1);
    }
    // Release: the bytes are in place before the program can see them.
    Atomics.store(i, at + F.written, (written + moved) | 0);
  }
}

function isStream(s: MirroredSocket): boolean {
  return s.state === 'connected' || s.state === 'disconnected';
}

/** The program's side: takes bytes and corrects the board for them. */
export class RingReader extends RingMemory {
  /** @param nudge asks the worker to apply taken bytes (posts one message) */
  constructor(memory: SharedArrayBuffer, private readonly nudge: () => void) {
    super(memory);
  }

  /** Copies up to `dest.byteLength` waiting bytes of `fd` into `dest` (consuming them); 0 if none. */
  take(fd: number, dest: Uint8Array): number {
    const at = this.at(fd);
    if (at < 0 || dest.byteLength === 0) return 0;
    const i = this.ints;
    const ring = Atomics.load(i, at + F.ring) - 1;
    if (ring < 0) return 0;
    const consumed = Atomics.load(i, at + F.consumed);
    // Acquire: the bytes up to `written` are in place.
    const n = Math.min((Atomics.load(i, at + F.written) - consumed) | 0, dest.byteLength);
    if (n <= 0) return 0;
    const base = ring * RING_BYTES;
    const pos = consumed & (RING_BYTES - 1);
    const first = Math.min(n, RING_BYTES - pos);
    dest.set(this.bytes.subarray(base + pos, base + pos + first), 0);
    if (first < n) dest.set(this.bytes.subarray(base, base + n - first), first);
    Atomics.store(i, at + F.consumed, (consumed + n) | 0);
    // Core stopped reading from the host until its queue drains: let it see this.
    if (Atomics.load(i, at + F.paused) && Atomics.compareExchange(i, NUDGE, 0, 1) === 0) this.nudge();
    return n;
  }

  /** Stream offset up to which the program took bytes of `fd` (see {@link consumedCorrection}). */
  consumed(fd: number): number {
    const at = this.at(fd);
    return at < 0 ? 0 : Atomics.load(this.ints, at + F.consumed);
  }
}

/**
 * A board slot's readable count and mask with the bytes the program took
 * from the ring and the worker has not applied yet taken off: `rxStart`
 * and `readable` are core's queue as the board shows it, `consumed` the
 * ring's. POLLIN stays while the read side is shut (EOF reads as ready).
 */
export function consumedCorrection(mask: number, readable: number, rxStart: number, consumed: number): { mask: number; readable: number } {
  const taken = (consumed - rxStart) | 0;
  if (taken <= 0) return { mask, readable };
  const left = Math.max(0, readable - taken);
  return { mask: left > 0 || mask & POLLRDHUP ? mask : mask & ~POLLIN_RDNORM, readable: left };
}
