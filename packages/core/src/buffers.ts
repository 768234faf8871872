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
   * Copies up to `dest.byteLength` bytes into `dest`; consumes them unless
   * `peek`. Returns the number of bytes copied. Allocates nothing when a
   * whole chunk fits (the usual case: the program's buffer is larger than
   * what arrived); a chunk read in part costs one view.
   */
  read(dest: Uint8Array, peek = false): number {
    const chunks = this.chunks;
    let copied = 0;
    let index = this.first;
    let offset = this.head;
    while (copied < dest.byteLength && index < chunks.length) {
      const chunk = chunks[index] as Uint8Array;
      const n = Math.min(chunk.byteLength - offset, dest.byteLength - copied);
      dest.set(offset === 0 && n === chunk.byteLength ? chunk : chunk.subarray(offset, offset + n), copied);
      copied += n;
      offset += n;
      if (offset === chunk.byteLength) {
        index++;
        offset = 0;
      }
    }
    if (!peek) {
      for (let i = this.first; i < index; i++) chunks[i] = undefined;
      this.first = index;
      this.head = offset;
      this.total -= copied;
      this.account?.release(copied);
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
    return copied;
  }

  /** Drops everything. */
  clear(): void {
    this.account?.release(this.total);
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
