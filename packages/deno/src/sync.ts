/**
 * Synchronous sockets for Deno embedders that must answer syscalls
 * synchronously (a WASI host, an emulator): the sockets live in a worker
 * (a DenoProvider table) and each call blocks the caller in Atomics.wait
 * until done. The worker inherits the program's permissions. Deno asks a
 * worker's local modules for read permission: loaded from local files (npm,
 * a checkout; not JSR), the worker needs `--allow-read` for the
 * @rawsock/deno and @rawsock/core package directories.
 *
 * @module @rawsock/deno/sync
 */
import { startSyncSockets, type HostedSyncSockets, type SyncSocketsOptions } from '@rawsock/core';
import { assertDeno } from './index.ts';
import { workerThreads, type WorkerScript } from './worker-threads.ts';

/** The WHATWG URL class (the package compiles without DOM declarations). */
const WebURL = (globalThis as unknown as { URL: new (url: string, base: string) => WorkerScript }).URL;

export type { SyncSocketsOptions } from '@rawsock/core';

/** The synchronous sockets (`SyncSockets` of @rawsock/core) plus the worker's lifetime (`terminate()`). */
export type DenoSyncSockets = HostedSyncSockets;

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
export function createSyncSockets(options: SyncSocketsOptions = {}): DenoSyncSockets {
  assertDeno();
  const { Worker } = workerThreads();
  // From JSR the sources run as .ts; the npm build ships .js next to this file.
  const here = (import.meta as { url: string }).url;
  const script = new WebURL(here.endsWith('.ts') ? './sync-worker.ts' : './sync-worker.js', here);
  return startSyncSockets(options, (init) => {
    let worker;
    try {
      worker = new Worker(script, { workerData: init });
    } catch (e) {
      // Deno checks read permission for a worker's local module.
      const path = script.protocol === 'file:' ? decodeURIComponent(script.pathname) : script.href;
      throw new Error(`[rawsock] @rawsock/deno/sync could not start its socket worker (${path}): Deno needs read permission for a worker's local modules (--allow-read for the @rawsock/deno and @rawsock/core package directories). ${(e as Error).message}`);
    }
    worker.unref();
    return {
      post: (req) => worker.postMessage(req),
      terminate: async () => {
        await worker.terminate();
      },
    };
  });
}
