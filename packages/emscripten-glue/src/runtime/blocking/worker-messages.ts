/**
 * Messages between the program's thread and the socket worker, besides the
 * bridge's requests: the start message, and the wake the worker posts when
 * the readiness board (readiness-board.ts) changed, so Emscripten's socket
 * callbacks fire on the program's thread.
 */
import type { OptionAbi, PolicySpec } from '@rawsock/core';

/** The first message to the worker. */
export interface WorkerInit {
  readonly init: {
    readonly memory: SharedArrayBuffer;
    /** The readiness board (createBoardMemory). */
    readonly board: SharedArrayBuffer;
    /** The receive rings (createRingMemory). */
    readonly rings: SharedArrayBuffer;
    /** The queue of posted sends (createPostQueueMemory). */
    readonly posts: SharedArrayBuffer;
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
  /** Bits that rose since the previous snapshot, even if they fell again (worker mode coalesces changes). */
  readonly rose?: number;
}

/** The worker's wake: the board changed (at most one is in flight). */
export interface WorkerWake {
  readonly wake: true;
}

/** The program took bytes from a receive ring of a socket whose host reads are paused: apply them (at most one is in flight). */
export interface WorkerNudge {
  readonly nudge: true;
}

/** Sends were queued in the post queue (post-queue.ts; at most one is in flight). */
export interface WorkerPosts {
  readonly posts: true;
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

/**
 * A connection can be ready the moment it gets its fd: an accepted one
 * whose bytes, even its EOF, arrived before accept(2) (likely in worker
 * mode, where the program accepts a snapshot's time after the worker
 * queued the connection). Its watchers would hear of no change after
 * that, so no message or close callback would ever fire: announce its
 * readiness once as a change (core coalesces it into the next
 * notification, after the call that made the fd has returned).
 */
export function announceReady(s: { state: string; changed(): void }): void {
  if (s.state === 'connected') s.changed();
}
