/**
 * Synchronous sockets for Node.js embedders that must answer syscalls
 * synchronously (a WASI host, an emulator): the sockets live in a worker
 * thread and each call blocks the caller in Atomics.wait until done.
 * https://nodejs.org/api/worker_threads.html
 *
 * @module @rawsock/node/sync
 */
import { Worker } from 'node:worker_threads';
import { startSyncSockets, type HostedSyncSockets, type SyncSocketsOptions, type SyncWorkerInit } from '@rawsock/core';
import { assertNodeRuntime } from './runtime-check.js';

export type { SyncSocketsOptions } from '@rawsock/core';

/** The synchronous sockets (`SyncSockets` of @rawsock/core) plus the worker's lifetime (`terminate()`). */
export type NodeSyncSockets = HostedSyncSockets;

/** What the worker is started with. @internal */
export type SyncWorkerData = SyncWorkerInit;

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
  return startSyncSockets(options, (init) => {
    const worker = new Worker(new URL('./sync-worker.js', import.meta.url), { workerData: init });
    worker.unref();
    return {
      post: (req) => worker.postMessage(req),
      terminate: async () => {
        await worker.terminate();
      },
    };
  });
}
