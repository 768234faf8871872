/**
 * How long the program's end waits for the bytes its streams sent to be
 * written: a stream whose bytes go this long without the host writing any
 * is reset (a peer that never reads must not keep the process up for
 * ever; core's orphans.ts). While they move, the wait goes on.
 */

/** In-thread modes: after the program's runtime exited (core's SocketTable.programEnded). */
export const ORPHAN_STALL_MS = 2000;

/** Worker mode: at the process's 'exit', where the program's thread waits for the worker's drain. */
export const DRAIN_MS = ORPHAN_STALL_MS;
