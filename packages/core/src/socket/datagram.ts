/**
 * A SOCK_DGRAM socket (UDP) with Linux's observable behaviour: udp(7),
 * datagram_poll and udp_recvmsg in the kernel. Message boundaries are kept,
 * a short read truncates (MSG_TRUNC), a connected socket only hears its peer.
 */
import { canonicalIP, isWildcard, type InetAddress, type SocketAddress } from '../address.js';
import type { Binding } from '../bind-registry.js';
import { DatagramQueue } from '../buffers.js';
import { copyOut } from '../copy-slab.js';
import {
  MSG_PEEK,
  MSG_TRUNC,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLOUT,
  POLLRDHUP,
  POLLRDNORM,
  POLLWRBAND,
  POLLWRNORM,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SOCK_DGRAM,
  UDP_MAX_PAYLOAD_V4,
  UDP_MAX_PAYLOAD_V6,
} from '../constants.js';
import { E, fail } from '../errno.js';
import type { DatagramHandle } from '../provider.js';
import { SocketBase, unboundAddress, type CoreContext } from './base.js';
import type { SocketOptionState } from './options-state.js';

/** What recvfrom/recvmsg learn besides the bytes. */
export interface DatagramReceipt {
  /** The return value of recv: bytes copied, or the full length with MSG_TRUNC in flags. */
  readonly result: number;
  /** The datagram was longer than the buffer (msg_flags MSG_TRUNC). */
  readonly truncated: boolean;
  /** The sender (an unnamed unix address for a socketpair end). */
  readonly from: SocketAddress;
}

/**
 * The source address Linux's route lookup gives a datagram to `dest` when
 * `dest` is a loopback address (the `lo` routes: `local 127.0.0.0/8 ... src
 * 127.0.0.1`, and ::1), or undefined. Other routes are the host's to know
 * (DatagramHandle.connect).
 */
export function loopbackSource(dest: InetAddress): string | undefined {
  const ip = canonicalIP(dest.address);
  if (dest.family === 'ipv4') return /^127\./.test(ip) ? '127.0.0.1' : undefined;
  if (ip === '::1') return '::1';
  return /^::ffff:127\./.test(ip) ? '::ffff:127.0.0.1' : undefined;
}

/**
 * Broadcast destinations every Linux host routes as broadcast (RTCF_BROADCAST):
 * the limited broadcast 255.255.255.255 and lo's 127.255.255.255 (plain or
 * v4-mapped). Other subnets' broadcast addresses are the host's to refuse
 * (reported late, like any host send error).
 */
function knownBroadcast(dest: InetAddress): boolean {
  const ip = canonicalIP(dest.address).replace(/^::ffff:(?=\d+\.)/, '');
  return ip === '255.255.255.255' || ip === '127.255.255.255';
}

function sameEndpoint(a: InetAddress, b: InetAddress): boolean {
  return a.port === b.port && canonicalIP(a.address) === canonicalIP(b.address);
}

/** A SOCK_DGRAM socket (UDP): bound/connected state, the receive queue and datagram options. */
export class DatagramSocket extends SocketBase {
  private handle: DatagramHandle | undefined;
  private local: InetAddress | undefined;
  private peer: InetAddress | undefined;
  private binding: Binding | undefined;
  /** The receive queue: datagrams not yet read, each with its sender. */
  protected readonly rx: DatagramQueue;
  private paused = false;
  private txInFlight = 0;
  /** bind() was called (Linux's SOCK_BINDPORT_LOCK): the port survives a disconnect. */
  private explicitBind = false;
  /** The last sendto destination and whether it is a known broadcast address (isKnownBroadcast). */
  private lastDest: InetAddress | undefined;
  private lastDestBroadcast = false;

  /** @internal Sockets are made by the table (socket(2)), not directly. */
  constructor(ctx: CoreContext, domain: 'ipv4' | 'ipv6' | 'unix', protocol: number) {
    super(ctx, domain, SOCK_DGRAM, protocol);
    this.rx = new DatagramQueue(ctx.budget);
  }

