/**
 * Fallback for Node versions without net.BoundSocket / dgram.bindSync
 * (Node 20): libuv handles through Node's internal bindings, driven the way
 * Node's own lib/net.js and lib/dgram.js drive them. This is the only file
 * that touches `process.binding`; every handle method returns 0 or a negative
 * libuv status instead of throwing.
 */
import net from 'node:net';
import { constants as osConstants } from 'node:os';
import { E, ErrnoError, type BindOptions, type SocketAddress } from '@rawsock/core';
import { fromNodeAddress, hostOf } from './addresses.js';
import type { HostBinding } from './binding.js';
import { unixBindErrno, uvErrno } from './errors.js';
import type { UdpBackend } from './udp-backend.js';

type NameOut = { address?: string; family?: string; port?: number };

interface StreamHandle {
  listen(backlog: number): number;
  onconnection: ((status: number, client?: StreamHandle) => void) | null;
  close(): void;
  readonly fd: number;
}
interface TcpHandle extends StreamHandle {
  bind(ip: string, port: number, flags: number): number;
  bind6(ip: string, port: number, flags: number): number;
  getsockname(out: NameOut): number;
}
interface PipeHandle extends StreamHandle {
  bind(path: string): number;
  open(fd: number): number;
}
interface SendReq {
  oncomplete?: (status: number, sent?: number) => void;
  buffers?: Uint8Array[];
}
interface UdpHandle {
  bind(ip: string, port: number, flags: number): number;
  bind6(ip: string, port: number, flags: number): number;
  connect(ip: string, port: number): number;
  connect6(ip: string, port: number): number;
  disconnect(): number;
  send(req: SendReq, list: Uint8Array[], count: number, portOrHasCb: number | boolean, ip?: string, hasCb?: boolean): number;
  send6(req: SendReq, list: Uint8Array[], count: number, port: number, ip: string, hasCb: boolean): number;
  recvStart(): number;
  recvStop(): number;
  getsockname(out: NameOut): number;
  onmessage: ((nread: number, handle: unknown, buf?: Uint8Array, rinfo?: NameOut) => void) | null;
  setBroadcast(on: number): number;
  setTTL(ttl: number): number;
  setMulticastTTL(ttl: number): number;
  setMulticastLoopback(on: number): number;
  addMembership(group: string, iface?: string): number;
  dropMembership(group: string, iface?: string): number;
  close(): void;
}

interface Bindings {
  TCP: new (type: number) => TcpHandle;
  tcpConstants: { SOCKET: number; UV_TCP_IPV6ONLY: number };
  Pipe: new (type: number) => PipeHandle;
  pipeConstants: { SOCKET: number };
  UDP: new () => UdpHandle;
  SendWrap: new () => SendReq;
}

let cached: Bindings | undefined;
function bindings(): Bindings {
  if (cached) return cached;
  // process.binding is deprecated (DEP0111) but still serves these wraps, and
  // they are the same classes net.js checks with `instanceof`.
  const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
  const tcp = binding('tcp_wrap') as { TCP: Bindings['TCP']; constants: Bindings['tcpConstants'] };
  const pipe = binding('pipe_wrap') as { Pipe: Bindings['Pipe']; constants: Bindings['pipeConstants'] };
  const udp = binding('udp_wrap') as { UDP: Bindings['UDP']; SendWrap: Bindings['SendWrap'] };
  cached = {
    TCP: tcp.TCP,
    tcpConstants: tcp.constants,
    Pipe: pipe.Pipe,
    pipeConstants: pipe.constants,
    UDP: udp.UDP,
    SendWrap: udp.SendWrap,
  };
  return cached;
}

function check(status: number, what: string): void {
  if (status < 0) throw new ErrnoError(uvErrno(status), what);
}

/** Wraps an accepted or bound handle the way net.Server's onconnection does, paused. */
function socketFor(handle: StreamHandle): net.Socket {
  return new net.Socket({
    handle,
    allowHalfOpen: true,
    pauseOnCreate: true,
    readable: true,
    writable: true,
  } as net.SocketConstructorOpts);
}

/**
 * Binds a TCP handle; returns it with its bound name. options.reuseAddr has
 * no effect: uv_tcp_bind sets SO_REUSEADDR on every TCP socket. SO_REUSEPORT
 * needs UV_TCP_REUSEPORT, which these bindings do not have.
 */
function bindTcp(address: Exclude<SocketAddress, { family: 'unix' }>, options: BindOptions): [TcpHandle, NameOut] {
  const { TCP, tcpConstants } = bindings();
  const handle = new TCP(tcpConstants.SOCKET);
  const host = hostOf(address);
  const name: NameOut = {};
  let status =
    address.family === 'ipv6'
      ? handle.bind6(host, address.port, options.ipv6Only ? tcpConstants.UV_TCP_IPV6ONLY : 0)
      : handle.bind(host, address.port, 0);
  // uv_tcp_bind defers EADDRINUSE to the next call on the handle; ask for the
  // name now so a conflict surfaces here (Node's net.BoundSocket does the same).
  if (status === 0) status = handle.getsockname(name);
  if (status < 0) {
    handle.close();
    check(status, `bind ${host}:${address.port}`);
  }
  return [handle, name];
}

function bindPipe(path: string): PipeHandle {
  const { Pipe, pipeConstants } = bindings();
  const handle = new Pipe(pipeConstants.SOCKET);
  const status = handle.bind(path);
  if (status < 0) {
    handle.close();
    throw new ErrnoError(unixBindErrno(uvErrno(status), path), `bind ${path}`);
  }
  return handle;
}

