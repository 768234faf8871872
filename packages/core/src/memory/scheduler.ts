/**
 * The clock of a memory network: one FIFO of jobs, so every event is
 * delivered later than the call that caused it, never re-entrantly, in the
 * order it was caused.
 *
 * Jobs run in microtasks (fast, deterministic), but a chain of microtask
 * drains is cut after {@link MAX_MICROTASK_DRAINS} without a macrotask in
 * between: two peers that answer each other forever (all in microtasks)
 * would otherwise starve the host's timers and I/O. The first job of a burst
 * arms one 0 ms timer; when it fires the host has had a turn, and it resets
 * the count (or runs the drain that was held back for it).
 */
import { microtask, startTimer } from './timers.js';

/** Consecutive microtask drains allowed before yielding to a macrotask. */
export const MAX_MICROTASK_DRAINS = 256;

type Job = () => void;

export class Scheduler {
  #jobs: (Job | undefined)[] = [];
  #head = 0;
  #drainPending = false;
  #drains = 0;
  #markerArmed = false;
  #heldForMarker = false;
  #idleWaiters: (() => void)[] = [];

  /** Number of jobs waiting to run. */
  get pending(): number {
    return this.#jobs.length - this.#head;
  }

  /** Runs `job` later. A job that throws is reported as an uncaught error and does not stop the others. */
  defer(job: Job): void {
    this.#jobs.push(job);
    this.#arm();
  }

  /** Resolves once no job is waiting (everything caused so far has been delivered). */
  whenIdle(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#arm();
    });
  }

  #arm(): void {
    if (this.#drainPending) return;
    this.#drainPending = true;
    if (!this.#markerArmed) {
      this.#markerArmed = true;
      startTimer(this.#onMarker, 0);
    }
    if (this.#drains < MAX_MICROTASK_DRAINS) microtask(this.#drain);
    else this.#heldForMarker = true;
  }

  #onMarker = (): void => {
    this.#markerArmed = false;
    this.#drains = 0;
    if (this.#heldForMarker) {
      this.#heldForMarker = false;
      this.#drain();
    }
  };

  #drain = (): void => {
    this.#drainPending = false;
    this.#drains++;
    // Only the jobs queued so far; jobs they queue run in the next drain.
    const end = this.#jobs.length;
    while (this.#head < end) {
      const job = this.#jobs[this.#head] as Job;
      this.#jobs[this.#head++] = undefined;
      try {
        job();
      } catch (err) {
        // Like an exception thrown from a host event handler.
        microtask(() => {
          throw err;
        });
      }
    }
    if (this.#head === this.#jobs.length) {
      this.#jobs.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#jobs.length) {
      this.#jobs = this.#jobs.slice(this.#head);
      this.#head = 0;
    }
    if (this.pending === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };
}
