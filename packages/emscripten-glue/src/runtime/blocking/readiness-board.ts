/**
 * The worker mode's readiness board: one slot per fd in a SharedArrayBuffer
 * that the socket worker writes after every readiness change of a socket
 * and the program's thread reads when it dispatches socket callbacks.
 *
 * Memory stays bounded whatever the program does: a change overwrites its
 * fd's slot (no queue), and the worker posts at most one wake message at a
 * time — it sets the board's wake flag and posts only if the flag was
 * clear; the program's thread clears the flag before it reads the slots, so
 * a change written after that read posts a new wake. A program that never
 * returns to its event loop leaves one message pending, not one per change.
 *
 * Each slot is a seqlock (odd sequence while the worker writes), so the
 * reader never sees half a write. Edges a coalesced read would hide (a bit
 * that rose and fell between two reads) accumulate in `rose` until read.
 * https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Atomics
 */
import { consumedCorrection } from './recv-rings.js';
import type { SocketSnapshot } from './worker-messages.js';

/** Fds the board has slots for (Emscripten's FS.MAX_OPEN_FDS). */
export const BOARD_FDS = 4096;

/** Int32 fields of one slot. */
const F = { seq: 0, gen: 1, mask: 2, state: 3, readable: 4, pendingError: 5, rose: 6, nonBlocking: 7, version: 8, arrivals: 9, rises: 10, room: 16, postedDone: 17, rxStart: 18, localPeer: 19 } as const;
/** The bits whose rises are counted (EPOLLET wakeups), in the order of their counters from F.rises. */
const RISE_BITS = [0x1, 0x2, 0x4, 0x8, 0x10, 0x2000] as const;
const SLOT_INTS = 20;
/** Int32s before the first slot: [0] the wake flag. */
const HEAD_INTS = 8;
const WAKE = 0;

/** Socket states in the order the board encodes them (core's SocketState). */
const STATES = ['fresh', 'bound', 'connecting', 'connected', 'listening', 'disconnected', 'closed'] as const;

interface AtomicsHost {
  load(a: Int32Array, i: number): number;
  store(a: Int32Array, i: number, v: number): number;
  add(a: Int32Array, i: number, v: number): number;
  or(a: Int32Array, i: number, v: number): number;
  exchange(a: Int32Array, i: number, v: number): number;
  compareExchange(a: Int32Array, i: number, expected: number, v: number): number;
}
const atomics = () => (globalThis as unknown as { Atomics: AtomicsHost }).Atomics;

/** Creates the shared memory of one board. */
export function createBoardMemory(fds = BOARD_FDS): SharedArrayBuffer {
  return new SharedArrayBuffer((HEAD_INTS + fds * SLOT_INTS) * 4);
}

/** What the worker publishes of a socket (see snapshotOf). */
export interface BoardEntry {
  readonly mask: number;
  readonly state: string;
  readonly readable: number;
  readonly pendingError: number;
  /** O_NONBLOCK of the socket. */
  readonly nonBlocking: boolean;
  /** Core's count of arrivals (data, datagrams, connections) on the socket. */
  readonly arrivals: number;
  /** Bytes a send would take now without waiting or failing (core's sendRoom). */
  readonly room: number;
  /** Bytes of posted sends (the program did not wait for them) the worker has run, since the socket took this fd. */
  readonly postedDone: number;
  /** Stream offset of the first byte of the socket's receive queue (StreamSocket.receivedStart; 0 for others). */
  readonly rxStart: number;
  /**
   * The peer of this connected stream is, or may be, a socket of this
   * program (see the worker's peerMayBeHere): its posted sends can make
   * another of the program's fds readable.
   */
  readonly localPeer: boolean;
}

/** The worker's side: writes slots and rings the program's thread. */
export class BoardWriter {
  private readonly ints: Int32Array;
  private readonly fds: number;

  /** @param wake posts one wake message to the program's thread */
  constructor(memory: SharedArrayBuffer, private readonly wake: () => void) {
    this.ints = new Int32Array(memory);
    this.fds = (this.ints.length - HEAD_INTS) / SLOT_INTS;
  }

