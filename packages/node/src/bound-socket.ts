/**
 * Stream binds through the public `net.BoundSocket`, which binds at
 * construction and is then adopted by `server.listen()` or `new net.Socket()`.
 * https://nodejs.org/api/net.html#class-netboundsocket
 */
import net from 'node:net';
import { E, ErrnoError, type BindOptions, type SocketAddress } from '@rawsock/core';
import { fromNodeAddress, hostOf } from './addresses.js';
import type { HostBinding } from './binding.js';
import { errnoError, toErrno, unixBindErrno } from './errors.js';
import type { BoundSocket, BoundSocketOptions } from './host.js';

type Ctor = new (options: BoundSocketOptions) => BoundSocket;

/** options.reuseAddr has no effect: uv_tcp_bind sets SO_REUSEADDR on every TCP socket. */
function optionsFor(address: SocketAddress, options: BindOptions): BoundSocketOptions {
  if (address.family === 'unix') return { path: address.path };
  return {
    host: hostOf(address),
    port: address.port,
    ipv6Only: address.family === 'ipv6' && options.ipv6Only,
    reusePort: options.reusePort,
  };
}

function create(BoundSocket: Ctor, address: SocketAddress, options: BindOptions): BoundSocket {
  try {
    return new BoundSocket(optionsFor(address, options));
  } catch (err) {
    const e = errnoError(err, 'bind');
    if (address.family !== 'unix') throw e;
    const errno = unixBindErrno(e.errno, address.path);
    throw errno === e.errno ? e : new ErrnoError(errno, `bind ${address.path}`);
  }
}

export function bindWithBoundSocket(BoundSocket: Ctor, address: SocketAddress, options: BindOptions): HostBinding {
  let bound: BoundSocket | null = create(BoundSocket, address, options);
  const local = fromNodeAddress(bound.address());
  const take = (): BoundSocket => {
    const b = bound;
    if (!b) throw new ErrnoError(E.EBADF, 'handle already adopted');
    bound = null;
    return b;
  };

  return {
    address: local,

    listen(backlog, onSocket, onError) {
      if (local.family !== 'unix') {
        // libuv sets SO_REUSEADDR on every TCP bind, so a second socket can
        // bind the port of a bound-but-idle one, and only listen() finds a
        // listener that got there first. Node reports that listen() error on
        // the next tick; a throwaway bind to the same address meets the same
        // conflict synchronously (the kernel refuses SO_REUSEADDR binds on a
        // port someone listens on), so the caller gets EADDRINUSE at once.
        create(BoundSocket, local, options).close();
      }
      const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
      server.on('connection', onSocket);
      server.on('error', (err) => onError(toErrno(err)));
      // Adopting a BoundSocket: https://nodejs.org/api/net.html#serverlistenhandle-backlog-callback
      (server.listen as (handle: unknown, backlog: number) => net.Server)(take(), backlog);
      return () => server.close();
    },

    adoptForConnect() {
      const socket = new net.Socket({ handle: take(), allowHalfOpen: true } as net.SocketConstructorOpts);
      socket.pause();
      return socket;
    },

    close() {
      bound?.close();
      bound = null;
    },
  };
}
