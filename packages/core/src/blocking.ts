/**
 * Blocking semantics over the non-blocking syscall interface, written once
 * for every way a caller can wait (a suspended wasm stack, a worker bridge,
 * an embedder's await): a call on a blocking fd that would return EAGAIN or
 * EINPROGRESS waits for readiness and retries, honouring SO_RCVTIMEO and
 * SO_SNDTIMEO (socket(7)); a non-blocking fd or MSG_DONTWAIT never waits.
 */
import { MSG_DONTWAIT, MSG_WAITALL, POLLIN, POLLOUT } from './constants.js';
import { E } from './errno.js';
import type { SocketSyscalls } from './syscalls.js';
import type { PollRequest } from './table.js';

/** A blocking call gave up on its SO_RCVTIMEO/SO_SNDTIMEO. */
const TIMED_OUT = Symbol('timed out');

/** Blocking socket semantics over {@link SocketSyscalls}, written once for every waiting mechanism: a blocking call waits for readiness (honouring SO_RCVTIMEO/SO_SNDTIMEO with EAGAIN) and then retries; non-blocking fds behave as SocketSyscalls does. */
export class BlockingSyscalls {
  /** @param sys The non-blocking calls it waits around. */
  constructor(readonly sys: SocketSyscalls) {}

  private get table() {
    return this.sys.table;
  }

  /** True if calls on `fd` may wait (a blocking socket, no MSG_DONTWAIT). */
  private blocks(fd: number, flags = 0): boolean {
    if (flags & MSG_DONTWAIT || !this.table.has(fd)) return false;
    return !this.table.get(fd).nonBlocking;
  }

  /** Milliseconds of SO_RCVTIMEO/SO_SNDTIMEO, or -1 for "forever". */
  private timeoutMs(fd: number, kind: 'rcv' | 'snd'): number {
    const us = kind === 'rcv' ? this.table.get(fd).opts.rcvTimeoUs : this.table.get(fd).opts.sndTimeoUs;
    return us === 0 ? -1 : Math.max(1, Math.ceil(us / 1000));
  }

  /** Waits until `fd` shows `events` (or an error/hangup) or the deadline passes. */
  private async readyOr(fd: number, events: number, deadline: number): Promise<typeof TIMED_OUT | void> {
    const left = deadline < 0 ? -1 : deadline - Date.now();
    if (deadline >= 0 && left <= 0) return TIMED_OUT;
    const [revents] = await this.table.wait([{ fd, events }], left);
    if (!revents) return TIMED_OUT;
  }

  private deadline(fd: number, kind: 'rcv' | 'snd'): number {
    const ms = this.timeoutMs(fd, kind);
    return ms < 0 ? -1 : Date.now() + ms;
  }

  /** Retries `call` while it says EAGAIN, waiting for `events`; EAGAIN after the timeout. */
  private async retry(fd: number, flags: number, events: number, kind: 'rcv' | 'snd', call: () => number): Promise<number> {
    let r = call();
    if (r !== -E.EAGAIN || !this.blocks(fd, flags)) return r;
    const deadline = this.deadline(fd, kind);
    while (r === -E.EAGAIN) {
      if ((await this.readyOr(fd, events, deadline)) === TIMED_OUT) return -E.EAGAIN;
      r = call();
    }
    return r;
  }

  /**
   * connect(2): a blocking socket waits for the outcome (SO_SNDTIMEO bounds
   * the wait, then EINPROGRESS as on Linux) and returns it.
   */
  async connect(fd: number, addr: Uint8Array, addrlen: number): Promise<number> {
    const r = this.sys.connect(fd, addr, addrlen);
    if (r !== -E.EINPROGRESS || !this.blocks(fd)) return r;
    if ((await this.readyOr(fd, POLLOUT, this.deadline(fd, 'snd'))) === TIMED_OUT) return -E.EINPROGRESS;
    // The next connect reports the outcome once (0 or the error).
    const outcome = this.sys.connect(fd, addr, addrlen);
    return outcome === -E.EALREADY ? -E.EINPROGRESS : outcome;
  }

  /** accept4(2), blocking on a blocking listener: the fd, or -EAGAIN (timeout, or non-blocking), -EINVAL, -EOPNOTSUPP, -EMFILE, -EBADF. */
  async accept4(fd: number, addrOut: Uint8Array | null, addrOutLen: number, flags: number): Promise<number> {
    return this.retry(fd, 0, POLLIN, 'rcv', () => this.sys.accept4(fd, addrOut, addrOutLen, flags));
  }

