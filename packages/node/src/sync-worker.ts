/**
 * The worker thread behind createSyncSockets(): owns the sockets (a
 * NodeProvider table) and answers the bridge's requests with blocking
 * semantics, keeping its own event loop free to run the sockets while the
 * calling thread sleeps in Atomics.wait.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SERVER_GONE, serveSyncSockets, setServerState, type BridgeRequest, type SyncWorkerInit } from '@rawsock/core';
import { NodeProvider } from './index.js';

const init = workerData as SyncWorkerInit;
const serve = serveSyncSockets(init, new NodeProvider());
parentPort?.on('message', (req: BridgeRequest) => serve(req));
// A caller blocked on a dead worker would sleep forever: answer it with EIO.
process.on('exit', () => setServerState(init.memory, SERVER_GONE));
process.on('uncaughtException', () => setServerState(init.memory, SERVER_GONE));
