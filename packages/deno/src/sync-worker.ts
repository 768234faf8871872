/**
 * The worker behind @rawsock/deno/sync: owns the sockets (a DenoProvider
 * table) and answers the bridge's requests with blocking semantics while
 * the calling thread sleeps in Atomics.wait.
 */
import { SERVER_GONE, serveSyncSockets, setServerState, type BridgeRequest, type SyncWorkerInit } from '@rawsock/core';
import { DenoProvider } from './index.ts';
import { workerThreads } from './worker-threads.ts';

const { parentPort, workerData } = workerThreads();
const init = workerData as SyncWorkerInit;
try {
  // No warm loop: on Deno setImmediate turns delay the next request (BridgeServeOptions).
  const serve = serveSyncSockets(init, new DenoProvider(), { keepLoopWarm: false });
  parentPort?.on('message', (req: unknown) => serve(req as BridgeRequest));
  // A caller blocked on a dead worker would sleep forever: answer it with EIO.
  const events = globalThis as unknown as { addEventListener(type: string, listener: () => void): void };
  events.addEventListener('unload', () => setServerState(init.memory, SERVER_GONE));
  events.addEventListener('error', () => setServerState(init.memory, SERVER_GONE));
} catch (e) {
  setServerState(init.memory, SERVER_GONE);
  throw e;
}