  /**
   * Publishes `entry` for `fd`. `fresh` marks a new socket at this fd (a
   * new generation; no edge from the old one's mask). A `change` (a core
   * readiness notification) is news for the socket callbacks: it bumps the
   * slot's version and wakes the program. Other writes (a new socket's
   * first, a call's effects) only keep the slot exact for local answers.
   */
  write(fd: number, entry: BoardEntry, fresh: boolean, change: boolean): void {
    if (fd < 0 || fd >= this.fds) return;
    const a = atomics();
    const at = HEAD_INTS + fd * SLOT_INTS;
    const i = this.ints;
    a.add(i, at + F.seq, 1);
    const before = fresh ? entry.mask : (i[at + F.mask] as number);
    if (fresh) {
      i[at + F.gen] = (i[at + F.gen] as number) + 1;
      a.store(i, at + F.rose, 0);
    }
    i[at + F.mask] = entry.mask;
    i[at + F.state] = Math.max(0, STATES.indexOf(entry.state as (typeof STATES)[number]));
    i[at + F.readable] = entry.readable;
    i[at + F.pendingError] = entry.pendingError;
    i[at + F.nonBlocking] = entry.nonBlocking ? 1 : 0;
    i[at + F.arrivals] = entry.arrivals | 0;
    i[at + F.room] = entry.room | 0;
    i[at + F.postedDone] = entry.postedDone | 0;
    i[at + F.rxStart] = entry.rxStart | 0;
    i[at + F.localPeer] = entry.localPeer ? 1 : 0;
    if (change) {
      const rising = entry.mask & ~before;
      a.or(i, at + F.rose, rising);
      i[at + F.version] = (i[at + F.version] as number) + 1;
      RISE_BITS.forEach((bit, k) => {
        if (rising & bit) i[at + F.rises + k] = (i[at + F.rises + k] as number) + 1;
      });
    }
    a.add(i, at + F.seq, 1);
    if (change && a.compareExchange(i, WAKE, 0, 1) === 0) this.wake();
  }
}

/** One slot as read. */
export interface BoardRead {
  /** Bumped by each change (not by writes that only keep the slot exact). */
  readonly version: number;
  readonly gen: number;
  readonly snap: SocketSnapshot;
  /** O_NONBLOCK of the socket. */
  readonly nonBlocking: boolean;
  /** Send room as the worker last saw it (BoardEntry.room). */
  readonly room: number;
  /** BoardEntry.postedDone. */
  readonly postedDone: number;
  /** BoardEntry.localPeer. */
  readonly localPeer: boolean;
}

/** The program thread's side: reads slots, consumes edges, rearms the wake. */
export class BoardReader {
  private readonly ints: Int32Array;
  private readonly fds: number;

  /**
   * @param consumedOf the receive ring's `consumed` offset of an fd: bytes
   *   the program took there and the worker has not applied yet are not
   *   readable any more (recv-rings.ts)
   */
  constructor(memory: SharedArrayBuffer, private readonly consumedOf?: (fd: number) => number) {
    this.ints = new Int32Array(memory);
    this.fds = (this.ints.length - HEAD_INTS) / SLOT_INTS;
  }

  /**
   * The wakeups of `fd` that concern `events`, as a counter: the rises of
   * each bit in `events` (POLLERR and POLLHUP always) at readiness changes,
   * plus arrivals if `events` has POLLIN. It moves exactly when EPOLLET
   * would queue the fd (the in-thread glue's rule, see library_rawsock.js);
   * undefined outside the board.
   */
  wakeups(fd: number, events: number): number | undefined {
    if (fd < 0 || fd >= this.fds) return undefined;
    const a = atomics();
    const at = HEAD_INTS + fd * SLOT_INTS;
    const want = events | 0x8 | 0x10;
    let n = want & 0x1 ? a.load(this.ints, at + F.arrivals) : 0;
    RISE_BITS.forEach((bit, k) => {
      if (want & bit) n += a.load(this.ints, at + F.rises + k);
    });
    return n | 0;
  }

  /** Called on a wake message, before reading: a change after this posts another. */
  rearm(): void {
    atomics().store(this.ints, WAKE, 0);
  }

  /** The slot of `fd` (consuming its accumulated edges if `consume`), or undefined outside the board. */
  read(fd: number, consume = true): BoardRead | undefined {
    if (fd < 0 || fd >= this.fds) return undefined;
    const a = atomics();
    const at = HEAD_INTS + fd * SLOT_INTS;
    const i = this.ints;
    // A write is a few stores: retry a torn read, but never spin forever on
    // a slot a dead worker left mid-write (then the caller asks the bridge).
    for (let tries = 0; tries < 10_000; tries++) {
      const seq = a.load(i, at + F.seq);
      if (seq & 1) continue;
      const gen = a.load(i, at + F.gen);
      const mask = a.load(i, at + F.mask);
      const state = STATES[a.load(i, at + F.state)] ?? 'fresh';
      const readable = a.load(i, at + F.readable);
      const pendingError = a.load(i, at + F.pendingError);
      const nonBlocking = a.load(i, at + F.nonBlocking) !== 0;
      const version = a.load(i, at + F.version);
      const room = a.load(i, at + F.room);
      const postedDone = a.load(i, at + F.postedDone);
      const rxStart = a.load(i, at + F.rxStart);
      const localPeer = a.load(i, at + F.localPeer) !== 0;
      if (a.load(i, at + F.seq) !== seq) continue;
      const rose = consume ? a.exchange(i, at + F.rose, 0) : 0;
      const now = this.consumedOf ? consumedCorrection(mask, readable, rxStart, this.consumedOf(fd)) : { mask, readable };
      return { version, gen, nonBlocking, room, postedDone, localPeer, snap: { fd, mask: now.mask, state, readable: now.readable, pendingError, rose } };
    }
    return undefined;
  }
}
