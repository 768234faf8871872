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

const perf = (globalThis as { performance?: { now(): number } }).performance;

/** A monotonic clock in ms with sub-ms resolution (performance.now; Date.now where there is none). */
export const monotonicMs: () => number = perf ? () => perf.now() : () => Date.now();

const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/**
 * Runs `callback` after the event loop's next I/O poll, which does not
 * sleep while one is pending (setImmediate: Node, Deno, Bun); undefined
 * where the host has none.
 */
export const nextLoopTurn: ((callback: () => void) => void) | undefined = immediate ? (callback) => void immediate(callback) : undefined;

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => startTimer(resolve, ms));
}

interface HostText {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
}

const text = globalThis as unknown as HostText;

/** UTF-8 bytes of a string (every target runtime has TextEncoder). */
export function utf8(textValue: string): Uint8Array {
  return new text.TextEncoder().encode(textValue);
}

/** A string from UTF-8 bytes. */
export function fromUtf8(bytes: Uint8Array): string {
  return new text.TextDecoder().decode(bytes);
}
