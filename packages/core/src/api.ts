/**
 * The plain-JS API for embedders: POSIX calls over the state machine with
 * JS addresses and values. Every call returns a {@link Result} — the value,
 * or Linux's errno — and never throws for a socket error.
 *
 * The calls never block: where POSIX would block, they return EAGAIN or
 * EINPROGRESS, and {@link RawSockets.wait} (or the `*Async` helpers) waits
 * for readiness.
 */
import type { InetAddress, SocketAddress } from './address.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  MSG_DONTWAIT,
  POLLIN,
  POLLOUT,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_STREAM,
} from './constants.js';
import { E, ErrnoError, errnoName, fail, type ErrnoName } from './errno.js';
import { getOption, setOption, type OptionValue } from './options.js';
import type { LookupResult } from './provider.js';
import { DatagramSocket } from './socket/datagram.js';
import { SocketTable, type PollRequest, type SocketTableOptions, type SubscribeOptions } from './table.js';

/**
 * A call's outcome: its value, or the errno Linux would set. `value` reads
 * as undefined on failure, so `r.value` works without narrowing first.
 */
export type Result<T> =
  | {
      /** The call succeeded. */
      readonly ok: true;
      /** What it returned. */
      readonly value: T;
      /** Absent on success. */
      readonly errno?: undefined;
      /** Absent on success. */
      readonly code?: undefined;
    }
  | {
      /** The call failed. */
      readonly ok: false;
      /** Absent on failure. */
      readonly value?: undefined;
      /** The Linux errno number. */
      readonly errno: number;
      /** The errno's name, e.g. `'EAGAIN'`. */
      readonly code: ErrnoName | 'EUNKNOWN';
    };

/** A datagram (or stream chunk) with its sender. */
export interface ReceivedMessage {
  /** The bytes received. */
  readonly data: Uint8Array;
  /** Sender (datagram sockets) — undefined for streams and socketpair ends. */
  readonly from?: InetAddress;
  /** The datagram was longer than `maxBytes` and was cut (MSG_TRUNC). */
  readonly truncated: boolean;
}

/** What accept() gives. */
export interface Accepted {
  /** The new connection's fd. */
  readonly fd: number;
  /** The peer's address. */
  readonly address: SocketAddress;
}

/** socket()'s type argument, by name or number. */
export type SocketTypeName = 'stream' | 'dgram';
/** socket()'s domain argument, by name or number. */
export type DomainName = 'ipv4' | 'ipv6' | 'unix';

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

function error(errno: number): Result<never> {
  return { ok: false, errno, code: errnoName(errno) ?? 'EUNKNOWN' };
}

/** Runs a call, mapping ErrnoError to a failed Result. Other exceptions are bugs and propagate. */
function attempt<T>(body: () => T): Result<T> {
  try {
    return ok(body());
  } catch (e) {
    if (e instanceof ErrnoError) return error(e.errno);
    throw e;
  }
}

/** Validates a byte count from JS: a non-negative safe integer, else EINVAL. */
function byteCount(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) fail(E.EINVAL);
  return n;
}

/**
 * POSIX sockets for JavaScript, over any {@link RawSocketProvider}.
 *
 * @example
 * ```ts
 * const net = new RawSockets({ provider: new MemoryProvider() });
 * const fd = net.socket('ipv4', 'stream').value!;
 * net.bind(fd, { family: 'ipv4', address: '127.0.0.1', port: 0 });
 * net.listen(fd, 16);
 * ```
 */
export class RawSockets {
  /** The fd table underneath (shared with a {@link SocketSyscalls} if you make one). */
  readonly table: SocketTable;

  constructor(options: SocketTableOptions | SocketTable) {
    this.table = options instanceof SocketTable ? options : new SocketTable(options);
  }

