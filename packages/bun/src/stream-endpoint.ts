/**
 * StreamEndpoint: a TCP or unix stream socket before it listens or
 * connects. Binds go through binding.ts; connects through Bun.connect,
 * from the bound address when there is one.
 */
import {
  E,
  ErrnoError,
  type BindOptions,
  type ConnectEvents,
  type Domain,
  type SocketAddress,
  type StreamConnection,
  type StreamEndpoint,
} from '@rawsock/core';
import type { TCPSocketConnectOptions } from 'bun';
import { endpointOf, hostOf, UNNAMED, unspecified } from './addresses.js';
import { bindStream, type BindTable, type HostBinding } from './binding.js';
import { toErrno } from './errors.js';
import { BunStreamConnection, connectionHandlers, type BunSocket, type SocketSlot } from './stream-connection.js';

const WILDCARD_BIND: BindOptions = { reuseAddr: false, reusePort: false, ipv6Only: false };

/** One outgoing connect; `cancel()` makes its outcome go nowhere. */
interface PendingConnect {
  cancelled: boolean;
}

export class BunStreamEndpoint implements StreamEndpoint {
  private binding: HostBinding | null = null;
  private listening: HostBinding | null = null;
  private connecting: PendingConnect | null = null;
  /** Set once the endpoint listens or connects. */
  private used = false;
  private closed = false;

  constructor(
    private readonly domain: Domain,
    private readonly table: BindTable,
  ) {}

  bind(address: SocketAddress, options: BindOptions): SocketAddress {
    this.assertOpen();
    // Linux bind(2) with an address of another family fails this way.
    if (address.family !== this.domain) throw new ErrnoError(E.EAFNOSUPPORT, 'address family does not match socket');
    if (this.binding || this.used) throw new ErrnoError(E.EINVAL, 'socket already bound');
    this.binding = bindStream(address, options, this.table);
    return this.binding.address;
  }

  listen(
    _backlog: number,
    onConnection: (connection: StreamConnection) => void,
    _onError: (errno: number) => void,
  ): SocketAddress {
    this.assertOpen();
    if (this.used) throw new ErrnoError(E.EINVAL, 'socket already in use');
    // Bun takes no backlog (the core bounds its accept queue itself), and a
    // Bun listener reports no asynchronous errors.
    const binding = this.binding ?? this.bindWildcard();
    binding.listen((conn) => {
      if (this.closed) conn.reset();
      else onConnection(conn);
    });
    this.used = true;
    this.listening = binding;
    this.binding = null;
    return binding.address;
  }

  connect(address: SocketAddress, events: ConnectEvents): void {
    this.assertOpen();
    if (this.used) throw new ErrnoError(E.EINVAL, 'socket already in use');
    const bound = this.binding;
    this.binding = null;
    this.used = true;
    const pending: PendingConnect = { cancelled: false };
    this.connecting = pending;

    // Bun may report a failure synchronously (connectError inside
    // Bun.connect); the core expects the outcome after connect() returns.
    let returned = false;
    let settled = false;
    const settle = (report: () => void) => {
      if (settled || pending.cancelled) return;
      settled = true;
      if (this.connecting === pending) this.connecting = null;
      if (returned) report();
      else queueMicrotask(report);
    };
    const fail = (errno: number) =>
      settle(() => {
        // A failed connect leaves an unbound endpoint reusable; a bound one
        // lost its bind (the core re-binds a new endpoint).
        if (!bound) this.used = false;
        events.onError(errno);
      });

    const slot: SocketSlot = { conn: null };
    const handlers = {
      ...connectionHandlers,
      open: (socket: BunSocket) => {
        if (pending.cancelled || settled) {
          socket.terminate();
          return;
        }
        const conn = this.wrapConnected(socket, address, bound);
        settle(() => events.onConnect(conn));
      },
      connectError: (_socket: BunSocket, error: Error) => fail(toErrno(error, E.ECONNREFUSED)),
    };

    try {
      if (bound) bound.releaseForConnect();
      let promise: Promise<unknown>;
      if (address.family === 'unix') {
        promise = Bun.connect<SocketSlot>({ unix: address.path, allowHalfOpen: true, data: slot, socket: handlers });
      } else {
        const local = bound && bound.address.family !== 'unix' ? bound.address : undefined;
        promise = Bun.connect<SocketSlot>({
          hostname: hostOf(address),
          port: address.port,
          allowHalfOpen: true,
          data: slot,
          socket: handlers,
          // Undocumented in bun-types but honoured (Bun 1.4.5): the source
          // address, bound with the connect.
          ...(local ? { localAddress: hostOf(local), localPort: local.port } : {}),
        } as TCPSocketConnectOptions<SocketSlot>);
      }
      // connectError already reported it; this only keeps the rejection handled.
      promise.catch((err: unknown) => fail(toErrno(err, E.ECONNREFUSED)));
    } catch (err) {
      fail(toErrno(err, E.EINVAL));
    }
    returned = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.binding?.close();
    this.binding = null;
    this.listening?.close();
    this.listening = null;
    // Closing mid-connect cancels it: neither connect callback fires, and a
    // connection that completes anyway is reset.
    if (this.connecting) this.connecting.cancelled = true;
    this.connecting = null;
  }

  private wrapConnected(socket: BunSocket, address: SocketAddress, bound: HostBinding | null): BunStreamConnection {
    if (address.family === 'unix') {
      // Bun.connect cannot bind a unix client: the peer sees it unnamed.
      // getsockname still reports the path this socket bound.
      return new BunStreamConnection(socket, bound?.address ?? UNNAMED, address);
    }
    return new BunStreamConnection(
      socket,
      endpointOf(socket.localAddress, socket.localPort, address.family),
      endpointOf(socket.remoteAddress, socket.remotePort, address.family),
    );
  }

  /** Linux listen(2) binds an unbound TCP socket to the wildcard; an unbound unix one is EINVAL (unix(7)). */
  private bindWildcard(): HostBinding {
    if (this.domain === 'unix') throw new ErrnoError(E.EINVAL, 'unix socket not bound');
    this.binding = bindStream(unspecified(this.domain), WILDCARD_BIND, this.table);
    return this.binding;
  }

  private assertOpen(): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'socket closed');
  }
}