  private get family(): 'ipv4' | 'ipv6' {
    return this.domain as 'ipv4' | 'ipv6';
  }

  /**
   * The receive queue's capacity in payload bytes: SO_RCVBUF if set, else
   * {@link CoreLimits.datagramReceiveBytes}. A datagram that would go over it
   * is dropped unless the queue is empty.
   */
  protected receiveLimit(): number {
    return this.opts.rcvbuf || this.ctx.limits.datagramReceiveBytes;
  }

  private sendLimit(): number {
    return this.opts.sndbuf || this.ctx.limits.streamSendBytes;
  }

  // ---------------------------------------------------------------- bind / connect

  /** bind(2). Throws ErrnoError EINVAL, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, EACCES. */
  bind(address: InetAddress): void {
    if (this.local) fail(E.EINVAL);
    this.permit('bind', address);
    this.bindHost(address);
    this.explicitBind = true;
    this.transition('bound', 'bind');
  }

  /** Reserves `address` in the host and the registry (no policy check: autobind uses it too). */
  private bindHost(address: InetAddress): void {
    const binding: Binding = {
      protocol: 'udp',
      address,
      reuseAddr: this.opts.reuseAddr,
      reusePort: this.opts.reusePort,
      v6Only: this.opts.v6Only,
      listening: false,
    };
    if (address.port !== 0 && !this.ctx.bindings.admits(binding)) fail(E.EADDRINUSE);
    const handle = this.ctx.provider.createDatagram(this.family);
    let bound: InetAddress;
    try {
      bound = handle.bind(address, { reuseAddr: this.opts.reuseAddr, reusePort: this.opts.reusePort, ipv6Only: this.opts.v6Only });
    } catch (e) {
      handle.close();
      throw e;
    }
    this.handle = handle;
    this.local = bound;
    this.binding = { ...binding, address: bound };
    this.ctx.bindings.add(this.binding);
    handle.start({
      onMessage: (data, from) => this.onMessage(data, from),
      onError: (errno) => this.setError(errno),
      // __udp4_lib_err: without IP_RECVERR only a connected socket hears ICMP errors.
      onIcmpError: (errno) => {
        if (this.peer && this.state !== 'closed') this.setError(errno);
      },
    });
    try {
      this.applyHostOptions();
    } catch {
      // Options set before bind were accepted then; a host that cannot
      // apply one (a runtime gap, see the provider's deviations) must not
      // undo the bind itself.
    }
  }

  /** Linux binds an unbound UDP socket to the wildcard and an ephemeral port on first use. */
  private autobind(): void {
    if (!this.local) {
      // An implicit bind exposes nothing a policy governs: what arrives is checked as 'accept'.
      this.bindHost(unboundAddress(this.family) as InetAddress);
      this.explicitBind = false;
      this.transition('bound', 'autobind');
    }
  }

  /** connect(2): sets the default destination and filters other senders. */
  connect(address: InetAddress): void {
    this.permit('connect', address);
    this.autobind();
    this.peer = address;
    const local = this.handle?.connect?.(address);
    if (local) this.local = local;
    // getsockname after connect reports the route's source address (udp(7)):
    // a host that does not connect UDP in the kernel cannot say it; for
    // loopback destinations Linux's answer is fixed.
    const source = this.local && isWildcard(this.local) ? loopbackSource(address) : undefined;
    if (this.local && source) this.local = { ...this.local, address: source };
    this.transition('connected', 'connect');
  }

  /**
   * connect(2) with AF_UNSPEC: dissolves the association. Like Linux's
   * __udp_disconnect, an autobound socket also loses its port (getsockname
   * then reports port 0); an explicitly bound one keeps it.
   */
  disconnect(): void {
    if (!this.peer) return;
    this.peer = undefined;
    this.handle?.disconnect?.();
    if (!this.explicitBind) {
      this.releaseHandle();
      this.transition('fresh', 'disconnect (autobound port released)');
      return;
    }
    if (this.binding) this.local = this.binding.address as InetAddress;
    this.transition('bound', 'disconnect');
  }