  /**
   * socket(2). Errors: EAFNOSUPPORT, EINVAL, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EMFILE.
   * `nonBlocking` only changes what the async helpers do; the calls themselves never block.
   */
  socket(domain: DomainName | number, type: SocketTypeName | number, options: { protocol?: number; nonBlocking?: boolean; cloexec?: boolean } = {}): Result<number> {
    const af = typeof domain === 'number' ? domain : { ipv4: AF_INET, ipv6: AF_INET6, unix: AF_UNIX }[domain];
    let t = typeof type === 'number' ? type : type === 'stream' ? SOCK_STREAM : SOCK_DGRAM;
    if (options.nonBlocking) t |= SOCK_NONBLOCK;
    if (options.cloexec) t |= SOCK_CLOEXEC;
    return attempt(() => this.table.socket(af, t, options.protocol ?? 0));
  }

  /** socketpair(2) for AF_UNIX streams: two connected fds, no provider involved. Errors: EOPNOTSUPP (not unix), ESOCKTNOSUPPORT (not stream), EMFILE. */
  socketpair(options: { nonBlocking?: boolean; cloexec?: boolean } = {}, domain: DomainName | number = 'unix', type: SocketTypeName | number = 'stream'): Result<[number, number]> {
    const af = typeof domain === 'number' ? domain : { ipv4: AF_INET, ipv6: AF_INET6, unix: AF_UNIX }[domain];
    let t = typeof type === 'number' ? type : type === 'stream' ? SOCK_STREAM : SOCK_DGRAM;
    if (options.nonBlocking) t |= SOCK_NONBLOCK;
    if (options.cloexec) t |= SOCK_CLOEXEC;
    return attempt(() => this.table.socketpair(af, t, 0));
  }

  /** bind(2). Errors: EBADF, ENOTSOCK, EINVAL (already bound), EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, EACCES, ENOENT. */
  bind(fd: number, address: SocketAddress): Result<void> {
    return attempt(() => {
      const s = this.table.get(fd);
      this.checkFamily(s.domain, address);
      if (s instanceof DatagramSocket) s.bind(address as InetAddress);
      else s.bind(address);
    });
  }

  /** listen(2). Errors: EBADF, ENOTSOCK, EOPNOTSUPP (datagram), EINVAL (connected, or unbound unix), EADDRINUSE. */
  listen(fd: number, backlog = 128): Result<void> {
    return attempt(() => this.table.stream(fd, E.EOPNOTSUPP).listen(backlog));
  }

  /** accept4(2) without blocking. Errors: EAGAIN, EINVAL (not listening), EOPNOTSUPP (datagram), EMFILE. */
  accept(fd: number, options: { nonBlocking?: boolean; cloexec?: boolean } = {}): Result<Accepted> {
    return attempt(() => {
      const accepted = this.table.accept(fd, options.nonBlocking ?? false, options.cloexec ?? false);
      return { fd: accepted.fd, address: accepted.socket.peerAddress() };
    });
  }

  /**
   * connect(2). A stream connect returns EINPROGRESS and completes in the
   * background (poll for POLLOUT, then read SO_ERROR or call connect again).
   * Errors: EISCONN, EALREADY, EINPROGRESS, EAFNOSUPPORT, ECONNREFUSED, ENOENT, ...
   */
  connect(fd: number, address: SocketAddress): Result<void> {
    return attempt(() => {
      const s = this.table.get(fd);
      this.checkFamily(s.domain, address);
      if (s instanceof DatagramSocket) s.connect(address as InetAddress);
      else s.connect(address);
    });
  }

  /** connect(2) with AF_UNSPEC on a datagram socket: forgets the peer. */
  disconnect(fd: number): Result<void> {
    return attempt(() => {
      const s = this.table.get(fd);
      if (!(s instanceof DatagramSocket)) fail(E.EOPNOTSUPP);
      s.disconnect();
    });
  }

  /** send(2): bytes accepted (may be fewer than given). Errors: EAGAIN, EPIPE, ECONNRESET, ENOTCONN, EDESTADDRREQ, EMSGSIZE. */
  send(fd: number, data: Uint8Array, flags = 0): Result<number> {
    return attempt(() => {
      const s = this.table.get(fd);
      return s instanceof DatagramSocket ? s.send(data, undefined, flags) : s.send(data, flags);
    });
  }

  /** sendto(2). Stream sockets ignore the address like Linux's TCP (unix streams: EISCONN/EOPNOTSUPP). */
  sendto(fd: number, data: Uint8Array, address: SocketAddress, flags = 0): Result<number> {
    return attempt(() => {
      const s = this.table.get(fd);
      if (s instanceof DatagramSocket) {
        this.checkFamily(s.domain, address);
        return s.send(data, address as InetAddress, flags);
      }
      return s.send(data, flags, true);
    });
  }

