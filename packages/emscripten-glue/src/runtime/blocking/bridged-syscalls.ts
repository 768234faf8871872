/**
 * The glue's syscall interface carried across the worker bridge: the same
 * method shapes as core's SocketSyscalls (bytes in, -errno or a result out,
 * side outputs in `out`), each a blocking round trip to the worker where the
 * core runs them with BlockingSyscalls. The glue cannot tell the two apart;
 * only fd creation differs, because here the program's FS owns the fd space:
 * the call carries the fds the FS has free, the worker allocates from them,
 * and the FS stream is made once the fd exists.
 */
import type { BridgeAnswer, BridgeRequest, SocketSyscalls, SyncSockets } from '@rawsock/core';
import { MSG_DONTWAIT, MSG_NOSIGNAL, POLLNVAL, sendInPieces } from '@rawsock/core';
import { localAcceptWouldBlock, localRecvWouldBlock } from './local-answers.js';
import type { BoardRead } from './readiness-board.js';

/** What the glue calls: SocketSyscalls's syscall methods. */
export type GlueSyscalls = Pick<
  SocketSyscalls,
  | 'out'
  | 'socket'
  | 'socketpair'
  | 'bind'
  | 'connect'
  | 'listen'
  | 'accept4'
  | 'sendto'
  | 'recvfrom'
  | 'shutdown'
  | 'getsockname'
  | 'getpeername'
  | 'getsockopt'
  | 'setsockopt'
  | 'ioctl'
  | 'fcntl'
  | 'close'
  | 'dup'
> &
  /** In-thread modes only: connect() to a getaddrinfo placeholder (worker mode resolves names in getaddrinfo). */
  Partial<Pick<SocketSyscalls, 'connectName'>>;

/** The program's fd space, as the bridge needs it. */
export interface BridgeFds {
  /** The `count` lowest fds the FS has free. */
  freeFds(count: number): number[];
  /** Makes the FS stream of a socket fd the worker created. */
  openSocketFd(fd: number): void;
  /** A socket fd closed (the FS stream is the caller's business). */
  socketClosed(fd: number): void;
}

/** Largest piece of one send through the bridge (each is a structured-clone copy). */
export const SEND_CHUNK = 256 * 1024;

/** Largest send posted without waiting for its answer (see {@link BridgedSyscalls.sendto}). */
export const POST_MAX = 64 * 1024;

const MSG_WAITALL = 0x100;

export class BridgedSyscalls implements GlueSyscalls {
  readonly out = { addrlen: 0, msgFlags: 0, optlen: 0, value: 0 };
  /** Bytes posted per fd (without waiting), for the socket generation the board showed then. */
  private readonly posted = new Map<number, { gen: number; total: number }>();
  /** Fds with posted sends the worker may not have run yet (pruned as the board confirms them). */
  private readonly pending = new Set<number>();

  /**
   * @param readiness the readiness board's slot of an fd, for the answers
   *   it fixes with no round trip (local-answers.ts)
   * @param rings the receive rings, where a recv finds bytes that arrived
   *   with no round trip (recv-rings.ts)
   * @param posts the queue posted sends go to (post-queue.ts); a send it
   *   has no room for is a round trip
   */
  constructor(
    private readonly bridge: SyncSockets,
    private readonly fds: BridgeFds,
    private readonly readiness: (fd: number) => BoardRead | undefined,
    private readonly rings: { take(fd: number, dest: Uint8Array): number },
    private readonly posts: { append(fd: number, flags: number, data: Uint8Array): boolean },
  ) {}

  /** Blocks until the worker answers; copies the side outputs into `out`. */
  private call(req: BridgeRequest): BridgeAnswer {
    const a = this.bridge.call(req);
    this.out.addrlen = a.addrlen;
    this.out.msgFlags = a.msgFlags;
    this.out.optlen = a.optlen;
    this.out.value = a.value;
    return a;
  }

  /** A call that may create fds: offers `count` free fds, opens the ones used. */
  private creating(count: number, req: Omit<BridgeRequest, 'reserve'>, used: (a: BridgeAnswer) => number[]): BridgeAnswer {
    const a = this.call({ ...req, reserve: this.fds.freeFds(count) });
    if (a.result >= 0) for (const fd of used(a)) this.fds.openSocketFd(fd);
    return a;
  }

  private static copy(from: Uint8Array, to: Uint8Array | null, cap: number): void {
    if (to && cap > 0) to.set(from.subarray(0, Math.min(cap, to.byteLength, from.byteLength)));
  }

  /** Input bytes are copied out of wasm memory: posting a view would clone all of it. */
  private static input(bytes: Uint8Array | null, len: number): Uint8Array | undefined {
    return bytes ? bytes.slice(0, Math.max(0, Math.min(len, bytes.byteLength))) : undefined;
  }

  socket(domain: number, type: number, protocol: number): number {
    return this.creating(1, { op: 'socket', args: [domain, type, protocol] }, (a) => [a.result]).result;
  }

