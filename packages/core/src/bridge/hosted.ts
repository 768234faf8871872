/**
 * Synchronous sockets hosted in a worker, the runtime-agnostic part: the
 * caller's start-up handshake and the worker's socket table. Each runtime's
 * package (`@rawsock/node/sync`, `@rawsock/deno/sync`, `@rawsock/bun/sync`)
 * supplies only how to start a worker, carry messages, and which provider
 * the worker runs.
 */
import { BlockingSyscalls } from '../blocking.js';
import type { CoreLimits } from '../limits.js';
import type { PolicySpec } from '../policy/policy.js';
import type { RawSocketProvider } from '../provider.js';
import { SocketSyscalls } from '../syscalls.js';
import { SocketTable } from '../table.js';
import { SyncSockets } from './client.js';
import { createBridgeMemory, type BridgeRequest } from './protocol.js';
import { createBridgeServer, type BridgeServeOptions } from './server.js';

/** Options for a runtime's `createSyncSockets()`. */
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

/** What the socket worker is started with (structured-cloneable). */
export interface SyncWorkerInit {
  /** The bridge's shared memory. */
  readonly memory: SharedArrayBuffer;
  /** Limits for the worker's table. */
  readonly limits?: Partial<CoreLimits>;
  /** Network policy for the worker's table. */
  readonly policy?: PolicySpec | string;
}

/** A started worker, as the runtime package sees it. */
export interface SyncWorkerHandle {
  /** Sends a bridge request to the worker. */
  post(req: BridgeRequest): void;
  /** Stops the worker. */
  terminate(): Promise<void>;
}

/** {@link SyncSockets} plus the worker's lifetime. */
export interface HostedSyncSockets extends SyncSockets {
  /** Stops the worker; every socket closes. */
  terminate(): Promise<void>;
}

/**
 * The caller's side: makes the bridge memory, has `start` launch the worker
 * with it, and blocks until the worker serves (a `[rawsock]` error if it
 * does not within `startTimeoutMs`).
 */
export function startSyncSockets(options: SyncSocketsOptions, start: (init: SyncWorkerInit) => SyncWorkerHandle): HostedSyncSockets {
  const memory = createBridgeMemory(options.payloadBytes);
  const worker = start({
    memory,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
  });
  const sockets = new SyncSockets(memory, (req) => worker.post(req)) as HostedSyncSockets;
  sockets.terminate = () => worker.terminate();
  try {
    sockets.waitUntilServing(options.startTimeoutMs ?? 10_000);
  } catch (e) {
    void worker.terminate();
    throw e;
  }
  return sockets;
}

/**
 * The worker's side: a socket table over `provider` (with the caller's
 * limits and policy) answering bridge requests with blocking semantics.
 * Returns the function to call with each request message. `options`: see
 * {@link BridgeServeOptions} (Deno's worker passes `keepLoopWarm: false`).
 */
export function serveSyncSockets(init: SyncWorkerInit, provider: RawSocketProvider, options: BridgeServeOptions = {}): (req: BridgeRequest) => void {
  const table = new SocketTable({
    provider,
    ...(init.limits ? { limits: init.limits } : {}),
    ...(init.policy !== undefined ? { policy: init.policy } : {}),
  });
  return createBridgeServer(init.memory, new BlockingSyscalls(new SocketSyscalls(table)), options);
}