  /**
   * recv(2) of at most `maxBytes`: an empty array means end of stream.
   * Errors: EAGAIN, ENOTCONN, ECONNRESET, EINVAL (bad length).
   */
  recv(fd: number, maxBytes: number, flags = 0): Result<Uint8Array> {
    return attempt(() => this.receive(fd, maxBytes, flags).data);
  }

  /** recvfrom(2): the bytes, the sender (datagrams) and whether the datagram was cut. */
  recvfrom(fd: number, maxBytes: number, flags = 0): Result<ReceivedMessage> {
    return attempt(() => this.receive(fd, maxBytes, flags));
  }

  private receive(fd: number, maxBytes: number, flags: number): ReceivedMessage {
    const s = this.table.get(fd);
    byteCount(maxBytes);
    if (s instanceof DatagramSocket) {
      // Size the buffer by what is there, so a huge maxBytes allocates nothing extra.
      const buf = new Uint8Array(Math.min(maxBytes, s.readableBytes()));
      const r = s.recv(buf, flags);
      const data = buf.subarray(0, Math.min(r.result, buf.byteLength));
      // A socketpair end's sender is unnamed: no address, as for streams.
      return r.from.family === 'unix' ? { data, truncated: r.truncated } : { data, from: r.from, truncated: r.truncated };
    }
    const available = s.state === 'listening' ? 0 : s.readableBytes();
    const buf = new Uint8Array(Math.min(maxBytes, available));
    const n = maxBytes > 0 && available === 0 ? s.recv(new Uint8Array(1), flags) : s.recv(buf, flags);
    return { data: buf.subarray(0, n), truncated: false };
  }

  /** shutdown(2). how: SHUT_RD, SHUT_WR, SHUT_RDWR. Errors: ENOTCONN, EINVAL. */
  shutdown(fd: number, how: number): Result<void> {
    return attempt(() => this.table.get(fd).shutdown(how));
  }

  /** close(2). Errors: EBADF. */
  close(fd: number): Result<void> {
    return attempt(() => this.table.close(fd));
  }

  /** dup(2): a second fd for the same socket. */
  dup(fd: number): Result<number> {
    return attempt(() => this.table.dup(fd));
  }

  /** getsockname(2). */
  getsockname(fd: number): Result<SocketAddress> {
    return attempt(() => this.table.get(fd).localAddress());
  }

  /** getpeername(2). Errors: ENOTCONN. */
  getpeername(fd: number): Result<SocketAddress> {
    return attempt(() => this.table.get(fd).peerAddress());
  }

  /** getsockopt(2) as a JS value (number, or an object for linger/timeval/membership). Errors: ENOPROTOOPT, EOPNOTSUPP. */
  getsockopt(fd: number, level: number, name: number): Result<OptionValue> {
    return attempt(() => getOption(this.table.get(fd), level, name).value);
  }

  /** setsockopt(2) with a JS value. Errors: ENOPROTOOPT, EINVAL, EDOM, EOPNOTSUPP, EPROTO. */
  setsockopt(fd: number, level: number, name: number, value: OptionValue): Result<void> {
    return attempt(() => setOption(this.table.get(fd), level, name, value));
  }

  /** ioctl(FIONREAD): bytes readable now (next datagram's size on UDP). Errors: EINVAL on a listener. */
  available(fd: number): Result<number> {
    return attempt(() => this.table.get(fd).readableBytes());
  }

  /** fcntl(F_SETFL, O_NONBLOCK) / ioctl(FIONBIO). */
  setNonBlocking(fd: number, on: boolean): Result<void> {
    return attempt(() => {
      this.table.get(fd).nonBlocking = on;
    });
  }

  /** poll(2) with timeout 0: revents per request (POLLNVAL for bad fds). */
  poll(requests: readonly PollRequest[]): number[] {
    return this.table.pollNow(requests);
  }