  private releaseHandle(): void {
    this.handle?.close();
    this.handle = undefined;
    this.local = undefined;
    this.ctx.bindings.remove(this.binding);
    this.binding = undefined;
    this.rx.clear();
  }

  // ---------------------------------------------------------------- data path

  private onMessage(data: Uint8Array, from: InetAddress): void {
    if (this.state === 'closed') return;
    if (this.peer && !sameEndpoint(from, this.peer)) return;
    if (!this.admitsPeer(from)) return;
    const limit = this.receiveLimit();
    // A full receive queue drops, as the kernel's does; so does a full table budget.
    if ((this.rx.bytes + data.byteLength > limit || this.ctx.budget.exhausted) && this.rx.count > 0) return;
    this.rx.push({ data, from });
    this.arrivals++;
    if (!this.paused && this.rx.bytes >= limit) {
      this.paused = true;
      this.handle?.pause();
    }
    this.changed();
  }

  /** sendto(2). `to` undefined means "the connected peer". Returns bytes sent. */
  send(data: Uint8Array, to: InetAddress | undefined, _flags: number): number {
    if (this.shutWr) fail(E.EPIPE);
    const err = this.takeError();
    if (err) fail(err);
    const dest = to ?? this.peer;
    if (!dest) fail(E.EDESTADDRREQ);
    // udp_sendmsg: a destination port of 0 is EINVAL.
    if (dest.port === 0) fail(E.EINVAL);
    const max = Math.min(this.family === 'ipv4' ? UDP_MAX_PAYLOAD_V4 : UDP_MAX_PAYLOAD_V6, this.ctx.limits.maxDatagramBytes);
    if (data.byteLength > max) fail(E.EMSGSIZE);
    // udp_sendmsg: a broadcast route without SO_BROADCAST is EACCES.
    if (!this.opts.broadcast && this.isKnownBroadcast(dest)) fail(E.EACCES);
    this.permit('sendto', dest);
    if (this.txInFlight > 0 && this.txInFlight + data.byteLength > this.sendLimit()) fail(E.EAGAIN);
    this.autobind();
    const handle = this.handle as DatagramHandle;
    const chunk = copyOut(data, data.byteLength, this.ctx.provider);
    this.txInFlight += chunk.byteLength;
    handle.send(chunk, dest, (errno) => {
      this.txInFlight -= chunk.byteLength;
      // The host reports send failures late; Linux would have returned them
      // from sendto itself, so the next call on this socket sees them.
      if (errno && this.state !== 'closed') this.setError(errno);
      else this.changed();
    });
    return data.byteLength;
  }

  /** knownBroadcast(dest), remembered for the last destination object (a program's sendto repeats it: SendtoMemo). */
  private isKnownBroadcast(dest: InetAddress): boolean {
    if (dest !== this.lastDest) {
      this.lastDest = dest;
      this.lastDestBroadcast = knownBroadcast(dest);
    }
    return this.lastDestBroadcast;
  }

  /** True when recvfrom(2) could only say EAGAIN (nothing queued, no error): answered without a throw. */
  recvWouldBlock(): boolean {
    return this.pendingError === 0 && this.rx.peek() === undefined;
  }

  /** recvfrom(2). Throws EAGAIN when no datagram is queued. */
  recv(dest: Uint8Array, flags: number): DatagramReceipt {
    const next = this.rx.peek();
    if (!next) {
      const err = this.takeError();
      fail(err || E.EAGAIN);
    }
    const n = Math.min(dest.byteLength, next.data.byteLength);
    dest.set(next.data.subarray(0, n));
    if ((flags & MSG_PEEK) === 0) {
      this.rx.shift();
      if (this.paused && this.rx.bytes < this.receiveLimit() / 2) {
        this.paused = false;
        this.handle?.resume();
      }
      this.changedWithoutRise();
    }
    const truncated = next.data.byteLength > n;
    return { result: flags & MSG_TRUNC ? next.data.byteLength : n, truncated, from: next.from };
  }

