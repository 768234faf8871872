/**
 * StreamEndpoint: a TCP or unix stream socket before it listens or connects.
 * Binds go through binding.ts; connections are net.Sockets wrapped in
 * NodeStreamConnection.
 */
import net from 'node:net';
import {
  E,
  ErrnoError,
  isWildcard,
  type BindOptions,
  type ConnectEvents,
  type Domain,
  type SocketAddress,
  type StreamConnection,
  type StreamEndpoint,
} from '@rawsock/core';
import { hostOf, unspecified } from './addresses.js';
import { bindStream, type HostBinding } from './binding.js';
import { toErrno } from './errors.js';
import { NodeStreamConnection, tcpConnection } from './stream-connection.js';

const WILDCARD_BIND: BindOptions = { reuseAddr: false, reusePort: false, ipv6Only: false };
const UNNAMED: SocketAddress = { family: 'unix', path: '' };

export class NodeStreamEndpoint implements StreamEndpoint {
  private binding: HostBinding | null = null;
  private stopListening: (() => void) | null = null;
  private connecting: net.Socket | null = null;
  /** Set once the host handle moved into a listener or connection. */
  private used = false;
  private closed = false;

  constructor(private readonly domain: Domain) {}

  bind(address: SocketAddress, options: BindOptions): SocketAddress {
    this.assertOpen();
    // The host picks the socket family from the address; Linux bind(2) on a
    // socket of another family fails this way.
    if (address.family !== this.domain) throw new ErrnoError(E.EAFNOSUPPORT, 'address family does not match socket');
    // A host socket binds once; bind(2) again on a bound socket is EINVAL.
    if (this.binding || this.used) throw new ErrnoError(E.EINVAL, 'socket already bound');
    this.binding = bindStream(address, options);
    return this.binding.address;
  }

  listen(
    backlog: number,
    onConnection: (connection: StreamConnection) => void,
    onError: (errno: number) => void,
  ): SocketAddress {
    this.assertOpen();
    if (this.used) throw new ErrnoError(E.EINVAL, 'socket already in use');
    const binding = this.binding ?? this.bindWildcard();
    const local = binding.address;
    // Bound to one address, every accepted connection's local address is the
    // listener's (tcp(7)); bound to the wildcard, it is whichever address the
    // peer reached, so the host is asked per connection.
    const acceptedLocal = local.family !== 'unix' && !isWildcard(local) ? local : undefined;
    this.stopListening = binding.listen(
      backlog,
      (socket) => {
        if (this.closed) {
          socket.destroy();
          return;
        }
        // An accepted unix socket's local name is the listener's; its peer is
        // reported unnamed (Node has no getpeername for pipes).
        onConnection(
          local.family === 'unix' ? new NodeStreamConnection(socket, local, UNNAMED) : tcpConnection(socket, local.family, acceptedLocal),
        );
      },
      (errno) => {
        if (!this.closed) onError(errno);
      },
    );
    this.used = true;
    this.binding = null;
    return local;
  }

  connect(address: SocketAddress, events: ConnectEvents): void {
    this.assertOpen();
    if (this.used) throw new ErrnoError(E.EINVAL, 'socket already in use');
    const bound = this.binding;
    let socket: net.Socket;
    if (bound) {
      socket = bound.adoptForConnect();
    } else {
      socket = new net.Socket({ allowHalfOpen: true });
      // Paused, a connected socket does not start reading until start().
      socket.pause();
    }
    this.used = true;
    this.binding = null;
    this.connecting = socket;

    let settled = false;
    const onError = (err: Error) => {
      if (settled) return;
      settled = true;
      socket.off('connect', onConnect);
      this.connecting = null;
      // An unbound endpoint can try again with a fresh host socket; a bound
      // one lost its bind with the failed socket.
      if (!bound) this.used = false;
      socket.destroy();
      events.onError(toErrno(err));
    };
    const onConnect = () => {
      if (settled) return;
      settled = true;
      socket.off('error', onError);
      this.connecting = null;
      events.onConnect(
        address.family === 'unix'
          ? new NodeStreamConnection(socket, bound?.address ?? UNNAMED, address)
          : tcpConnection(socket, address.family),
      );
    };
    socket.on('error', onError);
    socket.once('connect', onConnect);
    if (address.family === 'unix') {
      socket.connect({ path: address.path });
    } else {
      // Numeric host: no DNS, and no Happy Eyeballs racing other addresses.
      socket.connect({ host: hostOf(address), port: address.port, autoSelectFamily: false } as net.TcpSocketConnectOpts);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.binding?.close();
    this.binding = null;
    this.stopListening?.();
    this.stopListening = null;
    const pending = this.connecting;
    this.connecting = null;
    if (pending) {
      // Closing mid-connect cancels it: neither connect callback fires.
      pending.removeAllListeners('connect');
      pending.removeAllListeners('error');
      pending.on('error', () => {});
      pending.destroy();
    }
  }

  /** Linux listen(2) binds an unbound TCP socket to the wildcard; an unbound unix one is EINVAL (unix(7)). */
  private bindWildcard(): HostBinding {
    if (this.domain === 'unix') throw new ErrnoError(E.EINVAL, 'unix socket not bound');
    this.binding = bindStream(unspecified(this.domain), WILDCARD_BIND);
    return this.binding;
  }

  private assertOpen(): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'socket closed');
  }
}
