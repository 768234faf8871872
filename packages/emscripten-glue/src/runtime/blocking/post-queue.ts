/**
 * Worker mode's queue of posted sends (BridgedSyscalls.tryPost): the
 * program's thread appends each send — fd, flags and bytes — to one ring in
 * shared memory and posts a wake message only if none is on its way; the
 * socket worker takes every queued send on that wake. A request/response
 * loop then costs the worker one message per batch of sends, not one per
 * send, and the bytes one copy each way instead of a structured clone.
 *
 * Order with everything else the program posts holds: a send's record is
 * in the ring before its wake (or an earlier, still pending one) is
 * posted, the worker clears the wake flag before it reads how far the ring
 * goes, and it runs the taken sends in its request chain — so any call the
 * program makes after a send is run after it.
 * https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Atomics
 */

/** Bytes of the ring (a power of two; a record never wraps). */
export const POST_QUEUE_BYTES = 256 * 1024;

/** Int32s of the head: [0] head (program), [1] tail (worker), [2] a wake is on its way. */
const HEAD = 0;
const TAIL = 1;
const WAKE = 2;
const HEAD_BYTES = 16;
/** A record: fd, flags, length (Int32s), then the bytes, padded to 4. */
const RECORD_HEAD = 12;
/** fd of a record that only says "go on at the ring's start". */
const WRAP = -1;

/** Shared memory of one queue. */
export function createPostQueueMemory(bytes = POST_QUEUE_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(HEAD_BYTES + bytes);
}

const padded = (n: number) => (n + 3) & ~3;

class PostQueueMemory {
  protected readonly ints: Int32Array;
  protected readonly view: DataView;
  protected readonly bytes: Uint8Array;
  protected readonly size: number;

  constructor(memory: SharedArrayBuffer) {
    this.ints = new Int32Array(memory, 0, HEAD_BYTES / 4);
    this.bytes = new Uint8Array(memory, HEAD_BYTES);
    this.view = new DataView(memory, HEAD_BYTES);
    this.size = this.bytes.byteLength;
  }
}

/** The program's side. */
export class PostQueueWriter extends PostQueueMemory {
  /** @param wake posts one wake message to the worker */
  constructor(memory: SharedArrayBuffer, private readonly wake: () => void) {
    super(memory);
  }

  /** Largest send one record carries. */
  get maxSend(): number {
    return this.size / 2 - RECORD_HEAD;
  }

  /** Queues a send; false (nothing queued) if the ring lacks room for it now. */
  append(fd: number, flags: number, data: Uint8Array): boolean {
    const len = data.byteLength;
    if (len > this.maxSend) return false;
    const i = this.ints;
    const head = Atomics.load(i, HEAD);
    const used = (head - Atomics.load(i, TAIL)) | 0;
    let at = head & (this.size - 1);
    const need = RECORD_HEAD + padded(len);
    const skip = at + need > this.size ? this.size - at : 0;
    if (used + skip + need > this.size) return false;
    if (skip) {
      this.view.setInt32(at, WRAP, true);
      at = 0;
    }
    this.view.setInt32(at, fd, true);
    this.view.setInt32(at + 4, flags, true);
    this.view.setInt32(at + 8, len, true);
    this.bytes.set(data, at + RECORD_HEAD);
    // Release: the record is whole before the worker can see it.
    Atomics.store(i, HEAD, (head + skip + need) | 0);
    if (Atomics.compareExchange(i, WAKE, 0, 1) === 0) this.wake();
    return true;
  }
}

/** The worker's side. */
export class PostQueueReader extends PostQueueMemory {
  /**
   * On a wake: rearms it, then calls `run` for each queued send in order,
   * awaiting each (its bytes are a view into the ring, valid until it
   * settles), and frees the ring space after it.
   */
  async drain(run: (fd: number, flags: number, data: Uint8Array) => Promise<void> | void): Promise<void> {
    const i = this.ints;
    // Before reading the head: a send queued after this read posts a new wake.
    Atomics.store(i, WAKE, 0);
    const head = Atomics.load(i, HEAD);
    let tail = Atomics.load(i, TAIL);
    while (tail !== head) {
      let at = tail & (this.size - 1);
      const fd = this.view.getInt32(at, true);
      if (fd === WRAP) {
        tail = (tail + this.size - at) | 0;
        continue;
      }
      const flags = this.view.getInt32(at + 4, true);
      const len = this.view.getInt32(at + 8, true);
      at += RECORD_HEAD;
      await run(fd, flags, this.bytes.subarray(at, at + len));
      tail = (tail + RECORD_HEAD + padded(len)) | 0;
      Atomics.store(i, TAIL, tail);
    }
  }
}
