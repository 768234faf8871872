/**
 * A FIFO of byte chunks that never copies: taking part of a chunk returns a
 * subarray and leaves the rest in place.
 */
export class ChunkQueue {
  #items: (Uint8Array | undefined)[] = [];
  #head = 0;
  /** Total bytes queued. */
  bytes = 0;

  /** Number of chunks queued. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  push(chunk: Uint8Array): void {
    this.#items.push(chunk);
    this.bytes += chunk.length;
  }

  /**
   * Removes and returns up to `max` bytes from the front: the whole first
   * chunk if it fits, else its first `max` bytes (a view, not a copy).
   */
  take(max: number): Uint8Array | undefined {
    if (this.#head >= this.#items.length || max <= 0) return undefined;
    const chunk = this.#items[this.#head] as Uint8Array;
    if (chunk.length <= max) {
      this.#items[this.#head++] = undefined;
      this.bytes -= chunk.length;
      if (this.#head === this.#items.length) {
        this.#items.length = 0;
        this.#head = 0;
      } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return chunk;
    }
    this.#items[this.#head] = chunk.subarray(max);
    this.bytes -= max;
    return chunk.subarray(0, max);
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.bytes = 0;
  }
}
