/**
 * SyncSockets: a synchronous POSIX socket API for embedders that must
 * answer syscalls synchronously (a WASI host, an emulator). Each call posts
 * a request to the thread where the sockets live and blocks in
 * Atomics.wait until the answer is in shared memory. Blocking sockets block
 * for real (connect, accept, recv, send under backpressure, poll with a
 * timeout); non-blocking ones return EAGAIN/EINPROGRESS as usual.
 */
import type { SocketAddress } from '../address.js';
import type { Result } from '../api.js';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM, FIONREAD, F_GETFL, F_SETFL, O_NONBLOCK } from '../constants.js';
import { E, errnoName } from '../errno.js';
import { fromUtf8, monotonicMs } from '../host.js';
import { decodeSockaddr, encodeSockaddr } from '../sockaddr.js';
import type { PollRequest } from '../table.js';
import { ADDR_BYTES, HEADER_BYTES, SERVER_GONE, SERVER_STARTING, SLOT, STATE_ANSWER, STATE_IDLE, STATE_REQUEST, type BridgeRequest } from './protocol.js';

interface AtomicsHost {
  store(a: Int32Array, i: number, v: number): number;
  load(a: Int32Array, i: number): number;
  wait(a: Int32Array, i: number, v: number, timeout?: number): string;
}

const atomics = () => (globalThis as unknown as { Atomics: AtomicsHost }).Atomics;

/** What one raw call returned. */
export interface BridgeAnswer {
  /** The call's result, or -errno. */
  readonly result: number;
  /** Full length of an address written. */
  readonly addrlen: number;
  /** msg_flags of a receive. */
  readonly msgFlags: number;
  /** Length of an option value written. */
  readonly optlen: number;
  /** Value of ioctl(FIONREAD/SIOCOUTQ). */
  readonly value: number;
  /** Bytes received or written out. */
  readonly payload: Uint8Array;
  /** The address written out (sockaddr bytes). */
  readonly addr: Uint8Array;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const err = (errno: number): Result<never> => ({ ok: false, errno, code: errnoName(errno) ?? 'EUNKNOWN' });
const toResult = (r: number): Result<number> => (r < 0 ? err(-r) : ok(r));

/** How long a call looks for its answer before it sleeps (ms). */
const SPIN_MS = 0.05;

/** Looks at the answer state until it is an answer or `ms` pass. */
function spinFor(header: Int32Array, ms: number): void {
  const a = atomics();
  const until = monotonicMs() + ms;
  for (;;) {
    for (let i = 0; i < 64; i++) if (a.load(header, SLOT.state) === STATE_ANSWER) return;
    if (monotonicMs() >= until) return;
  }
}

/**
 * Streams one send(2) across the bridge in pieces of at most `max` bytes
 * (each piece is a copy the message carries). `sendPiece` sends one and is
 * told the bytes earlier pieces moved (the request's args[3]), so the
 * serving side leaves an error that ends the send for the next call (see
 * BlockingSyscalls.sendto). A short piece (a timeout, a non-blocking fd)
 * ends the send. Returns the bytes sent, or -errno if none were.
 */
export function sendInPieces(data: Uint8Array, max: number, sendPiece: (piece: Uint8Array, movedBefore: number) => number): number {
  let sent = 0;
  do {
    const piece = data.slice(sent, sent + max);
    const r = sendPiece(piece, sent);
    if (r < 0) return sent > 0 ? sent : r;
    sent += r;
    if (r < piece.byteLength) break;
  } while (sent < data.byteLength);
  return sent;
}

/** Synchronous sockets over the SAB+Atomics bridge: each call posts a request to the serving thread and blocks in Atomics.wait until it is answered. Blocking fds block for real ({@link BlockingSyscalls} semantics). Every call returns a {@link Result}. */
export class SyncSockets {
  private readonly header: Int32Array;
  private readonly addr: Uint8Array;
  private readonly payload: Uint8Array;

  /**
   * @param memory the bridge's SharedArrayBuffer (see createBridgeMemory)
   * @param post sends a request to the serving thread
   */
  constructor(memory: SharedArrayBuffer, private readonly post: (req: BridgeRequest) => void) {
    this.header = new Int32Array(memory, 0, HEADER_BYTES / 4);
    this.addr = new Uint8Array(memory, HEADER_BYTES, ADDR_BYTES);
    this.payload = new Uint8Array(memory, HEADER_BYTES + ADDR_BYTES);
  }

