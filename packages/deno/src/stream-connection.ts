/**
 * StreamConnection over a Deno.Conn (TcpConn or UnixConn).
 *
 * Reads are pulled: one `conn.read()` at a time, and none while paused or
 * before start(), so a paused connection leaves bytes in the kernel (whose
 * window then stops the peer) instead of buffering them here. Writes are a
 * queue drained by one `conn.write()` at a time; Deno may write part of a
 * chunk, so the rest is written next, and onWritten reports each chunk once
 * all of it is written.
 * https://docs.deno.com/api/deno/~/Deno.Conn
 */
import { E, type SocketAddress, type StreamConnection, type StreamEvents } from '@rawsock/core';
import type { DenoConn } from './deno-api.ts';
import { microtask } from './deno-api.ts';
import type { ErrorMapper } from './errors.ts';

/**
 * Read buffer sizes. A connection starts with a small buffer, since an idle
 * connection keeps its pending read's buffer alive (issue 6 bounds idle
 * memory per connection), and grows it ×4 each time a read fills it, up to
 * the 64 KiB Deno's own stream reads use, so bulk transfers still read in
 * large chunks after a few reads; a read of at most 1/16 of the buffer
 * shrinks it ÷4 again.
 */
const MIN_READ_SIZE = 2 * 1024;
const MAX_READ_SIZE = 64 * 1024;

export class DenoStreamConnection implements StreamConnection {
  /** A written chunk is the host's no longer: its write completed (see StreamConnection.releasesWritten). */
  readonly releasesWritten = true;
  private events: StreamEvents | null = null;
  private paused = false;
  /** A conn.read() is in flight. */
  private reading = false;
  /** EOF or a read error: no more reads. */
  private readDone = false;
  /** Read into this; handed over whole when a read fills most of it, else copied out. */
  private scratch: Uint8Array | null = null;
  /** Size of the next read buffer: grows while reads fill it. */
  private readSize = MIN_READ_SIZE;

  private readonly queue: Uint8Array[] = [];
  /** Bytes of the chunk at the head of the queue already written. */
  private partial = 0;
  /** A conn.write() or closeWrite() is in flight. */
  private writing = false;
  /** end() was called: FIN after the queue drains. */
  private ending = false;
  /** closeWrite() has completed. */
  private writeShut = false;
  /** close() was called: release the handle after the queue and FIN. */
  private closing = false;
  /** The Deno conn is closed; nothing follows but onClose. */
  private released = false;
  private errored = false;
  /** Bytes written, an error and a close that happened before start(); replayed by start(). */
  private earlyWritten = 0;
  private earlyError: number | null = null;
  private earlyClose = false;

  constructor(
    private readonly conn: DenoConn,
    readonly localAddress: SocketAddress,
    readonly remoteAddress: SocketAddress,
    private readonly errors: ErrorMapper,
  ) {}

  start(events: StreamEvents): void {
    if (this.events) return;
    this.events = events;
    const written = this.earlyWritten;
    const error = this.earlyError;
    const closed = this.earlyClose;
    if (written || error !== null || closed) {
      // After start() returns, in the order the host reported them.
      microtask(() => {
        if (written) events.onWritten(written);
        if (error !== null) events.onError(error);
        if (closed) events.onClose();
      });
    }
    this.pull();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pull();
  }

  write(chunk: Uint8Array): void {
    if (this.released || this.ending || this.closing || chunk.byteLength === 0) return;
    this.queue.push(chunk);
    void this.drain();
  }

  end(): void {
    if (this.released || this.ending) return;
    this.ending = true;
    void this.drain();
  }

  /**
   * Abortive close. Deno exposes no SO_LINGER, so this cannot send a bare
   * RST: it drops the queued bytes and closes at once, and Deno's close is
   * shutdown(SHUT_WR) + close(2). The peer reads EOF; only if unread bytes
   * sit in this socket's kernel receive queue does the kernel follow the FIN
   * with RST, and the peer's next send fails (EPIPE).
   */
  reset(): void {
    if (this.released) return;
    this.release();
  }

  /** Deno's conn.close() is shutdown(SHUT_WR) + close(2): FIN, as close(2) sends. */
  close(): void {
    if (this.released || this.closing) return;
    this.closing = true;
    this.ending = true;
    // Like close(2): nothing more is read; the queue still goes out, then FIN.
    void this.drain();
  }

  setNoDelay(enable: boolean): void {
    if (this.released) return;
    try {
      this.conn.setNoDelay?.(enable);
    } catch {
      // Closed underneath (BadResource); the connection's own error path reports it.
    }
  }

