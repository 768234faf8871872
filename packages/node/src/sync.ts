/**
 * Synchronous sockets for Node.js embedders that must answer syscalls
 * synchronously (a WASI host, an emulator): the sockets live in a worker
 * thread and each call blocks the caller in Atomics.wait until done.
 * https://nodejs.org/api/worker_threads.html
 *
 * @module @rawsock/node/sync
 */
import { Worker } from 'node:worker_threads';
import { SyncSockets, createBridgeMemory, type CoreLimits, type PolicySpec } from '@rawsock/core';
import { assertNodeRuntime } from './runtime-check.js';

/** What the worker is started with. @internal */
export interface SyncWorkerData {
  readonly memory: SharedArrayBuffer;
  readonly limits?: Partial<CoreLimits>;
  readonly policy?: PolicySpec | string;
}

/** Options for {@link createSyncSockets}. */
export interface SyncSocketsOptions {
  /** Largest single transfer through the bridge (default 1 MiB). */
  readonly payloadBytes?: number;
  /** Limits for the worker's socket table (see CoreLimits). */
  readonly limits?: Partial<CoreLimits>;
  /** Network policy for the worker's table: a spec or presets such as `'loopback-only'`. */
  readonly policy?: PolicySpec | string;
  /** How long to wait for the worker to start (default 10 s). */
  readonly startTimeoutMs?: number;
}

/** {@link SyncSockets} plus the worker's lifetime. */
export interface NodeSyncSockets extends SyncSockets {
  /** Stops the worker; every socket closes. */
  terminate(): Promise<void>;
}

/**
 * Starts the socket worker and returns the synchronous API. Blocks until
 * the worker is ready. The worker does not keep the process alive.
 *
 * @example
 * const net = createSyncSockets();
 * const fd = net.socket('ipv4', 'stream').value!;
 * net.connect(fd, { family: 'ipv4', address: '127.0.0.1', port: 8080 }); // blocks until connected
 * net.send(fd, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
 * const reply = net.recv(fd, 65536).value;                               // blocks until data
 */
export function createSyncSockets(options: SyncSocketsOptions = {}): NodeSyncSockets {
  assertNodeRuntime();
  const memory = createBridgeMemory(options.payloadBytes);
  const data: SyncWorkerData = {
    memory,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
  };
  const worker = new Worker(new URL('./sync-worker.js', import.meta.url), { workerData: data });
  worker.unref();
  const sockets = new SyncSockets(memory, (req) => worker.postMessage(req)) as NodeSyncSockets;
  sockets.terminate = async () => {
    await worker.terminate();
  };
  sockets.waitUntilServing(options.startTimeoutMs ?? 10_000);
  return sockets;
}
