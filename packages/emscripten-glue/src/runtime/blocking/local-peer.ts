/**
 * Whether a connected stream's peer may be a socket of the same program —
 * what decides if a send the program posts (worker mode, not waited for)
 * must hold the program's answers from the readiness board until it has
 * run (BoardEntry.localPeer, BridgedSyscalls.postsPending).
 */
import type { SocketTable } from '@rawsock/core';

type AnySocket = ReturnType<SocketTable['get']>;

/**
 * Whether the peer of a connected stream may be a socket of this program.
 * While it may, a send the program posts on it holds the program's answers
 * from the board (BridgedSyscalls.postsPending): on Linux the bytes are
 * at the peer as soon as send returns. A peer in this program is a
 * socketpair or unix socket (always assumed), or a socket of this table
 * bound to the peer's port — or one still connecting, whose port core does
 * not know yet ('unsettled': asked again at the next publish). Otherwise
 * the peer is another process, whose bytes no answer here can show.
 */
export function peerMayBeHere(t: SocketTable, s: AnySocket): boolean | 'unsettled' {
  const peer = s.peerAddress();
  if (peer.family === 'unix') return true;
  let connecting = false;
  for (const fd of t.openFds()) {
    const o = t.get(fd);
    if (o === s) continue;
    if (o.state === 'connecting') connecting = true;
    const local = o.localAddress();
    if (local.family !== 'unix' && local.port === peer.port) return true;
  }
  return connecting ? 'unsettled' : false;
}
