/**
 * Streams closed gracefully while the host still holds bytes they sent:
 * Linux's orphan sockets. close(2) returns at once and the kernel goes on
 * sending; so does the host here, and a host process that must stay up to
 * write them cannot end before they are written.
 *
 * On Linux a process that exits leaves its orphans to the kernel, which
 * gives up on a peer that stops reading only after its retries
 * (tcp_orphan_retries, about 100 s on loopback). A host process has no
 * kernel to hand them to: once the program has ended (the glue says so),
 * an orphan the host made no progress on for `stallMs` is reset instead of
 * keeping the process alive for a peer that may never read. While it
 * moves, however slowly, it is left to finish.
 * https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html (tcp_orphan_retries)
 */
import { monotonicMs, startTimer } from './host.js';

/** A closed stream whose bytes the host is still writing. */
export interface Orphan {
  /** Bytes the host has not written yet. */
  unsentBytes(): number;
  /** Gives up: resets the connection, dropping what is unwritten (RST). */
  abandon(): void;
}

/** What an orphan held when it last made progress, and when. */
interface Progress {
  unsent: number;
  at: number;
}

export class Orphans {
  private readonly members = new Map<Orphan, Progress>();
  private stallMs: number | undefined;
  private stopTimer: (() => void) | undefined;

  add(orphan: Orphan): void {
    this.members.set(orphan, { unsent: orphan.unsentBytes(), at: monotonicMs() });
    this.arm();
  }

  /** The orphan is written, or its connection failed or closed. */
  delete(orphan: Orphan): void {
    this.members.delete(orphan);
    if (this.members.size === 0) this.disarm();
  }

  /** Bytes all orphans still hold. */
  unsentBytes(): number {
    let n = 0;
    for (const orphan of this.members.keys()) n += orphan.unsentBytes();
    return n;
  }

  get size(): number {
    return this.members.size;
  }

  /**
   * From now on an orphan, present or future, is abandoned once `stallMs`
   * pass in which none of its bytes were written. The shortest bound given wins.
   */
  limitStall(stallMs: number): void {
    if (!(stallMs >= 0) || !Number.isFinite(stallMs)) throw new RangeError(`[rawsock] stall bound must be a finite number of ms >= 0, got ${stallMs}`);
    this.stallMs = this.stallMs === undefined ? stallMs : Math.min(this.stallMs, stallMs);
    // Stalls are counted from now: before the bound, waiting was allowed.
    const now = monotonicMs();
    for (const progress of this.members.values()) progress.at = now;
    this.disarm();
    this.arm();
  }

  /** One timer for all orphans, due when the oldest stall would reach the bound; none while there is no bound or no orphan. */
  private arm(): void {
    if (this.stallMs === undefined || this.stopTimer || this.members.size === 0) return;
    let oldest = Infinity;
    for (const progress of this.members.values()) oldest = Math.min(oldest, progress.at);
    const due = Math.max(0, oldest + this.stallMs - monotonicMs());
    this.stopTimer = startTimer(() => {
      this.stopTimer = undefined;
      this.look();
      this.arm();
    }, Math.ceil(due));
  }

  /** Abandons every orphan at once (the host process is exiting); returns the bytes dropped. */
  abandonAll(): number {
    let dropped = 0;
    for (const orphan of [...this.members.keys()]) {
      dropped += orphan.unsentBytes();
      this.members.delete(orphan);
      orphan.abandon();
    }
    this.disarm();
    return dropped;
  }

  private disarm(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  /** Notes progress, and abandons every orphan stalled for the whole bound. */
  private look(): void {
    const now = monotonicMs();
    const bound = this.stallMs ?? Infinity;
    for (const [orphan, progress] of [...this.members]) {
      const unsent = orphan.unsentBytes();
      if (unsent < progress.unsent) {
        progress.unsent = unsent;
        progress.at = now;
      } else if (now - progress.at >= bound) {
        this.members.delete(orphan);
        orphan.abandon();
      }
    }
  }
}