  /** Deno's setKeepAlive takes no idle time: TCP_KEEPIDLE stays the kernel's (7200 s). */
  setKeepAlive(enable: boolean, _idleSeconds: number): void {
    if (this.released) return;
    try {
      this.conn.setKeepAlive?.(enable);
    } catch {
      // As in setNoDelay.
    }
  }

  // ---------------------------------------------------------------- reading

  private pull(): void {
    if (!this.events || this.paused || this.reading || this.readDone || this.closing || this.released) return;
    this.reading = true;
    void this.readLoop(this.events);
  }

  private async readLoop(events: StreamEvents): Promise<void> {
    try {
      while (!this.paused && !this.readDone && !this.closing && !this.released) {
        const buf = (this.scratch ??= new Uint8Array(this.readSize));
        let n: number | null;
        try {
          n = await this.conn.read(buf);
        } catch (err) {
          this.readDone = true;
          this.fail(err, 'read');
          return;
        }
        if (this.released) return;
        if (n === null) {
          this.readDone = true;
          events.onEnd();
          this.finishIfDone();
          return;
        }
        if (n === 0) continue;
        // A full buffer means more was probably waiting: read more at once next time.
        if (n === buf.byteLength) this.readSize = Math.min(this.readSize * 4, MAX_READ_SIZE);
        // The core keeps each chunk: hand the buffer over when it is mostly
        // full, copy small reads out so a large buffer never pins a few bytes.
        let chunk: Uint8Array;
        if (n >= buf.byteLength / 2) {
          chunk = buf.subarray(0, n);
          this.scratch = null;
        } else {
          chunk = buf.slice(0, n);
          // Far less than the buffer holds: the connection went quiet, so
          // read into a smaller one next (the same ÷4 steps, down to 2 KiB),
          // and an idle connection does not keep a bulk-sized buffer.
          if (n <= buf.byteLength / 16 && this.readSize > MIN_READ_SIZE) {
            this.readSize = Math.max(MIN_READ_SIZE, this.readSize / 4);
            this.scratch = null;
          }
        }
        // A read already in flight when pause() came is delivered (the one late chunk the interface allows).
        events.onData(chunk);
      }
    } finally {
      this.reading = false;
    }
  }

  // ---------------------------------------------------------------- writing

  private async drain(): Promise<void> {
    if (this.writing || this.released) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const chunk = this.queue[0] as Uint8Array;
        let n: number;
        try {
          n = await this.conn.write(chunk);
        } catch (err) {
          this.fail(err, 'write');
          return;
        }
        if (this.released) return;
        if (n < chunk.byteLength) {
          this.queue[0] = chunk.subarray(n);
          this.partial += n;
          continue;
        }
        this.queue.shift();
        // Reported per chunk the core passed to write(), as Node's write
        // callback does: the core's send space then moves in whole sends.
        this.reportWritten(this.partial + n);
        this.partial = 0;
      }
      if (this.ending && !this.writeShut) {
        if (this.closing) {
          // close(2) sends FIN itself; no separate shutdown needed.
          this.release();
          return;
        }
        try {
          await this.conn.closeWrite();
        } catch (err) {
          this.fail(err, 'shutdown');
          return;
        }
        this.writeShut = true;
        this.finishIfDone();
      } else if (this.closing) {
        this.release();
      }
    } finally {
      this.writing = false;
    }
    if (this.released) return;
    // end() or close() may have arrived while closeWrite() was in flight.
    if (this.queue.length > 0 || (this.closing && this.writeShut)) void this.drain();
    else this.finishIfDone();
  }

  private reportWritten(bytes: number): void {
    if (this.events) this.events.onWritten(bytes);
    else this.earlyWritten += bytes;
  }

  // ---------------------------------------------------------------- ending

  /** Both directions are shut (peer's FIN read, ours sent): release the handle, as Node does with allowHalfOpen. */
  private finishIfDone(): void {
    if (this.readDone && this.writeShut && !this.writing && this.queue.length === 0) this.release();
  }

  private fail(err: unknown, what: string): void {
    // Reads and writes cut short by our own close() reject (Interrupted, BadResource).
    if (this.released) return;
    const errno = this.errors.errno(err, what, E.EIO);
    if (!this.errored) {
      this.errored = true;
      if (this.events) this.events.onError(errno);
      else this.earlyError = errno;
    }
    this.release();
  }

  /** Closes the Deno conn once; onClose follows asynchronously. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.readDone = true;
    this.queue.length = 0;
    this.partial = 0;
    try {
      this.conn.close();
    } catch {
      // Already closed (BadResource).
    }
    // Never from inside a core call: the core may still be mid-update.
    microtask(() => {
      if (this.events) this.events.onClose();
      else this.earlyClose = true;
    });
  }
}
