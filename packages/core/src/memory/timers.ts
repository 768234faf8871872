/**
 * The host timer functions MemoryProvider uses. Core compiles with
 * `types: []` and lib ES2022 only, so these three globals (present in Node,
 * Deno, Bun and browsers) are declared here, minimally, for this module
 * alone; everything else in `memory/` goes through the wrappers below.
 */

declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function queueMicrotask(callback: () => void): void;

// Captured when this module loads, so a test framework that fakes the timer
// globals later (vi.useFakeTimers and the like) does not stall the network's
// event-loop yield (see scheduler.ts); the network keeps no time otherwise.
const hostSetTimeout = setTimeout;
const hostClearTimeout = clearTimeout;
const hostQueueMicrotask = queueMicrotask;

/** An opaque handle from {@link startTimer}. */
export type TimerHandle = unknown;

/** Runs `callback` in a later macrotask, after at least `ms` milliseconds. */
export function startTimer(callback: () => void, ms: number): TimerHandle {
  return hostSetTimeout(callback, ms);
}

/** Cancels a timer from {@link startTimer}. */
export function cancelTimer(handle: TimerHandle): void {
  hostClearTimeout(handle);
}

/** Runs `callback` in a microtask. */
export function microtask(callback: () => void): void {
  hostQueueMicrotask(callback);
}
