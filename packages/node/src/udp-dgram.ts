/**
 * UDP through the public node:dgram API on Node versions with
 * `socket.bindSync()` / `socket.connectSync()`.
 * https://nodejs.org/api/dgram.html
 */
import dgram from 'node:dgram';
import { E, ErrnoError, type BindOptions } from '@rawsock/core';
import { errnoError, toErrno } from './errors.js';
import type { SyncDgramSocket } from './host.js';
import type { HostAddress, UdpBackend } from './udp-backend.js';

export class DgramBackend implements UdpBackend {
  private socket: SyncDgramSocket | null = null;
  private onMessage: ((data: Uint8Array, from: HostAddress) => void) | null = null;
  private onError: ((errno: number) => void) | null = null;
  private paused = false;
  private closed = false;

  constructor(private readonly v6: boolean) {}

  private get bound(): SyncDgramSocket {
    if (!this.socket) throw new ErrnoError(E.EBADF, 'datagram socket not bound');
    return this.socket;
  }

  private call<T>(what: string, fn: (s: SyncDgramSocket) => T): T {
    const s = this.bound;
    try {
      return fn(s);
    } catch (err) {
      throw errnoError(err, what, E.EINVAL);
    }
  }

  bind(host: string, port: number, options: BindOptions): HostAddress {
    if (this.socket) throw new ErrnoError(E.EINVAL, 'already bound');
    // The bind flags are socket options in dgram, so the socket is created here.
    const socket = dgram.createSocket({
      type: this.v6 ? 'udp6' : 'udp4',
      reuseAddr: options.reuseAddr,
      reusePort: options.reusePort,
      ipv6Only: this.v6 && options.ipv6Only,
    } as dgram.SocketOptions) as SyncDgramSocket;
    // dgram starts reading at bind. There is no public recvStop, so while
    // paused (or not yet started) datagrams are dropped here, which is what a
    // full receive queue does; the core's queue is the socket's queue.
    socket.on('message', (msg, rinfo) => {
      if (!this.paused) this.onMessage?.(msg, rinfo);
    });
    socket.on('error', (err) => this.onError?.(toErrno(err)));
    try {
      const out = socket.bindSync({ address: host, port });
      this.socket = socket;
      return out;
    } catch (err) {
      socket.close();
      throw errnoError(err, `bind ${host}:${port}`, E.EINVAL);
    }
  }

  address(): HostAddress {
    return this.call('getsockname', (s) => s.address());
  }

  start(onMessage: (data: Uint8Array, from: HostAddress) => void, onError: (errno: number) => void): void {
    this.onMessage = onMessage;
    this.onError = onError;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  connect(host: string, port: number): void {
    this.call(`connect ${host}:${port}`, (s) => s.connectSync(port, host));
  }

  disconnect(): void {
    this.call('disconnect', (s) => s.disconnect());
  }

  send(data: Uint8Array, to: { host: string; port: number } | null, done: (errno: number) => void): void {
    const cb = (err: Error | null) => done(err ? toErrno(err) : 0);
    try {
      if (to) this.bound.send(data, to.port, to.host, cb);
      else this.bound.send(data, cb);
    } catch (err) {
      // Argument and state checks dgram makes before the kernel (port 0, ...).
      process.nextTick(done, toErrno(err, E.EINVAL));
    }
  }

  setBroadcast(enable: boolean): void {
    this.call('setBroadcast', (s) => s.setBroadcast(enable));
  }
  setTTL(ttl: number): void {
    this.call('setTTL', (s) => s.setTTL(ttl));
  }
  setMulticastTTL(ttl: number): void {
    this.call('setMulticastTTL', (s) => s.setMulticastTTL(ttl));
  }
  setMulticastLoopback(enable: boolean): void {
    this.call('setMulticastLoopback', (s) => s.setMulticastLoopback(enable));
  }
  addMembership(group: string, iface?: string): void {
    this.call('addMembership', (s) => s.addMembership(group, iface));
  }
  dropMembership(group: string, iface?: string): void {
    this.call('dropMembership', (s) => s.dropMembership(group, iface));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onMessage = null;
    this.onError = null;
    this.socket?.close();
  }
}