  /** poll(2) that waits: resolves with revents once any is ready or after `timeoutMs` (-1 = no limit). */
  wait(requests: readonly PollRequest[], timeoutMs = -1): Promise<number[]> {
    return this.table.wait(requests, timeoutMs);
  }

  /**
   * Calls `listener(mask)` after each readiness change of `fd` (with
   * `{ risesOnly: true }`, only after changes that may make it ready);
   * returns the unsubscribe function.
   */
  subscribe(fd: number, listener: (mask: number) => void, options?: SubscribeOptions): Result<() => void> {
    return attempt(() => this.table.subscribe(fd, listener, options));
  }

  /** Resolves a host name through the provider. Errors: ENOENT (unknown name). */
  async lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any' = 'any'): Promise<Result<LookupResult[]>> {
    try {
      const policy = this.table.context.policy;
      const results = await this.table.context.provider.lookup(hostname, family);
      if (!policy) return ok(results);
      // A name is resolved once under a policy: the address checked is the address used.
      const pinned = policy.pin(hostname, results.map((r) => r.address));
      return ok(pinned.map((address) => ({ family: address.includes(':') ? 'ipv6' : 'ipv4', address })));
    } catch (e) {
      if (e instanceof ErrnoError) return error(e.errno);
      throw e;
    }
  }

  // ------------------------------------------------------------ async helpers

  /** connect and wait for the outcome (the blocking connect of POSIX). */
  async connectAsync(fd: number, address: SocketAddress, timeoutMs = -1): Promise<Result<void>> {
    const r = this.connect(fd, address);
    if (r.ok || r.errno !== E.EINPROGRESS) return r;
    const [revents] = await this.wait([{ fd, events: POLLOUT }], timeoutMs);
    if (!revents) return error(E.ETIMEDOUT);
    // The second connect reports the outcome once, as on Linux.
    const second = this.connect(fd, address);
    return second.ok || second.errno !== E.EISCONN ? second : ok(undefined);
  }

  /**
   * Repeats `call` while it fails with EAGAIN, waiting for `events` on `fd`
   * in between — the blocking form of a non-blocking call.
   */
  private async whenReady<T>(fd: number, events: number, timeoutMs: number, call: () => Result<T>): Promise<Result<T>> {
    for (;;) {
      const r = call();
      if (r.ok || r.errno !== E.EAGAIN) return r;
      const [revents] = await this.wait([{ fd, events }], timeoutMs);
      if (!revents) return error(E.EAGAIN);
    }
  }

  /** accept, waiting for a connection. */
  acceptAsync(fd: number, timeoutMs = -1): Promise<Result<Accepted>> {
    return this.whenReady(fd, POLLIN, timeoutMs, () => this.accept(fd));
  }

  /** recv, waiting for data or EOF. */
  recvAsync(fd: number, maxBytes: number, timeoutMs = -1): Promise<Result<Uint8Array>> {
    return this.whenReady(fd, POLLIN, timeoutMs, () => this.recv(fd, maxBytes));
  }

  /** recvfrom, waiting for a datagram. */
  recvfromAsync(fd: number, maxBytes: number, timeoutMs = -1): Promise<Result<ReceivedMessage>> {
    return this.whenReady(fd, POLLIN, timeoutMs, () => this.recvfrom(fd, maxBytes));
  }

  /** send every byte, waiting for buffer space as needed. Resolves with the count sent. */
  async sendAllAsync(fd: number, data: Uint8Array, timeoutMs = -1): Promise<Result<number>> {
    let sent = 0;
    while (sent < data.byteLength) {
      const r = await this.whenReady(fd, POLLOUT, timeoutMs, () => this.send(fd, data.subarray(sent), MSG_DONTWAIT));
      if (!r.ok) return r;
      sent += r.value;
    }
    return ok(sent);
  }

  /** Closes every fd this API opened. */
  closeAll(): void {
    this.table.closeAll();
  }

  private checkFamily(domain: 'ipv4' | 'ipv6' | 'unix', address: SocketAddress): void {
    if (domain === address.family) return;
    // Linux: an address of another family is EAFNOSUPPORT (an IPv6 socket
    // reaches IPv4 peers through ::ffff:a.b.c.d addresses).
    fail(E.EAFNOSUPPORT);
  }
}
