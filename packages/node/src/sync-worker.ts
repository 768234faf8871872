/**
 * The worker thread behind createSyncSockets(): owns the sockets (a
 * NodeProvider table) and answers the bridge's requests with blocking
 * semantics, keeping its own event loop free to run the sockets while the
 * calling thread sleeps in Atomics.wait.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BlockingSyscalls, SERVER_GONE, SocketSyscalls, SocketTable, createBridgeServer, setServerState, type BridgeRequest } from '@rawsock/core';
import { NodeProvider } from './index.js';
import type { SyncWorkerData } from './sync.js';

const data = workerData as SyncWorkerData;
const table = new SocketTable({
  provider: new NodeProvider(),
  ...(data.limits ? { limits: data.limits } : {}),
  ...(data.policy !== undefined ? { policy: data.policy } : {}),
});
const serve = createBridgeServer(data.memory, new BlockingSyscalls(new SocketSyscalls(table)));
parentPort?.on('message', (req: BridgeRequest) => serve(req));
// A caller blocked on a dead worker would sleep forever: answer it with EIO.
process.on('exit', () => setServerState(data.memory, SERVER_GONE));
process.on('uncaughtException', () => setServerState(data.memory, SERVER_GONE));
