/**
 * StreamConnection over a net.Socket created with allowHalfOpen: true and
 * handed over paused. https://nodejs.org/api/net.html#class-netsocket
 */
import type net from 'node:net';
import type { InetAddress, SocketAddress, StreamConnection, StreamEvents } from '@rawsock/core';
import { inetFromHost, unspecified } from './addresses.js';
import { toErrno } from './errors.js';

export class NodeStreamConnection implements StreamConnection {
  /** A written chunk is the host's no longer: its write completed (see StreamConnection.releasesWritten). */
  readonly releasesWritten = true;
  private events: StreamEvents | null = null;
  private paused = false;
  /** Errno and close that happened before start(); replayed by start(). */
  private earlyError: number | null = null;
  private earlyClose = false;
  /** Bytes completed before start() installed onWritten. */
  private earlyWritten = 0;

  constructor(
    private readonly socket: net.Socket,
    readonly localAddress: SocketAddress,
    readonly remoteAddress: SocketAddress,
  ) {
    // Listeners from the start: an 'error' without one would be thrown.
    socket.on('error', (err) => {
      const errno = toErrno(err);
      if (this.events) this.events.onError(errno);
      else this.earlyError ??= errno;
    });
    socket.on('close', () => {
      if (this.events) this.events.onClose();
      else this.earlyClose = true;
    });
  }

  start(events: StreamEvents): void {
    if (this.events) return;
    this.events = events;
    const socket = this.socket;
    // Buffers are Uint8Arrays; each read gets its own memory, so no copy.
    socket.on('data', (chunk: Buffer) => events.onData(chunk));
    socket.on('end', () => events.onEnd());
    const written = this.earlyWritten;
    const error = this.earlyError;
    const closed = this.earlyClose;
    if (written || error !== null || closed) {
      // After start() returns, in the order the host reported them.
      queueMicrotask(() => {
        if (written) events.onWritten(written);
        if (error !== null) events.onError(error);
        if (closed) events.onClose();
      });
    }
    if (!this.paused && !closed) socket.resume();
  }

  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    // Before start() a flowing socket would emit 'data' to nobody.
    if (this.events) this.socket.resume();
  }

  write(chunk: Uint8Array): void {
    const bytes = chunk.byteLength;
    // The callback fires once libuv handed the bytes to the kernel. On failure
    // it gets the error, which 'error' also reports.
    this.socket.write(chunk, (err) => {
      if (err) return;
      if (this.events) this.events.onWritten(bytes);
      else this.earlyWritten += bytes;
    });
  }

  end(): void {
    this.socket.end();
  }

  reset(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    // resetAndDestroy sends RST via SO_LINGER 0 and only exists for TCP handles
    // (it throws ERR_INVALID_HANDLE_TYPE on a pipe); a unix socket just closes.
    // https://nodejs.org/api/net.html#socketresetanddestroy
    if (this.localAddress.family === 'unix') socket.destroy();
    else socket.resetAndDestroy();
  }

  close(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    // Every byte already handed to the kernel (writableLength counts a write
    // until libuv completes it): destroy() is close(2) itself, and the kernel
    // sends FIN after what it holds, as on Linux. Otherwise destroySoon:
    // end() (FIN after the queued bytes), then destroy once 'finish' says
    // they are flushed. https://nodejs.org/api/net.html#socketdestroysoon
    if (socket.writableLength === 0) socket.destroy();
    else socket.destroySoon();
  }

  setNoDelay(enable: boolean): void {
    this.socket.setNoDelay(enable);
  }

  setKeepAlive(enable: boolean, idleSeconds: number): void {
    this.socket.setKeepAlive(enable, idleSeconds * 1000);
  }
}

/**
 * Wraps a connected TCP socket, reading its endpoints from the host. `local`,
 * when given, is the local address already known (an accepted connection of
 * a listener bound to one address has that address): one getsockname less.
 */
export function tcpConnection(socket: net.Socket, family: 'ipv4' | 'ipv6', local?: InetAddress): NodeStreamConnection {
  // getpeername fails (undefined here) for a connection reset before it was
  // accepted; Linux accept() still succeeds for it.
  const remote = socket.remoteAddress;
  return new NodeStreamConnection(
    socket,
    local ?? localOf(socket, family),
    remote === undefined ? unspecified(family) : inetFromHost(remote, socket.remotePort ?? 0),
  );
}

function localOf(socket: net.Socket, family: 'ipv4' | 'ipv6'): InetAddress {
  const local = socket.localAddress;
  return local === undefined ? unspecified(family) : inetFromHost(local, socket.localPort ?? 0);
}
