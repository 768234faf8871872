/**
 * The transport under socketpair(2): two connection ends joined in memory
 * that deliver synchronously, as a unix socketpair does on Linux (a write
 * is readable from the other end at once, even inside one synchronous run
 * of a wasm program). Flow control is real: while the reading end is
 * paused, written bytes wait here and the writer hears onWritten only when
 * they are delivered, so its send buffer fills and send() says EAGAIN.
 */
import type { SocketAddress } from '../address.js';
import { E } from '../errno.js';
import type { StreamConnection, StreamEvents } from '../provider.js';

const UNNAMED: SocketAddress = { family: 'unix', path: '' };

class PairEnd implements StreamConnection {
  readonly localAddress = UNNAMED;
  readonly remoteAddress = UNNAMED;
  peer!: PairEnd;
  private events: StreamEvents | undefined;
  private paused = false;
  /** Bytes written to this end and not yet delivered, with who to tell. */
  private readonly inbox: { chunk: Uint8Array; writer: PairEnd }[] = [];
  private finPending = false;
  private finDelivered = false;
  /** This end sent FIN (end/close). */
  private ended = false;
  private closed = false;
  /** The other end closed: after the FIN, this end is hung up too (unix_release_sock). */
  private peerGone = false;

  start(events: StreamEvents): void {
    this.events = events;
    this.drain();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.drain();
  }

  write(chunk: Uint8Array): void {
    if (this.ended || this.closed) return;
    if (this.peer.closed) {
      this.events?.onError(E.EPIPE);
      return;
    }
    if (this.peerGone) return;
    this.peer.inbox.push({ chunk, writer: this });
    this.peer.drain();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.peer.finPending = true;
    this.peer.drain();
  }

  reset(): void {
    if (this.closed) return;
    this.closed = true;
    this.ended = true;
    this.inbox.length = 0;
    const peer = this.peer;
    if (!peer.closed) {
      peer.inbox.length = 0;
      peer.events?.onError(E.ECONNRESET);
      peer.closed = true;
      peer.events?.onClose();
    }
    this.events?.onClose();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox.length = 0;
    this.ended = true;
    const peer = this.peer;
    peer.finPending = true;
    peer.peerGone = true;
    peer.drain();
    this.events?.onClose();
  }

  setNoDelay(): void {}

  setKeepAlive(): void {}

  /** Delivers what waits here while this end is started and not paused. */
  private drain(): void {
    const events = this.events;
    if (!events || this.closed) return;
    while (!this.paused && this.inbox.length > 0) {
      const { chunk, writer } = this.inbox.shift() as { chunk: Uint8Array; writer: PairEnd };
      events.onData(chunk);
      writer.events?.onWritten(chunk.byteLength);
    }
    if (!this.paused && this.inbox.length === 0 && this.finPending) {
      if (!this.finDelivered) {
        this.finDelivered = true;
        events.onEnd();
      }
      // The other end is gone (also after an earlier shutdown(SHUT_WR) of
      // it): Linux shuts both directions of the surviving end, so it hangs
      // up (POLLHUP) and writes fail with EPIPE.
      if (this.peerGone && !this.closed) {
        this.closed = true;
        events.onClose();
      }
    }
  }
}

/** Two connected ends, for socketpair(2). */
export function connectedPair(): [StreamConnection, StreamConnection] {
  const a = new PairEnd();
  const b = new PairEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
