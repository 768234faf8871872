/**
 * The few host functions core uses that are not ECMAScript but exist in
 * every runtime rawsock targets (timers and microtasks). Typed here because
 * core compiles with no runtime type definitions at all.
 */
interface HostTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  queueMicrotask(callback: () => void): void;
}

const host = globalThis as unknown as HostTimers;

/** Runs `callback` after `ms` milliseconds; returns a cancel function. */
export function startTimer(callback: () => void, ms: number): () => void {
  const handle = host.setTimeout(callback, ms);
  return () => host.clearTimeout(handle);
}

/** Runs `callback` once the current job is done. */
export function microtask(callback: () => void): void {
  host.queueMicrotask(callback);
}
