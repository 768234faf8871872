/**
 * DatagramHandle over a host UDP socket (see udp-backend.ts). Translation
 * only: addresses to Node's strings, errors to errno, and socket options set
 * before bind held until the host socket exists (libuv creates the socket at
 * bind, Linux at socket()).
 */
import { E, ErrnoError, type BindOptions, type DatagramEvents, type DatagramHandle, type InetAddress } from '@rawsock/core';
import { hostOf, inetFromHost, sameInet, unspecified } from './addresses.js';
import { createUdpBackend, type HostAddress, type UdpBackend } from './udp-backend.js';

const DEFAULT_BIND: BindOptions = { reuseAddr: false, reusePort: false, ipv6Only: false };

/** A UDP socket that stays unconnected in the host; the core filters and addresses datagrams. */
export class NodeDatagram implements DatagramHandle {
  protected readonly backend: UdpBackend;
  protected closed = false;
  private bound = false;
  /** Option calls made before bind, replayed on the host socket once it exists. */
  private readonly beforeBind: Array<(b: UdpBackend) => void> = [];
  /** The last destination and its host form (target). */
  private lastTo: InetAddress | null = null;
  private lastTarget: { host: string; port: number } = { host: '', port: 0 };
  /** The last sender as the host reported it and as an address (fromHost). */
  private lastFromHost = '';
  private lastFrom: InetAddress | null = null;

  constructor(protected readonly family: 'ipv4' | 'ipv6') {
    this.backend = createUdpBackend(family);
  }

  bind(address: InetAddress, options: BindOptions): InetAddress {
    this.assertOpen();
    // The host picks the socket family from the address; Linux bind(2) on a
    // socket of the other family fails this way.
    if (address.family !== this.family) throw new ErrnoError(E.EAFNOSUPPORT, 'address family does not match socket');
    const out = this.backend.bind(hostOf(address), address.port, options);
    this.bound = true;
    for (const apply of this.beforeBind.splice(0)) apply(this.backend);
    return this.fromHost(out);
  }

  start(events: DatagramEvents): void {
    this.assertOpen();
    this.backend.start(
      (data, from) => events.onMessage(data, this.fromHost(from)),
      (errno) => events.onError(errno),
    );
  }

  send(data: Uint8Array, to: InetAddress, done: (errno: number) => void): void {
    if (this.closed) {
      process.nextTick(done, E.EBADF);
      return;
    }
    try {
      this.ensureBound();
    } catch (err) {
      process.nextTick(done, err instanceof ErrnoError ? err.errno : E.EIO);
      return;
    }
    this.backend.send(data, this.target(to), done);
  }

  /** The destination to pass to the host; null means "the connected peer". */
  protected target(to: InetAddress): { host: string; port: number } | null {
    // Kept for the last destination object: the core hands the same one back
    // while a program keeps sending to one peer (addresses are immutable).
    if (to !== this.lastTo) {
      this.lastTo = to;
      this.lastTarget = { host: hostOf(to), port: to.port };
    }
    return this.lastTarget;
  }

  pause(): void {
    if (!this.closed) this.backend.pause();
  }

  resume(): void {
    if (!this.closed) this.backend.resume();
  }

  setBroadcast(enable: boolean): void {
    this.option((b) => b.setBroadcast(enable));
  }
  setTTL(ttl: number): void {
    this.option((b) => b.setTTL(ttl));
  }
  setMulticastTTL(ttl: number): void {
    this.option((b) => b.setMulticastTTL(ttl));
  }
  setMulticastLoopback(enable: boolean): void {
    this.option((b) => b.setMulticastLoopback(enable));
  }
  addMembership(group: string, iface?: string): void {
    this.option((b) => b.addMembership(group, iface));
  }
  dropMembership(group: string, iface?: string): void {
    this.option((b) => b.dropMembership(group, iface));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backend.close();
  }

  private option(apply: (b: UdpBackend) => void): void {
    this.assertOpen();
    if (this.bound) apply(this.backend);
    else this.beforeBind.push(apply);
  }

  protected ensureBound(): void {
    this.assertOpen();
    if (!this.bound) this.bind(unspecified(this.family), DEFAULT_BIND);
  }

  protected assertOpen(): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'datagram socket closed');
  }

  protected fromHost(info: HostAddress): InetAddress {
    const host = info.address ?? unspecified(this.family).address;
    const port = info.port ?? 0;
    // A repeated sender gets the same (immutable) address object: no parse
    // per datagram, and the core's sockaddr encoding is reused with it.
    const last = this.lastFrom;
    if (last && host === this.lastFromHost && port === last.port) return last;
    const from = inetFromHost(host, port);
    this.lastFromHost = host;
    this.lastFrom = from;
    return from;
  }
}

/**
 * A UDP socket that also connects in the host, so the kernel filters other
 * senders and reports ICMP errors (ECONNREFUSED) for the peer. libuv then
 * refuses a send to any other address with EISCONN, where Linux would send it
 * (uv__udp_check_before_send in libuv's src/unix/udp.c).
 */
export class KernelConnectedDatagram extends NodeDatagram {
  private peer: InetAddress | null = null;

  connect(address: InetAddress): InetAddress {
    // connect(2) on an unbound UDP socket binds it to the wildcard first.
    this.ensureBound();
    this.backend.connect(hostOf(address), address.port);
    this.peer = address;
    // getsockname now reports the source address the route picked.
    return this.fromHost(this.backend.address());
  }

  disconnect(): void {
    this.assertOpen();
    if (!this.peer) return;
    this.backend.disconnect();
    this.peer = null;
  }

  protected override target(to: InetAddress): { host: string; port: number } | null {
    return this.peer && sameInet(this.peer, to) ? null : super.target(to);
  }
}
