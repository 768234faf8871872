/**
 * StreamConnection over a Bun socket (from Bun.connect or a Bun.listen
 * accept), created with `allowHalfOpen: true` and handed over paused.
 * https://bun.com/docs/api/tcp
 *
 * What Bun does that shapes this file (checked on Bun 1.4.5):
 * - `socket.write()` is unbuffered: it returns how many bytes the kernel
 *   took, possibly fewer than given (or 0); the rest is ours to keep and
 *   write on `drain`. What this queue holds is bounded by what the core hands
 *   over, which its SO_SNDBUF accounting bounds.
 * - `socket.shutdown()` sends FIN and keeps reading (shutdown(SHUT_WR));
 *   `socket.end()` closes the socket after the FIN (close(2)), and
 *   `socket.terminate()` closes with SO_LINGER 0 (RST).
 * - Once both directions are shut, Bun closes the socket; when our FIN went
 *   first, the peer's FIN then arrives as `close` without an `end` call.
 * - A reset or a write to a dead peer arrives as `close(socket, error)` —
 *   unless `write()` met it first: then write() returns -1 (the kernel's
 *   ECONNRESET/EPIPE is used up by that send) and a paused socket may never
 *   hear `close` at all, so the failed write itself is reported.
 */
import { E, type SocketAddress, type StreamConnection, type StreamEvents } from '@rawsock/core';
import type { Socket } from 'bun';
import { toErrno } from './errors.js';

/** What every Bun socket of ours carries in `socket.data`. */
export interface SocketSlot {
  conn: BunStreamConnection | null;
}

export type BunSocket = Socket<SocketSlot>;

/** Handlers shared by every connection: each dispatches to the socket's wrapper. */
export const connectionHandlers = {
  data(socket: BunSocket, chunk: Uint8Array): void {
    socket.data?.conn?.hostData(chunk);
  },
  end(socket: BunSocket): void {
    socket.data?.conn?.hostEnd();
  },
  drain(socket: BunSocket): void {
    socket.data?.conn?.hostDrain();
  },
  close(socket: BunSocket, error?: Error): void {
    socket.data?.conn?.hostClose(error);
  },
  error(socket: BunSocket, error: Error): void {
    // Bun calls this when one of the handlers threw (or for TLS failures,
    // which rawsock does not use). The connection cannot be trusted after
    // that: fail it rather than hide the error.
    const conn = socket.data?.conn;
    if (conn) conn.hostFailure(error);
    else socket.terminate();
  },
};

export class BunStreamConnection implements StreamConnection {
  /** A written chunk is the host's no longer: its write completed (see StreamConnection.releasesWritten). */
  readonly releasesWritten = true;
  private events: StreamEvents | null = null;
  /** Callbacks that happened before start(), replayed after it, in order. */
  private early: ((events: StreamEvents) => void)[] = [];
  private paused = true;
  /** The core called reset(): it wants no more callbacks. */
  private detached = false;
  /**
   * The core called close(): it wants no more data, but still hears how the
   * bytes it sent fare (onWritten, onError, onClose) — a closed socket's
   * unwritten bytes are an orphan the core keeps count of (core's orphans.ts).
   */
  private closed = false;
  /** Bun reported `close`: the handle is gone. */
  private hostClosed = false;
  private gotEnd = false;
  /** Bytes write() got that the kernel has not taken yet, oldest first. */
  private readonly queue: Uint8Array[] = [];
  /** Bytes the kernel took and onWritten has not reported yet. */
  private unreported = 0;
  private reportScheduled = false;
  private endRequested = false;
  private finSent = false;
  private closeRequested = false;
  /** A write failed (-1): the connection is broken and was reported so. */
  private writeBroken = false;

  constructor(
    private readonly socket: BunSocket,
    readonly localAddress: SocketAddress,
    readonly remoteAddress: SocketAddress,
  ) {
    socket.data = { conn: this };
    socket.pause();
  }

  // ---------------------------------------------------------------- StreamConnection

  start(events: StreamEvents): void {
    if (this.events) return;
    this.events = events;
    if (this.early.length) {
      // After start() returns, in the order the host reported them.
      queueMicrotask(() => {
        for (const call of this.early.splice(0)) if (!this.detached) call(events);
      });
    }
    this.paused = false;
    if (!this.hostClosed) this.socket.resume();
  }

  pause(): void {
    this.paused = true;
    if (!this.hostClosed) this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    // Before start() a flowing socket would deliver to nobody.
    if (this.events && !this.hostClosed) this.socket.resume();
  }