  /**
   * Blocks until the serving thread has started (or `timeoutMs` passes);
   * throws a `[rawsock]` error if it did not.
   */
  waitUntilServing(timeoutMs = 10_000): void {
    const a = atomics();
    const deadline = Date.now() + timeoutMs;
    while (a.load(this.header, SLOT.server) === SERVER_STARTING) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`[rawsock] the socket worker did not start within ${timeoutMs} ms`);
      a.wait(this.header, SLOT.server, SERVER_STARTING, left);
    }
    if (a.load(this.header, SLOT.server) === SERVER_GONE) throw new Error('[rawsock] the socket worker has exited');
  }

  /** Largest receive one call carries (recv returns at most this: a valid short read). */
  get maxTransfer(): number {
    return this.payload.byteLength;
  }

  /** One raw, blocking round trip. Outputs are copied out before the next call reuses the memory. */
  call(req: BridgeRequest): BridgeAnswer {
    const a = atomics();
    if (a.load(this.header, SLOT.server) === SERVER_GONE) return this.gone();
    a.store(this.header, SLOT.state, STATE_REQUEST);
    this.post(this.stage(req));
    // Most answers come within tens of µs; sleeping in Atomics.wait and
    // being woken costs about as much again on an idle machine (the thread
    // leaves the CPU), so look for a short while before sleeping.
    spinFor(this.header, SPIN_MS);
    while (a.load(this.header, SLOT.state) !== STATE_ANSWER) a.wait(this.header, SLOT.state, STATE_REQUEST);
    const h = this.header;
    const answer: BridgeAnswer = {
      result: h[SLOT.result] as number,
      addrlen: h[SLOT.addrlen] as number,
      msgFlags: h[SLOT.msgFlags] as number,
      optlen: h[SLOT.optlen] as number,
      value: h[SLOT.value] as number,
      payload: this.payload.slice(0, h[SLOT.payloadLength] as number),
      addr: this.addr.slice(0, Math.min(ADDR_BYTES, h[SLOT.addrlen] as number)),
    };
    a.store(this.header, SLOT.state, STATE_IDLE);
    return answer;
  }

  /**
   * Moves the request's input bytes into the shared memory where they fit
   * and returns the request without them: Deno's worker_threads
   * postMessage copies bytes at about 140 ns each (protocol.ts). Empty or
   * oversized inputs stay in the message. The previous answer's bytes were
   * copied out before this call, and the server copies these out before
   * writing its answer.
   */
  private stage(req: BridgeRequest): BridgeRequest {
    const data = req.data !== undefined && req.data.byteLength > 0 && req.data.byteLength <= this.payload.byteLength ? req.data : undefined;
    const addr = req.addr !== undefined && req.addr.byteLength > 0 && req.addr.byteLength <= this.addr.byteLength ? req.addr : undefined;
    this.header[SLOT.requestData] = data ? data.byteLength : 0;
    this.header[SLOT.requestAddr] = addr ? addr.byteLength : 0;
    if (!data && !addr) return req;
    const rest: { -readonly [K in keyof BridgeRequest]: BridgeRequest[K] } = { ...req };
    if (data) {
      this.payload.set(data);
      delete rest.data;
    }
    if (addr) {
      this.addr.set(addr);
      delete rest.addr;
    }
    return rest;
  }

  private gone(): BridgeAnswer {
    const none = new Uint8Array(0);
    return { result: -E.EIO, addrlen: 0, msgFlags: 0, optlen: 0, value: 0, payload: none, addr: none };
  }

  private address(answer: BridgeAnswer): SocketAddress {
    return decodeSockaddr(answer.addr, answer.addr.byteLength);
  }

  /** socket(2). Errors: EAFNOSUPPORT, EINVAL, EMFILE. */
  socket(domain: 'ipv4' | 'ipv6' | 'unix', type: 'stream' | 'dgram', options: { nonBlocking?: boolean } = {}): Result<number> {
    const af = { ipv4: AF_INET, ipv6: AF_INET6, unix: AF_UNIX }[domain];
    const t = (type === 'stream' ? SOCK_STREAM : SOCK_DGRAM) | (options.nonBlocking ? SOCK_NONBLOCK : 0);
    return toResult(this.call({ op: 'socket', args: [af, t, 0] }).result);
  }

  /** bind(2). Errors: EBADF, ENOTSOCK, EINVAL, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, EACCES, ENOENT. */
  bind(fd: number, address: SocketAddress): Result<number> {
    const addr = encodeSockaddr(address);
    return toResult(this.call({ op: 'bind', args: [fd, addr.byteLength], addr }).result);
  }

  /** listen(2). Errors: EBADF, ENOTSOCK, EOPNOTSUPP, EINVAL, EADDRINUSE, EACCES. */
  listen(fd: number, backlog = 128): Result<number> {
    return toResult(this.call({ op: 'listen', args: [fd, backlog] }).result);
  }

  /** Blocks until a connection arrives (on a blocking listener). */
  accept(fd: number): Result<{
    /** The new connection's fd. */
    fd: number;
    /** The peer's address. */
    address: SocketAddress;
  }> {
    const r = this.call({ op: 'accept4', args: [fd, 0] });
    return r.result < 0 ? err(-r.result) : ok({ fd: r.result, address: this.address(r) });
  }

  /** Blocks until connected or refused (on a blocking socket). */
  connect(fd: number, address: SocketAddress): Result<number> {
    const addr = encodeSockaddr(address);
    return toResult(this.call({ op: 'connect', args: [fd, addr.byteLength], addr }).result);
  }

  /** Sends all of `data` on a blocking stream (in bridge-sized pieces); returns the count sent. */
  send(fd: number, data: Uint8Array, flags = 0): Result<number> {
    return toResult(sendInPieces(data, this.maxTransfer, (piece, movedBefore) => this.call({ op: 'sendto', args: [fd, flags, 0, movedBefore], data: piece }).result));
  }

  /** sendto(2). Errors: EAGAIN, EMSGSIZE, EDESTADDRREQ, EAFNOSUPPORT, EACCES, EISCONN. */
  sendto(fd: number, data: Uint8Array, address: SocketAddress, flags = 0): Result<number> {
    const addr = encodeSockaddr(address);
    return toResult(this.call({ op: 'sendto', args: [fd, flags, addr.byteLength], data, addr }).result);
  }

  /** Blocks until data or EOF (empty array) on a blocking socket. */
  recv(fd: number, maxBytes: number, flags = 0): Result<Uint8Array> {
    const r = this.recvfrom(fd, maxBytes, flags);
    return r.ok ? ok(r.value.data) : r;
  }

  /** recvfrom(2): the data, the sender and whether the datagram was cut. Errors: EAGAIN, ENOTCONN, ECONNRESET. */
  recvfrom(fd: number, maxBytes: number, flags = 0): Result<{
    /** The bytes received. */
    data: Uint8Array;
    /** The sender, when known. */
    from?: SocketAddress;
    /** True if the datagram was longer than `maxBytes` (MSG_TRUNC). */
    truncated: boolean;
  }> {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) return err(E.EINVAL);
    const r = this.call({ op: 'recvfrom', args: [fd, Math.min(maxBytes, this.maxTransfer), flags] });
    if (r.result < 0) return err(-r.result);
    return ok({ data: r.payload, ...(r.addrlen > 0 ? { from: this.address(r) } : {}), truncated: (r.msgFlags & 0x20) !== 0 });
  }

  /** shutdown(2). Errors: ENOTCONN, EINVAL, EBADF. */
  shutdown(fd: number, how: number): Result<number> {
    return toResult(this.call({ op: 'shutdown', args: [fd, how] }).result);
  }

  /** close(2). Errors: EBADF. */
  close(fd: number): Result<number> {
    return toResult(this.call({ op: 'close', args: [fd] }).result);
  }

  /** getsockname(2). Errors: EBADF, ENOTSOCK. */
  getsockname(fd: number): Result<SocketAddress> {
    const r = this.call({ op: 'getsockname', args: [fd] });
    return r.result < 0 ? err(-r.result) : ok(this.address(r));
  }

  /** getpeername(2). Errors: ENOTCONN, EBADF. */
  getpeername(fd: number): Result<SocketAddress> {
    const r = this.call({ op: 'getpeername', args: [fd] });
    return r.result < 0 ? err(-r.result) : ok(this.address(r));
  }

  /** setsockopt with the option's C bytes (Linux LP64 layout). */
  setsockopt(fd: number, level: number, name: number, value: Uint8Array | number): Result<number> {
    const data = typeof value === 'number' ? new Uint8Array(new Int32Array([value]).buffer) : value;
    return toResult(this.call({ op: 'setsockopt', args: [fd, level, name], data }).result);
  }

  /** getsockopt: the option's C bytes. */
  getsockopt(fd: number, level: number, name: number, maxLength = 16): Result<Uint8Array> {
    const r = this.call({ op: 'getsockopt', args: [fd, level, name, maxLength] });
    return r.result < 0 ? err(-r.result) : ok(r.payload);
  }

  /** ioctl(FIONREAD): bytes readable now. Errors: EINVAL on a listener, EBADF. */
  available(fd: number): Result<number> {
    const r = this.call({ op: 'ioctl', args: [fd, FIONREAD, 0] });
    return r.result < 0 ? err(-r.result) : ok(r.value);
  }

  /** fcntl(F_SETFL, O_NONBLOCK). Errors: EBADF. */
  setNonBlocking(fd: number, on: boolean): Result<number> {
    const flags = this.call({ op: 'fcntl', args: [fd, F_GETFL, 0] }).result;
    if (flags < 0) return err(-flags);
    return toResult(this.call({ op: 'fcntl', args: [fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK] }).result);
  }

  /** poll(2): blocks up to `timeoutMs` (-1 = forever); returns revents per request. */
  poll(requests: readonly PollRequest[], timeoutMs: number): Result<number[]> {
    const r = this.call({ op: 'poll', args: [timeoutMs, ...requests.flatMap((q) => [q.fd, q.events])] });
    if (r.result < 0) return err(-r.result);
    return ok([...new Int32Array(r.payload.buffer, r.payload.byteOffset, requests.length)]);
  }

  /** Resolves a name (blocks); ENOENT if unknown. */
  lookup(hostname: string, family: 'any' | 'ipv4' | 'ipv6' = 'any'): Result<string[]> {
    const r = this.call({ op: 'lookup', args: [{ any: 0, ipv4: 1, ipv6: 2 }[family]], text: hostname });
    return r.result < 0 ? err(-r.result) : ok(fromUtf8(r.payload).split('\n').filter(Boolean));
  }
}
