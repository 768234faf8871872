/**
 * Can this thread use the worker bridge? It needs SharedArrayBuffer,
 * Atomics.wait allowed on this thread (browsers forbid it on the main
 * thread), and a way to start a worker: worker_threads on Node and Deno,
 * the Web Worker API on Bun.
 */
import { getBuiltinModule } from './host-builtins.js';
import { detectRuntime } from '../../detect-runtime.js';

/** Why the bridge is unavailable, or undefined if it is available. */
export function workerUnavailable(): string | undefined {
  const g = globalThis as { SharedArrayBuffer?: unknown; Atomics?: { wait?: unknown }; Worker?: unknown };
  if (typeof g.SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  if (typeof g.Atomics?.wait !== 'function') return 'Atomics.wait is not available';
  try {
    // A value that does not match returns at once, or throws where waiting is forbidden.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    return 'Atomics.wait is not allowed on this thread';
  }
  const runtime = detectRuntime();
  if (runtime !== 'bun') return getBuiltinModule('node:worker_threads')?.Worker ? undefined : 'node:worker_threads is not available';
  if (typeof g.Worker !== 'function') return 'the Worker API is not available';
  return undefined;
}