  // ---------------------------------------------------------------- shutdown / close

  /** shutdown(2). Throws ErrnoError ENOTCONN, EINVAL. */
  shutdown(how: number): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) fail(E.EINVAL);
    // inet_shutdown sets the bits even when it then says ENOTCONN.
    if (how !== SHUT_WR) this.shutRd = true;
    if (how !== SHUT_RD) this.shutWr = true;
    this.changed();
    if (!this.peer) fail(E.ENOTCONN);
  }

  destroy(): void {
    if (this.state === 'closed') return;
    this.releaseHandle();
    this.markClosed('close');
  }

  // ---------------------------------------------------------------- queries

  pollMask(): number {
    if (this.state === 'closed') return 0;
    let mask = 0;
    if (this.pendingError) mask |= POLLERR;
    if (this.shutRd) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (this.shutRd && this.shutWr) mask |= POLLHUP;
    if (this.rx.count > 0) mask |= POLLIN | POLLRDNORM;
    if (this.txInFlight < this.sendLimit()) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
  }

  localAddress(): SocketAddress {
    return this.local ?? unboundAddress(this.family);
  }

  peerAddress(): SocketAddress {
    if (!this.peer) fail(E.ENOTCONN);
    return this.peer;
  }

  /** FIONREAD on UDP: the size of the next datagram (udp_ioctl SIOCINQ). */
  readableBytes(): number {
    return this.rx.peek()?.data.byteLength ?? 0;
  }

  /** @internal Applies an option to the host after setsockopt stored it. */
  applyOption(name: keyof SocketOptionState): void {
    if (name === 'rcvbuf' && this.paused && this.rx.bytes < this.receiveLimit() / 2) {
      this.paused = false;
      this.handle?.resume();
    }
    if (this.handle) this.applyHostOption(this.handle, name);
  }

  /** Options set before bind reach the host once it has a handle. */
  private applyHostOptions(): void {
    const h = this.handle;
    if (!h) return;
    if (this.opts.broadcast) this.applyHostOption(h, 'broadcast');
    if (this.opts.ttl !== -1 || this.opts.unicastHops !== -1) this.applyHostOption(h, 'ttl');
    if (this.opts.multicastTtl !== 1 || this.opts.multicastHops !== 1) this.applyHostOption(h, 'multicastTtl');
    if (!this.opts.multicastLoop || !this.opts.multicastLoop6) this.applyHostOption(h, 'multicastLoop');
    for (const key of this.opts.memberships) {
      const [group, iface] = key.split('|') as [string, string];
      h.addMembership(group, iface || undefined);
    }
  }

  private applyHostOption(h: DatagramHandle, name: keyof SocketOptionState): void {
    const v6 = this.family === 'ipv6';
    switch (name) {
      case 'broadcast':
        h.setBroadcast(this.opts.broadcast);
        break;
      case 'ttl':
      case 'unicastHops': {
        const ttl = v6 ? this.opts.unicastHops : this.opts.ttl;
        h.setTTL(ttl === -1 ? 64 : ttl);
        break;
      }
      case 'multicastTtl':
      case 'multicastHops':
        h.setMulticastTTL(v6 ? this.opts.multicastHops : this.opts.multicastTtl);
        break;
      case 'multicastLoop':
      case 'multicastLoop6':
        h.setMulticastLoopback(v6 ? this.opts.multicastLoop6 : this.opts.multicastLoop);
        break;
      default:
        break;
    }
  }

  /** Joins or leaves a multicast group (IP_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_GROUP). */
  membership(join: boolean, group: string, iface: string | undefined): void {
    const key = `${group}|${iface ?? ''}`;
    const has = this.opts.memberships.has(key);
    if (join && has) fail(E.EADDRINUSE);
    if (!join && !has) fail(E.EADDRNOTAVAIL);
    if (join) {
      this.opts.memberships.add(key);
      this.handle?.addMembership(group, iface);
    } else {
      this.opts.memberships.delete(key);
      this.handle?.dropMembership(group, iface);
    }
  }
}
