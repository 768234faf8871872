/**
 * Synchronous sockets for Bun embedders that must answer syscalls
 * synchronously (a WASI host, an emulator): the sockets live in a worker
 * (a BunProvider table) and each call blocks the caller in Atomics.wait
 * until done.
 * https://bun.sh/docs/api/workers
 *
 * @module @rawsock/bun/sync
 */
import { Worker } from 'node:worker_threads';
import { startSyncSockets, type HostedSyncSockets, type SyncSocketsOptions } from '@rawsock/core';
import { assertBun } from './index.js';

export type { SyncSocketsOptions } from '@rawsock/core';

/** The synchronous sockets (`SyncSockets` of @rawsock/core) plus the worker's lifetime (`terminate()`). */
export type BunSyncSockets = HostedSyncSockets;

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
export function createSyncSockets(options: SyncSocketsOptions = {}): BunSyncSockets {
  assertBun();
  // Run from the sources (.ts) or from the npm build (.js next to this file).
  const script = new URL(import.meta.url.endsWith('.ts') ? './sync-worker.ts' : './sync-worker.js', import.meta.url);
  return startSyncSockets(options, (init) => {
    const worker = new Worker(script, { workerData: init });
    worker.unref();
    return {
      post: (req) => worker.postMessage(req),
      terminate: async () => {
        await worker.terminate();
      },
    };
  });
}