export function bindWithHandle(address: SocketAddress, options: BindOptions): HostBinding {
  let handle: TcpHandle | PipeHandle | null;
  let local: SocketAddress;
  if (address.family === 'unix') {
    handle = bindPipe(address.path);
    local = address;
  } else {
    const [tcp, name] = bindTcp(address, options);
    handle = tcp;
    local = fromNodeAddress(name);
  }
  const isPipe = address.family === 'unix';
  const take = (): TcpHandle | PipeHandle => {
    const h = handle;
    if (!h) throw new ErrnoError(E.EBADF, 'handle already adopted');
    handle = null;
    return h;
  };

  return {
    address: local,

    listen(backlog, onSocket, onError) {
      if (!handle) throw new ErrnoError(E.EBADF, 'handle already adopted');
      // Driven directly rather than through server.listen(handle): listen(2)
      // errors come back synchronously here, the backlog is passed unaltered,
      // and net.Server would not take a Pipe handle anyway. A failed listen
      // leaves the handle bound, as the socket stays bound on Linux.
      check(handle.listen(backlog), 'listen');
      const h = take();
      h.onconnection = (status, client) => {
        if (status < 0 || !client) onError(status < 0 ? uvErrno(status) : E.ECONNABORTED);
        else onSocket(socketFor(client));
      };
      return () => h.close();
    },

    adoptForConnect() {
      const h = take();
      // uv_pipe_bind only stores the fd; uv_pipe_connect then skips opening
      // the stream for an existing fd, leaving it unreadable. Re-opening the
      // same fd sets the flags (Node's BoundSocket adoption does the same).
      if (isPipe) check((h as PipeHandle).open(h.fd), 'open');
      return socketFor(h);
    },

    close() {
      handle?.close();
      handle = null;
    },
  };
}

/** libuv's UV_UDP_IPV6ONLY (uv.h); Node 20 does not export it. */
const UV_UDP_IPV6ONLY = 1;

/** A UDP socket on a raw udp_wrap handle. */
export class UdpWrapBackend implements UdpBackend {
  private readonly handle: UdpHandle;
  private started = false;
  private paused = false;
  private receiving = false;

  constructor(private readonly v6: boolean) {
    this.handle = new (bindings().UDP)();
  }

  bind(host: string, port: number, options: BindOptions): NameOut {
    let flags = options.reuseAddr ? osConstants.UV_UDP_REUSEADDR : 0;
    if (this.v6 && options.ipv6Only) flags |= UV_UDP_IPV6ONLY;
    check(this.v6 ? this.handle.bind6(host, port, flags) : this.handle.bind(host, port, flags), `bind ${host}:${port}`);
    return this.address();
  }

  address(): NameOut {
    const out: NameOut = {};
    check(this.handle.getsockname(out), 'getsockname');
    return out;
  }

  start(onMessage: (data: Uint8Array, from: NameOut) => void, onError: (errno: number) => void): void {
    // nread < 0 is an error queued on the socket (e.g. ICMP port unreachable
    // on a connected socket), as lib/dgram.js's onMessage treats it.
    this.handle.onmessage = (nread, _h, buf, rinfo) => {
      if (nread < 0) onError(uvErrno(nread));
      else if (buf && rinfo) onMessage(buf, rinfo);
    };
    this.started = true;
    this.syncReceiving();
  }

  // recvStop leaves datagrams in the kernel queue, as a full socket would.
  pause(): void {
    this.paused = true;
    this.syncReceiving();
  }

  resume(): void {
    this.paused = false;
    this.syncReceiving();
  }

  private syncReceiving(): void {
    const want = this.started && !this.paused;
    if (want === this.receiving) return;
    check(want ? this.handle.recvStart() : this.handle.recvStop(), want ? 'recvStart' : 'recvStop');
    this.receiving = want;
  }

  connect(host: string, port: number): void {
    check(this.v6 ? this.handle.connect6(host, port) : this.handle.connect(host, port), `connect ${host}:${port}`);
  }

  disconnect(): void {
    check(this.handle.disconnect(), 'disconnect');
  }

  send(data: Uint8Array, to: { host: string; port: number } | null, done: (errno: number) => void): void {
    const req = new (bindings().SendWrap)();
    req.buffers = [data]; // keeps the memory alive until the send completes
    req.oncomplete = (status) => done(status < 0 ? uvErrno(status) : 0);
    const list = [data];
    const status = to
      ? this.v6
        ? this.handle.send6(req, list, 1, to.port, to.host, true)
        : this.handle.send(req, list, 1, to.port, to.host, true)
      : this.handle.send(req, list, 1, true);
    // > 0: sent synchronously (bytes + 1); 0: oncomplete follows; < 0: error.
    if (status !== 0) process.nextTick(done, status > 0 ? 0 : uvErrno(status));
  }

  setBroadcast(enable: boolean): void {
    check(this.handle.setBroadcast(enable ? 1 : 0), 'setBroadcast');
  }
  setTTL(ttl: number): void {
    check(this.handle.setTTL(ttl), 'setTTL');
  }
  setMulticastTTL(ttl: number): void {
    check(this.handle.setMulticastTTL(ttl), 'setMulticastTTL');
  }
  setMulticastLoopback(enable: boolean): void {
    check(this.handle.setMulticastLoopback(enable ? 1 : 0), 'setMulticastLoopback');
  }
  addMembership(group: string, iface?: string): void {
    check(this.handle.addMembership(group, iface), 'addMembership');
  }
  dropMembership(group: string, iface?: string): void {
    check(this.handle.dropMembership(group, iface), 'dropMembership');
  }

  close(): void {
    this.handle.onmessage = null;
    this.handle.close();
  }
}
