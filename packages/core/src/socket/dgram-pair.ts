/**
 * socketpair(AF_UNIX, SOCK_DGRAM): two datagram sockets joined in memory,
 * delivering synchronously like Linux's (af_unix.c unix_dgram_sendmsg).
 * Each end is a DatagramSocket for every reader of the table (recv,
 * truncation, MSG_PEEK, FIONREAD are the same); what differs is here:
 * sending puts the datagram straight into the other end's queue, a full
 * queue there is EAGAIN for the sender (and no POLLOUT), and once the other
 * end is closed the next send is ECONNREFUSED, later ones ENOTCONN.
 */
import type { SocketAddress } from '../address.js';
import { POLLOUT, POLLWRBAND, POLLWRNORM, SHUT_RD, SHUT_RDWR, SHUT_WR } from '../constants.js';
import { E, fail } from '../errno.js';
import type { CoreContext } from './base.js';
import { DatagramSocket, type DatagramReceipt } from './datagram.js';

const UNNAMED: SocketAddress = { family: 'unix', path: '' };

export class PairedDatagramSocket extends DatagramSocket {
  /** The other end; cleared by the send that finds it closed (unix_dgram_disconnected). */
  private other: PairedDatagramSocket | undefined;

  private constructor(ctx: CoreContext) {
    super(ctx, 'unix', 0);
    this.transition('connected', 'socketpair');
  }

  /** Two connected ends. */
  static pair(ctx: CoreContext): [PairedDatagramSocket, PairedDatagramSocket] {
    const a = new PairedDatagramSocket(ctx);
    const b = new PairedDatagramSocket(ctx);
    a.other = b;
    b.other = a;
    return [a, b];
  }

  /** A datagram of `bytes` does not fit this end's queue (Linux counts the sender's buffer and the receiver's queue; one limit here). */
  private full(bytes: number): boolean {
    return this.rx.count > 0 && (this.rx.bytes + bytes > this.receiveLimit() || this.ctx.budget.exhausted);
  }

  override send(data: Uint8Array, to: SocketAddress | undefined, _flags: number): number {
    if (this.shutWr) fail(E.EPIPE);
    const err = this.takeError();
    if (err) fail(err);
    // Naming a destination on a pair end would look the path up; the ends only know each other.
    if (to) fail(E.EOPNOTSUPP);
    const peer = this.other;
    if (!peer) fail(E.ENOTCONN);
    if (peer.state === 'closed') {
      this.other = undefined;
      this.changed();
      fail(E.ECONNREFUSED);
    }
    if (data.byteLength > this.ctx.limits.maxDatagramBytes) fail(E.EMSGSIZE);
    if (peer.full(data.byteLength)) fail(E.EAGAIN);
    // The reader may have shut down reading: Linux still queues (unix dgram has no RCV_SHUTDOWN check).
    peer.rx.push({ data: data.slice(), from: UNNAMED });
    peer.arrivals++;
    peer.changed();
    return data.byteLength;
  }

  override recv(dest: Uint8Array, flags: number): DatagramReceipt {
    const r = super.recv(dest, flags);
    // Room in this queue may make the other end writable again.
    this.other?.changed();
    return r;
  }

  override pollMask(): number {
    const mask = super.pollMask();
    const peer = this.other;
    // unix_writable: writable while at most a quarter of the buffer is in use.
    if (peer && peer.state !== 'closed' && peer.rx.bytes * 4 > peer.receiveLimit()) return mask & ~(POLLOUT | POLLWRNORM | POLLWRBAND);
    return mask;
  }

  /** Linux's unix_shutdown: the flags only; the other end of a datagram pair is not told. */
  override shutdown(how: number): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) fail(E.EINVAL);
    if (how !== SHUT_WR) this.shutRd = true;
    if (how !== SHUT_RD) this.shutWr = true;
    this.changed();
  }

  // A pair end keeps its unnamed address and its peer: binding a path or
  // connecting elsewhere would need the unix datagram transport no runtime offers.
  override bind(): void {
    fail(E.EOPNOTSUPP);
  }

  override connect(): void {
    fail(E.EOPNOTSUPP);
  }

  override disconnect(): void {
    fail(E.EOPNOTSUPP);
  }

  override localAddress(): SocketAddress {
    return UNNAMED;
  }

  override peerAddress(): SocketAddress {
    if (!this.other) fail(E.ENOTCONN);
    return UNNAMED;
  }

  override destroy(): void {
    const peer = this.other;
    super.destroy();
    peer?.changed();
  }
}
