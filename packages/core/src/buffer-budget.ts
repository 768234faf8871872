/**
 * The table-wide cap on received bytes held by rawsock (limits
 * `maxBufferedBytes`). Each socket's queue has its own bound too; this one
 * stops many sockets together from holding unbounded memory. Sockets that
 * paused their provider because the budget ran out are resumed when it
 * recovers (below three quarters), never starved for good.
 */
export class BufferBudget {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly limit: number) {}

  /** Bytes currently held. */
  get bytes(): number {
    return this.used;
  }

  /** True once the table holds `limit` bytes or more. */
  get exhausted(): boolean {
    return this.used >= this.limit;
  }

  add(n: number): void {
    this.used += n;
  }

  release(n: number): void {
    this.used -= n;
    if (this.waiting.size > 0 && this.used < this.limit * 0.75) {
      const list = [...this.waiting];
      this.waiting.clear();
      for (const resume of list) resume();
    }
  }

  /** Calls `resume` once the budget recovers. */
  onRelief(resume: () => void): void {
    this.waiting.add(resume);
  }

  /** Forgets a waiter (its socket closed). */
  forget(resume: () => void): void {
    this.waiting.delete(resume);
  }
}
