/**
 * Socket states, modelled on libuv's handle model: every socket is in exactly
 * one state and every change goes through `SocketBase.transition`, so a
 * trace hook sees each one.
 *
 * - `fresh`: socket() returned it; no address.
 * - `bound`: bind() (or an implicit autobind) gave it a local address.
 * - `connecting`: a stream connect is in flight (Linux SYN_SENT).
 * - `connected`: a stream is established, or a datagram socket has a peer.
 * - `listening`: a stream socket accepts connections.
 * - `disconnected`: an established stream died (reset, timeout); Linux's
 *   TCP_CLOSE after ESTABLISHED — readable to EOF, never writable again.
 * - `closed`: the last fd was closed; the socket is gone.
 */
export type SocketState = 'fresh' | 'bound' | 'connecting' | 'connected' | 'listening' | 'disconnected' | 'closed';

/** A state change, as passed to a trace hook. */
export interface StateTransition {
  /** The socket's id (stable for its life; not its fd). */
  readonly socketId: number;
  /** The state before. */
  readonly from: SocketState;
  /** The state after. */
  readonly to: SocketState;
  /** What caused the change (the call or the host event). */
  readonly reason: string;
}
