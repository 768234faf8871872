/**
 * Messages between the program's thread and the socket worker, besides the
 * bridge's requests: the start message, and readiness snapshots the worker
 * posts for every socket it creates so Emscripten's socket callbacks fire on
 * the program's thread.
 */
import type { OptionAbi, PolicySpec } from '@rawsock/core';

/** The first message to the worker. */
export interface WorkerInit {
  readonly init: {
    readonly memory: SharedArrayBuffer;
    readonly abi: OptionAbi;
    readonly policy?: PolicySpec | string;
  };
}

/** A socket's readiness as the glue's callback logic reads it. */
export interface SocketSnapshot {
  readonly fd: number;
  /** First snapshot after the socket was created (mask not yet meaningful). */
  readonly initial?: boolean;
  readonly mask: number;
  readonly state: string;
  readonly readable: number;
  readonly pendingError: number;
}

/** The snapshot of a socket (a listening socket has no readable bytes: readableBytes throws there). */
export function snapshotOf(s: { state: string; pendingError: number; readableBytes(): number }, fd: number, mask: number, initial = false): SocketSnapshot {
  let readable = 0;
  try {
    readable = s.state === 'listening' ? 0 : s.readableBytes();
  } catch {
    readable = 0;
  }
  return { fd, mask, initial, state: s.state, readable, pendingError: s.pendingError };
}