  /** recvfrom(2); MSG_WAITALL on a stream keeps reading until the buffer is full, EOF or an error. */
  async recvfrom(fd: number, buf: Uint8Array, flags: number, addrOut: Uint8Array | null, addrOutLen: number): Promise<number> {
    const first = await this.retry(fd, flags, POLLIN, 'rcv', () => this.sys.recvfrom(fd, buf, flags, addrOut, addrOutLen));
    if (!(flags & MSG_WAITALL) || first <= 0 || first >= buf.byteLength || this.table.get(fd).type !== 1) return first;
    let got = first;
    while (got < buf.byteLength) {
      const r = await this.retry(fd, flags, POLLIN, 'rcv', () => this.sys.recvfrom(fd, buf.subarray(got), flags & ~MSG_WAITALL, null, 0));
      if (r <= 0) break;
      got += r;
    }
    return got;
  }

  /**
   * sendto(2): a blocking stream send waits until every byte is queued
   * (or the timeout, returning what was sent so far, or EAGAIN if nothing).
   *
   * @param movedBefore bytes of the same send(2) that earlier calls already
   *   moved, for a caller that streams one send in pieces (the worker
   *   bridge): then, as for bytes moved within this call, an error that
   *   ends the send is left pending for the program's next call and this
   *   piece returns its count (possibly 0) — tcp_sendmsg keeps sk_err set.
   */
  async sendto(fd: number, data: Uint8Array, flags: number, addr: Uint8Array | null, addrlen: number, movedBefore = 0): Promise<number> {
    if (!this.blocks(fd, flags) || this.table.get(fd).type !== 1) {
      return this.retry(fd, flags, POLLOUT, 'snd', () => this.sys.sendto(fd, data, flags, addr, addrlen));
    }
    const deadline = this.deadline(fd, 'snd');
    const errorPending = () => this.table.has(fd) && this.table.get(fd).pendingError !== 0;
    let sent = 0;
    while (sent < data.byteLength || data.byteLength === 0) {
      // A later piece must not take the error that ended the earlier ones.
      if (movedBefore > 0 && sent === 0 && errorPending()) return 0;
      const r = this.sys.sendto(fd, data.subarray(sent), flags, addr, addrlen);
      if (r >= 0) {
        sent += r;
        if (data.byteLength === 0) return 0;
        continue;
      }
      const moved = sent + movedBefore > 0;
      if (r !== -E.EAGAIN) return moved ? sent : r;
      if ((await this.readyOr(fd, POLLOUT, deadline)) === TIMED_OUT) return moved ? sent : -E.EAGAIN;
      // Woken by an error after some bytes went: return the count and leave
      // the error for the next call, as tcp_sendmsg does (sk_err stays set).
      if (sent + movedBefore > 0 && errorPending()) return sent;
    }
    return sent;
  }

  /**
   * A send the caller already answered in full (the worker bridge's posted
   * send, sent only when the socket showed room for all of it): queues all
   * of `data`, waiting for room whatever the fd's O_NONBLOCK and
   * SO_SNDTIMEO say (the program was told it went), and leaves any error
   * for the program's next call — a pending one is not taken, and EPIPE
   * stays the socket's state. Returns the bytes queued.
   */
  async sendPosted(fd: number, data: Uint8Array, flags: number): Promise<number> {
    let sent = 0;
    while (sent < data.byteLength) {
      if (!this.table.has(fd) || this.table.get(fd).pendingError !== 0) return sent;
      const r = this.sys.sendto(fd, data.subarray(sent), flags | MSG_DONTWAIT, null, 0);
      if (r >= 0) sent += r;
      else if (r !== -E.EAGAIN) return sent;
      else await this.readyOr(fd, POLLOUT, -1);
    }
    return sent;
  }

  /** poll(2) with a timeout in ms (negative = forever). Returns the ready count; fills `revents`. */
  async poll(requests: readonly PollRequest[], revents: number[] | Int32Array, timeoutMs: number): Promise<number> {
    const out = await this.table.wait(requests, timeoutMs);
    let ready = 0;
    for (let i = 0; i < out.length; i++) {
      revents[i] = out[i] as number;
      if (out[i]) ready++;
    }
    return ready;
  }
}
