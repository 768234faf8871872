/**
 * The worker behind @rawsock/bun/sync: owns the sockets (a BunProvider
 * table) and answers the bridge's requests with blocking semantics while
 * the calling thread sleeps in Atomics.wait.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SERVER_GONE, serveSyncSockets, setServerState, type BridgeRequest, type SyncWorkerInit } from '@rawsock/core';
import { BunProvider } from './index.js';

const init = workerData as SyncWorkerInit;
const serve = serveSyncSockets(init, new BunProvider());
parentPort?.on('message', (req: BridgeRequest) => serve(req));
// A caller blocked on a dead worker would sleep forever: answer it with EIO.
process.on('exit', () => setServerState(init.memory, SERVER_GONE));
process.on('uncaughtException', () => setServerState(init.memory, SERVER_GONE));
