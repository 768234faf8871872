/**
 * Worker mode answers from the readiness board, with no round trip, the
 * calls whose answer the board fixes exactly; everything else crosses the
 * bridge. The board is written by the worker before it answers any call
 * (readiness-board.ts, worker-entry.ts), so it shows every effect of the
 * program's own calls; what it may lack is only what arrives concurrently,
 * which the program could not have seen yet either (Linux likewise answers
 * EAGAIN for data that has not arrived). Bits a socket loses only through
 * the program's own calls, so a ready bit is never stale.
 */
import type { BoardRead } from './readiness-board.js';

import { E, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_PEEK, MSG_WAITALL, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLRDHUP, SOCK_CLOEXEC, SOCK_NONBLOCK } from '@rawsock/core';

const EAGAIN = E.EAGAIN;

/** Anything that makes recv or accept answer at once (data, EOF, an error). */
const READ_EVENTS = POLLIN | POLLERR | POLLHUP | POLLRDHUP;

/** A slot the board keeps for an open socket (a closed one's calls go to the worker). */
const live = (r: BoardRead | undefined): r is BoardRead => !!r && !(r.snap.mask & POLLNVAL);

/** poll(2)'s revents of one fd for `events` (POLLERR and POLLHUP always), or undefined to ask the worker. */
export function localRevents(r: BoardRead | undefined, events: number): number | undefined {
  if (!live(r)) return undefined;
  return r.snap.mask & (events | POLLERR | POLLHUP);
}

/**
 * -EAGAIN for a receive that cannot wait and has nothing to take, else
 * undefined (ask the worker). Only a connected socket: an unconnected
 * stream answers ENOTCONN. Only plain flags (MSG_OOB, MSG_ERRQUEUE and
 * others have answers of their own), and a non-empty buffer.
 */
export function localRecvWouldBlock(r: BoardRead | undefined, flags: number, length: number): number | undefined {
  if (!live(r) || length <= 0 || r.snap.state !== 'connected') return undefined;
  if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_WAITALL | MSG_NOSIGNAL)) return undefined;
  if (!r.nonBlocking && !(flags & MSG_DONTWAIT)) return undefined;
  return r.snap.mask & READ_EVENTS ? undefined : -EAGAIN;
}

/** -EAGAIN for accept on a non-blocking listener with no connection queued, else undefined. */
export function localAcceptWouldBlock(r: BoardRead | undefined, flags: number): number | undefined {
  if (!live(r) || r.snap.state !== 'listening' || !r.nonBlocking) return undefined;
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return undefined;
  return r.snap.mask & (POLLIN | POLLERR) ? undefined : -EAGAIN;
}