  socketpair(domain: number, type: number, protocol: number, fdsOut: Int32Array | number[]): number {
    const a = this.creating(2, { op: 'socketpair', args: [domain, type, protocol] }, (r) => [r.value, r.optlen]);
    if (a.result >= 0) {
      fdsOut[0] = a.value;
      fdsOut[1] = a.optlen;
    }
    return a.result;
  }

  bind(fd: number, addr: Uint8Array, addrlen: number): number {
    return this.call({ op: 'bind', args: [fd, addrlen], addr: BridgedSyscalls.input(addr, addrlen) as Uint8Array }).result;
  }

  connect(fd: number, addr: Uint8Array, addrlen: number): number {
    return this.call({ op: 'connect', args: [fd, addrlen], addr: BridgedSyscalls.input(addr, addrlen) as Uint8Array }).result;
  }

  listen(fd: number, backlog: number): number {
    return this.call({ op: 'listen', args: [fd, backlog] }).result;
  }

  accept4(fd: number, addrOut: Uint8Array | null, addrOutLen: number, flags: number): number {
    const local = localAcceptWouldBlock(this.boardSlot(fd), flags);
    if (local !== undefined) return local;
    const a = this.creating(1, { op: 'accept4', args: [fd, flags] }, (r) => [r.result]);
    if (a.result >= 0) BridgedSyscalls.copy(a.addr, addrOut, addrOutLen);
    return a.result;
  }

  /**
   * Bytes posted to `fd` that the worker has not run yet, by the board
   * slot `r` (0 when none, or when the fd holds another socket now).
   */
  unconfirmed(fd: number, r = this.readiness(fd)): number {
    const p = this.posted.get(fd);
    if (!p || !r || r.gen !== p.gen) return 0;
    return (p.total - r.postedDone) | 0;
  }

  /**
   * True while a posted send to a peer that may be in this program (a
   * socketpair, a connection to its own listener: BoardEntry.localPeer) may
   * not have run yet. Answers from the board (a would-block recv or accept,
   * poll's masks) wait for none then: on Linux the bytes are at the peer as
   * soon as send returns. A send to another process cannot change what the
   * board says of this program's fds, so it holds nothing.
   */
  postsPending(): boolean {
    for (const fd of this.pending) {
      if (this.unconfirmed(fd) > 0) return true;
      this.pending.delete(fd);
    }
    return false;
  }

  /**
   * The board's slot of `fd` for answers with no round trip (would-block
   * recv/accept, poll masks: local-answers.ts), or undefined — ask the
   * worker — while a posted send may not have run (postsPending).
   */
  boardSlot(fd: number): BoardRead | undefined {
    return this.postsPending() ? undefined : this.readiness(fd);
  }

  /**
   * The process is ending: the worker runs every posted send, closes every
   * fd (as the process's end does on Linux) and waits until the host has
   * written the streams' bytes — the worker is unreferenced and ends with
   * the process, and Deno's writes complete asynchronously. A stream whose
   * bytes go `stallMs` without progress is reset (core's programEnded).
   * Returns the bytes still unwritten (0).
   */
  drain(stallMs: number): number {
    return this.call({ op: 'drain', args: [stallMs] }).result;
  }

  /**
   * A small send on a connected stream whose room (as the board shows it,
   * less what is posted and not yet run) takes all of it is posted without
   * waiting: it cannot block or fail now, so the answer is its length, as
   * the kernel's is once the bytes are queued. The worker runs it before
   * any later call; an error it meets (a reset that arrives meanwhile)
   * stays pending for the next call. This halves the round trips of a
   * request/response loop.
   */
  private tryPost(fd: number, data: Uint8Array, flags: number): boolean {
    const len = data.byteLength;
    if (len === 0 || len > POST_MAX || flags & ~(MSG_NOSIGNAL | MSG_DONTWAIT)) return false;
    const r = this.readiness(fd);
    if (!r || r.snap.mask & POLLNVAL || r.snap.state !== 'connected' || r.snap.pendingError !== 0) return false;
    if (r.room - this.unconfirmed(fd, r) < len) return false;
    // A send the queue has no room for is a round trip: the caller then
    // waits until everything queued before it has run (post-queue.ts).
    if (!this.posts.append(fd, flags, data)) return false;
    const p = this.posted.get(fd);
    this.posted.set(fd, { gen: r.gen, total: ((p && p.gen === r.gen ? p.total : r.postedDone) + len) | 0 });
    // Only a send whose peer may be in this program can change what other
    // fds' board slots should say (postsPending).
    if (r.localPeer) this.pending.add(fd);
    return true;
  }