  /** Returns what Bun's write() took at once; a queued rest is reported by written() as drains take it. */
  write(chunk: Uint8Array): number {
    if (this.hostClosed || this.closeRequested || this.writeBroken || chunk.byteLength === 0) return 0;
    if (this.queue.length > 0) {
      this.queue.push(chunk);
      return 0;
    }
    const n = this.socket.write(chunk);
    if (n < 0) {
      this.writeFailed();
      return 0;
    }
    if (n < chunk.byteLength) this.queue.push(n === 0 ? chunk : chunk.subarray(n));
    return n;
  }

  end(): void {
    if (this.endRequested) return;
    this.endRequested = true;
    this.flushTail();
  }

  reset(): void {
    this.detached = true;
    this.queue.length = 0;
    if (!this.hostClosed) this.socket.terminate();
  }

  close(): void {
    this.closed = true;
    if (this.closeRequested) return;
    this.closeRequested = true;
    // Bun may call the `close` handler from inside end(): the core, which
    // still hears onClose after close(), hears it once close() has returned.
    queueMicrotask(() => this.flushTail());
  }

  setNoDelay(enable: boolean): void {
    if (!this.hostClosed) this.socket.setNoDelay(enable);
  }

  setKeepAlive(enable: boolean, idleSeconds: number): void {
    if (!this.hostClosed) this.socket.setKeepAlive(enable, idleSeconds * 1000);
  }

  // ---------------------------------------------------------------- from Bun

  hostData(chunk: Uint8Array): void {
    // Each `data` call gets its own Buffer, so it is passed on without a copy.
    this.emit((e) => e.onData(chunk), true);
  }

  hostEnd(): void {
    if (this.gotEnd) return;
    this.gotEnd = true;
    this.emit((e) => e.onEnd(), true);
  }

  hostDrain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Uint8Array;
      const n = this.socket.write(head);
      if (n < 0) {
        this.writeFailed();
        return;
      }
      this.written(n);
      if (n < head.byteLength) {
        if (n > 0) this.queue[0] = head.subarray(n);
        return;
      }
      this.queue.shift();
    }
    this.flushTail();
  }

  hostClose(error?: Error): void {
    if (this.hostClosed) return;
    this.hostClosed = true;
    this.queue.length = 0;
    if (error) {
      const errno = toErrno(error, E.ECONNRESET);
      this.emit((e) => e.onError(errno));
    } else if (this.finSent && !this.gotEnd) {
      // Bun closes a socket whose FIN went out once the peer's FIN arrives,
      // without calling `end`: that close is the peer's FIN.
      this.hostEnd();
    }
    this.emit((e) => e.onClose());
  }

  hostFailure(error: Error): void {
    if (this.hostClosed) return;
    this.hostClosed = true;
    this.queue.length = 0;
    const errno = toErrno(error, E.EIO);
    this.socket.terminate();
    this.emit((e) => e.onError(errno));
    this.emit((e) => e.onClose());
  }

  // ---------------------------------------------------------------- internals

  /** Calls back now, or after start() if it has not run yet; `incoming` (data, EOF) stops at close(). */
  private emit(call: (events: StreamEvents) => void, incoming = false): void {
    if (this.detached || (incoming && this.closed)) return;
    if (!this.events || this.early.length > 0) this.early.push(call);
    else call(this.events);
  }

  /** Reports bytes the kernel took, once per microtask (never inside write()). */
  private written(n: number): void {
    if (n <= 0) return;
    this.unreported += n;
    if (this.reportScheduled) return;
    this.reportScheduled = true;
    queueMicrotask(() => {
      this.reportScheduled = false;
      const bytes = this.unreported;
      this.unreported = 0;
      if (bytes > 0) this.emit((e) => e.onWritten(bytes));
    });
  }

  /**
   * Bun's write() said -1: the send failed, the peer is gone (a reset; Bun
   * does not say which errno). Reported as ECONNRESET, after write()
   * returns, unless `close` reported it first; the core decides what the
   * program sees. The handle stays until the core closes or resets it.
   */
  private writeFailed(): void {
    if (this.writeBroken) return;
    this.writeBroken = true;
    this.queue.length = 0;
    queueMicrotask(() => {
      if (!this.hostClosed) this.emit((e) => e.onError(E.ECONNRESET));
    });
  }

  /** FIN or close once every queued byte reached the kernel. */
  private flushTail(): void {
    if (this.queue.length > 0 || this.hostClosed) return;
    if (this.closeRequested) {
      // close(2) after the kernel has every byte: it sends them, then FIN.
      this.socket.end();
    } else if (this.endRequested && !this.finSent) {
      this.finSent = true;
      this.socket.shutdown();
    }
  }
}
