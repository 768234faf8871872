/**
 * Receive queues. The core owns every byte between the provider and the
 * program; these queues keep chunks as the provider delivered them (no copy
 * on arrival) and copy once, into the program's buffer, on read.
 */
import type { SocketAddress } from './address.js';

/** Where a queue reports the bytes it holds (the table's `BufferBudget`). */
export interface ByteAccount {
  /** Counts `n` more bytes as held. */
  add(n: number): void;
  /** Counts `n` bytes as freed. */
  release(n: number): void;
}

/** A FIFO of byte chunks with partial reads and peeks. */
export class ByteQueue {
  /** chunks[first..] are queued; the slots before `first` are spent (cleared, compacted now and then). */
  private chunks: (Uint8Array | undefined)[] = [];
  private first = 0;
  constructor(private readonly account?: ByteAccount) {}

  /** Read offset into chunks[first]. */
  private head = 0;
  private total = 0;

  /** Bytes queued. */
  get length(): number {
    return this.total;
  }

  /** Appends a chunk; the queue takes ownership (the caller must not reuse it). */
  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.byteLength;
    this.account?.add(chunk.byteLength);
  }

  /**
   * Bytes ever consumed (read or skipped), as a wrapping int32: the stream
   * offset of the queue's first byte. With {@link copyAt} it lets a reader
   * elsewhere mirror the queue by offset (the worker bridge's receive rings).
   */
  get start(): number {
    return this.consumed;
  }

  private consumed = 0;

  /**
   * Copies up to `dest.byteLength` bytes into `dest`; consumes them unless
   * `peek`. Returns the number of bytes copied. Allocates nothing when a
   * whole chunk fits (the usual case: the program's buffer is larger than
   * what arrived); a chunk read in part costs one view.
   */
  read(dest: Uint8Array, peek = false): number {
    const copied = this.walk(0, dest.byteLength, dest);
    if (!peek) this.drop(copied);
    return copied;
  }

  /** Copies up to `dest.byteLength` bytes starting `offset` bytes in, consuming nothing. */
  copyAt(offset: number, dest: Uint8Array): number {
    if (offset < 0 || offset >= this.total) return 0;
    return this.walk(offset, dest.byteLength, dest);
  }

  /** Consumes up to `n` bytes without copying them; returns how many. */
  skip(n: number): number {
    const copied = this.walk(0, Math.max(0, n));
    this.drop(copied);
    return copied;
  }

  /**
   * Walks `length` bytes from `skipFirst` bytes past the head, copying them
   * into `dest` if given; returns the bytes walked (those skipped first not
   * counted) and leaves where the walk ended in walkIndex/walkOffset (no
   * result object: this is every recv's path).
   */
  private walk(skipFirst: number, length: number, dest?: Uint8Array): number {
    const chunks = this.chunks;
    let index = this.first;
    let offset = this.head;
    let toSkip = skipFirst;
    while (toSkip > 0 && index < chunks.length) {
      const n = Math.min((chunks[index] as Uint8Array).byteLength - offset, toSkip);
      toSkip -= n;
      offset += n;
      if (offset === (chunks[index] as Uint8Array).byteLength) {
        index++;
        offset = 0;
      }
    }
    let copied = 0;
    while (copied < length && index < chunks.length) {
      const chunk = chunks[index] as Uint8Array;
      const n = Math.min(chunk.byteLength - offset, length - copied);
      dest?.set(offset === 0 && n === chunk.byteLength ? chunk : chunk.subarray(offset, offset + n), copied);
      copied += n;
      offset += n;
      if (offset === chunk.byteLength) {
        index++;
        offset = 0;
      }
    }
    this.walkIndex = index;
    this.walkOffset = offset;
    return copied;
  }

  private walkIndex = 0;
  private walkOffset = 0;

  /** Consumes the `count` bytes up to where the last walk ended. */
  private drop(count: number): void {
    const chunks = this.chunks;
    const index = this.walkIndex;
    const offset = this.walkOffset;
    for (let i = this.first; i < index; i++) chunks[i] = undefined;
    this.first = index;
    this.head = offset;
    this.total -= count;
    this.consumed = (this.consumed + count) | 0;
    this.account?.release(count);
    if (this.first === chunks.length) {
      // Empty: start over at the front (no copy, no new array).
      chunks.length = 0;
      this.first = 0;
    } else if (this.first > 64 && this.first * 2 > chunks.length) {
      // Compact now and then so spent slots do not pile up.
      this.chunks = chunks.slice(this.first);
      this.first = 0;
    }
  }

  /** Drops everything. */
  clear(): void {
    this.account?.release(this.total);
    this.consumed = (this.consumed + this.total) | 0;
    this.chunks = [];
    this.first = 0;
    this.head = 0;
    this.total = 0;
  }
}

/** One received datagram and its sender. */
export interface Datagram {
  /** The datagram's payload. */
  readonly data: Uint8Array;
  /** The sender's address (an unnamed unix address for a socketpair end). */
  readonly from: SocketAddress;
}

/** A FIFO of whole datagrams, bounded in payload bytes like a kernel queue. */
export class DatagramQueue {
  private items: Datagram[] = [];
  constructor(private readonly account?: ByteAccount) {}

  private head = 0;
  private total = 0;

  /** Payload bytes queued. */
  get bytes(): number {
    return this.total;
  }

  /** Datagrams queued. */
  get count(): number {
    return this.items.length - this.head;
  }

  /** Queues a datagram (dropped, as Linux drops it, when the queue is full). */
  push(datagram: Datagram): void {
    this.items.push(datagram);
    this.total += datagram.data.byteLength;
    this.account?.add(datagram.data.byteLength);
  }

  /** The oldest datagram, without removing it. */
  peek(): Datagram | undefined {
    return this.items[this.head];
  }

  /** Removes and returns the oldest datagram. */
  shift(): Datagram | undefined {
    const d = this.items[this.head];
    if (!d) return undefined;
    this.items[this.head] = undefined as unknown as Datagram;
    this.head++;
    this.total -= d.data.byteLength;
    this.account?.release(d.data.byteLength);
    // Compact now and then so the array does not grow without bound.
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return d;
  }

  /** Drops everything queued and releases its bytes. */
  clear(): void {
    this.account?.release(this.total);
    this.items = [];
    this.head = 0;
    this.total = 0;
  }
}
