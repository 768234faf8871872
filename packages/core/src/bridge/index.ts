export { SyncSockets, sendInPieces, type BridgeAnswer } from './client.js';
export { createBridgeServer, answerBridgeRequest, setServerState, type BridgeServeOptions } from './server.js';
export { createBridgeMemory, DEFAULT_PAYLOAD_BYTES, SERVER_GONE, SERVER_READY, type BridgeRequest, type BridgeOp } from './protocol.js';
export { startSyncSockets, serveSyncSockets, type SyncSocketsOptions, type SyncWorkerInit, type SyncWorkerHandle, type HostedSyncSockets } from './hosted.js';
