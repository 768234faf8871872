/**
 * A stream socket that is bound in the host but not yet listening or
 * connected. Two implementations: `net.BoundSocket` where Node has it
 * (bound-socket.ts), libuv handles through Node's internal bindings
 * otherwise (handles.ts).
 */
import type net from 'node:net';
import type { BindOptions, SocketAddress } from '@rawsock/core';
import { bindWithBoundSocket } from './bound-socket.js';
import { BoundSocketClass } from './host.js';
import { bindWithHandle } from './handles.js';

export interface HostBinding {
  /** The address the host actually bound (port 0 resolved). */
  readonly address: SocketAddress;
  /**
   * Starts accepting. Each accepted socket arrives paused. Throws an
   * ErrnoError for a failure the host reports synchronously; later ones go to
   * onError. Returns the function that stops accepting.
   */
  listen(backlog: number, onSocket: (socket: net.Socket) => void, onError: (errno: number) => void): () => void;
  /** A paused net.Socket that owns the bound handle, for connect(). */
  adoptForConnect(): net.Socket;
  /** Releases the handle if it was never adopted. */
  close(): void;
}

/** Binds synchronously; throws an ErrnoError. */
export function bindStream(address: SocketAddress, options: BindOptions): HostBinding {
  return BoundSocketClass ? bindWithBoundSocket(BoundSocketClass, address, options) : bindWithHandle(address, options);
}