  /**
   * A large send streams in SEND_CHUNK pieces; each piece of a blocking
   * stream is sent whole by the worker, so a short piece means a timeout
   * or a non-blocking fd, and the count so far is the answer. A small one
   * that fits is posted (tryPost).
   */
  sendto(fd: number, data: Uint8Array, flags: number, addr: Uint8Array | null, addrlen: number): number {
    if (!addr && this.tryPost(fd, data, flags)) return data.byteLength;
    const to = BridgedSyscalls.input(addr, addrlen);
    if (data.byteLength <= SEND_CHUNK) {
      return this.call({ op: 'sendto', args: [fd, flags, to ? addrlen : 0], data: data.slice(), ...(to ? { addr: to } : {}) }).result;
    }
    return sendInPieces(data, SEND_CHUNK, (piece, movedBefore) => this.call({ op: 'sendto', args: [fd, flags, to ? addrlen : 0, movedBefore], data: piece, ...(to ? { addr: to } : {}) }).result);
  }

  /**
   * Bytes waiting in the receive ring are taken with no round trip. One
   * receive through the bridge carries at most its payload (a valid short read);
   * MSG_WAITALL keeps reading until the buffer is full, EOF or an error.
   */
  recvfrom(fd: number, buf: Uint8Array, flags: number, addrOut: Uint8Array | null, addrOutLen: number): number {
    // Bytes waiting in the fd's receive ring: core's recv would return the
    // same (queued bytes come before EOF, errors and shutdowns). Flags with
    // answers of their own, and an address to fill, ask the worker.
    if (!addrOut && !(flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL))) {
      const n = this.rings.take(fd, buf);
      if (n > 0) {
        this.out.addrlen = 0;
        this.out.msgFlags = 0;
        return n;
      }
    }
    const local = localRecvWouldBlock(this.boardSlot(fd), flags, buf.byteLength);
    if (local !== undefined) return local;
    const max = this.bridge.maxTransfer;
    const a = this.call({ op: 'recvfrom', args: [fd, Math.min(buf.byteLength, max), flags] });
    if (a.result < 0) return a.result;
    buf.set(a.payload.subarray(0, Math.min(buf.byteLength, a.payload.byteLength)));
    BridgedSyscalls.copy(a.addr, addrOut, addrOutLen);
    let got = a.result;
    if (!(flags & MSG_WAITALL) || got === 0 || buf.byteLength <= max) return got;
    while (got < buf.byteLength) {
      const more = this.call({ op: 'recvfrom', args: [fd, Math.min(buf.byteLength - got, max), flags] });
      if (more.result <= 0) break;
      buf.set(more.payload, got);
      got += more.result;
    }
    return got;
  }

  shutdown(fd: number, how: number): number {
    return this.call({ op: 'shutdown', args: [fd, how] }).result;
  }

  getsockname(fd: number, addrOut: Uint8Array, addrOutLen: number): number {
    const a = this.call({ op: 'getsockname', args: [fd, addrOutLen] });
    if (a.result >= 0) BridgedSyscalls.copy(a.addr, addrOut, addrOutLen);
    return a.result;
  }

  getpeername(fd: number, addrOut: Uint8Array, addrOutLen: number): number {
    const a = this.call({ op: 'getpeername', args: [fd, addrOutLen] });
    if (a.result >= 0) BridgedSyscalls.copy(a.addr, addrOut, addrOutLen);
    return a.result;
  }

  getsockopt(fd: number, level: number, name: number, optOut: Uint8Array, optlen: number): number {
    const a = this.call({ op: 'getsockopt', args: [fd, level, name, optlen] });
    if (a.result >= 0) BridgedSyscalls.copy(a.payload, optOut, optlen);
    return a.result;
  }

  setsockopt(fd: number, level: number, name: number, optval: Uint8Array): number {
    return this.call({ op: 'setsockopt', args: [fd, level, name], data: optval.slice() }).result;
  }

  ioctl(fd: number, request: number, arg = 0): number {
    return this.call({ op: 'ioctl', args: [fd, request, arg] }).result;
  }

  fcntl(fd: number, cmd: number, arg = 0): number {
    return this.call({ op: 'fcntl', args: [fd, cmd, arg] }).result;
  }

  close(fd: number): number {
    this.posted.delete(fd);
    this.pending.delete(fd);
    const r = this.call({ op: 'close', args: [fd] }).result;
    if (r >= 0) this.fds.socketClosed(fd);
    return r;
  }

  dup(fd: number): number {
    return this.creating(1, { op: 'dup', args: [fd] }, (a) => [a.result]).result;
  }

  /** dup to exactly `target` (free in the FS); the caller makes its stream. */
  dupTo(fd: number, target: number, cloexec: boolean): number {
    return this.call({ op: 'dupto', args: [fd, target, cloexec ? 1 : 0] }).result;
  }

  /** poll(2) across the bridge: revents per request; waits up to `timeoutMs` (-1 forever). */
  poll(requests: readonly { fd: number; events: number }[], timeoutMs: number): number[] {
    const a = this.call({ op: 'poll', args: [timeoutMs, ...requests.flatMap((q) => [q.fd, q.events])] });
    if (a.result < 0) return requests.map(() => 0);
    return [...new Int32Array(a.payload.buffer, a.payload.byteOffset, requests.length)];
  }
}
