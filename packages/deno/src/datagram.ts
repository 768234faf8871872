/**
 * DatagramHandle over Deno.listenDatagram (UDP), which Deno 2 offers only
 * with --unstable-net. The bind is synchronous; receiving is pulled (one
 * `receive()` at a time, none while paused, so a full core queue leaves
 * datagrams to the kernel, which drops them when its own queue fills, as
 * Linux does); sends go out one at a time, in order.
 *
 * What Deno's DatagramConn lacks, and what this handle does about it:
 * - No connect(): the core filters and addresses connected sockets itself
 *   (so ICMP errors such as ECONNREFUSED are not reported).
 * - No SO_BROADCAST (Deno's UDP sockets never have it, Linux's default),
 *   no unicast TTL, and multicast TTL/loopback only at bind or through a
 *   group membership: a value other than the socket's current one is
 *   refused (ENOPROTOOPT) rather than silently dropped.
 * - No IPV6_V6ONLY: a `::` socket is dual-stack, Linux's default.
 * - SO_REUSEADDR becomes Deno's `reuseAddress`, which sets SO_REUSEADDR and
 *   SO_REUSEPORT together; there is no SO_REUSEPORT on its own.
 *
 * https://docs.deno.com/api/deno/~/Deno.listenDatagram
 */
import { E, ErrnoError, formatAddress, type BindOptions, type DatagramEvents, type DatagramHandle, type InetAddress } from '@rawsock/core';
import { fromDenoAddr, hostnameOf, unspecified } from './addresses.ts';
import type { DenoDatagramConn, DenoMembership, DenoNamespace } from './deno-api.ts';
import { delay, microtask } from './deno-api.ts';
import type { ErrorMapper } from './errors.ts';

/** Larger than any UDP payload (65507 over IPv4, 65527 over IPv6), so nothing is cut here. */
const RECEIVE_SIZE = 65536;
/** Linux's default unicast TTL / hop limit (net.ipv4.ip_default_ttl). */
const DEFAULT_TTL = 64;

export const UNSTABLE_NET_MESSAGE =
  'UDP on Deno needs Deno.listenDatagram, which Deno 2 offers only with the --unstable-net flag (or "unstable": ["net"] in deno.json)';

interface PendingSend {
  readonly data: Uint8Array;
  readonly to: InetAddress;
  readonly done: (errno: number) => void;
}

export interface DatagramHost {
  readonly deno: DenoNamespace;
  readonly errors: ErrorMapper;
}

export class DenoDatagram implements DatagramHandle {
  private conn: DenoDatagramConn | null = null;
  private events: DatagramEvents | null = null;
  private paused = false;
  private receiving = false;
  private scratch: Uint8Array | null = null;
  private closed = false;
  private readonly sends: PendingSend[] = [];
  private sending = false;
  /** Joined groups by `group|iface`; each resolves to Deno's membership, or null if the join failed. */
  private readonly memberships = new Map<string, Promise<DenoMembership | null>>();
  /** The host socket's multicast settings: Linux defaults, which bind() asks Deno for. */
  private multicastTtl = 1;
  private multicastLoop = true;

  constructor(
    private readonly family: 'ipv4' | 'ipv6',
    private readonly host: DatagramHost,
  ) {}

  bind(address: InetAddress, options: BindOptions): InetAddress {
    this.assertOpen();
    if (address.family !== this.family) throw new ErrnoError(E.EAFNOSUPPORT, 'address family does not match socket');
    if (this.conn) throw new ErrnoError(E.EINVAL, 'already bound');
    const { deno, errors } = this.host;
    if (typeof deno.listenDatagram !== 'function') throw new ErrnoError(E.EAFNOSUPPORT, UNSTABLE_NET_MESSAGE);
    try {
      this.conn = deno.listenDatagram({
        transport: 'udp',
        hostname: hostnameOf(address),
        port: address.port,
        reuseAddress: options.reuseAddr,
        // Deno's default is off; Linux's IP_MULTICAST_LOOP default is on.
        loopback: true,
      });
    } catch (err) {
      throw errors.error(err, `bind ${formatAddress(address)}`, E.EINVAL);
    }
    return fromDenoAddr(this.conn.addr, address) as InetAddress;
  }

  start(events: DatagramEvents): void {
    this.assertOpen();
    if (this.events) return;
    this.events = events;
    this.pull();
  }

  send(data: Uint8Array, to: InetAddress, done: (errno: number) => void): void {
    if (this.closed) {
      microtask(() => done(E.EBADF));
      return;
    }
    if (!this.conn) {
      // connect/sendto on an unbound socket binds the wildcard first (the core normally has).
      try {
        this.bind(unspecified(this.family), { reuseAddr: false, reusePort: false, ipv6Only: false });
      } catch (err) {
        const errno = err instanceof ErrnoError ? err.errno : E.EIO;
        microtask(() => done(errno));
        return;
      }
    }
    this.sends.push({ data, to, done });
    void this.flush();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pull();
  }

  setBroadcast(enable: boolean): void {
    this.assertOpen();
    // Deno's UDP sockets keep Linux's default (off) and Deno offers no way to set it.
    if (enable) throw new ErrnoError(E.ENOPROTOOPT, 'Deno has no API for SO_BROADCAST');
  }

  setTTL(ttl: number): void {
    this.assertOpen();
    if (ttl !== DEFAULT_TTL) throw new ErrnoError(E.ENOPROTOOPT, 'Deno has no API for the unicast TTL / hop limit');
  }

  setMulticastTTL(ttl: number): void {
    this.assertOpen();
    if (ttl !== this.multicastTtl) throw new ErrnoError(E.ENOPROTOOPT, 'Deno sets the multicast TTL only through a membership');
  }

  setMulticastLoopback(enable: boolean): void {
    this.assertOpen();
    if (enable !== this.multicastLoop) throw new ErrnoError(E.ENOPROTOOPT, 'Deno sets multicast loopback only at bind or through a membership');
  }

  /**
   * Deno joins asynchronously; a failure (ENODEV for an unknown interface,
   * ...) is reported through onError, so the program sees it as SO_ERROR on
   * its next call. The core has already refused a duplicate join.
   */
  addMembership(group: string, iface?: string): void {
    this.assertOpen();
    const conn = this.requireConn();
    const key = `${group}|${iface ?? ''}`;
    let join: Promise<DenoMembership>;
    if (this.family === 'ipv4') {
      join = conn.joinMulticastV4(group, iface ?? '0.0.0.0');
    } else {
      if (iface !== undefined && !/^\d+$/.test(iface)) throw new ErrnoError(E.ENODEV, `interface ${iface}`);
      join = conn.joinMulticastV6(group, iface === undefined ? 0 : Number(iface));
    }
    const entry: Promise<DenoMembership | null> = join.then(
      (m) => m,
      (err: unknown) => {
        if (this.memberships.get(key) === entry) this.memberships.delete(key);
        if (!this.closed) this.events?.onError(this.host.errors.errno(err, `join ${group}`, E.EADDRNOTAVAIL));
        return null;
      },
    );
    this.memberships.set(key, entry);
  }

  dropMembership(group: string, iface?: string): void {
    this.assertOpen();
    const key = `${group}|${iface ?? ''}`;
    const joined = this.memberships.get(key);
    if (!joined) throw new ErrnoError(E.EADDRNOTAVAIL, `not a member of ${group}`);
    this.memberships.delete(key);
    void joined.then((m) =>
      m?.leave().catch((err: unknown) => {
        if (!this.closed) this.events?.onError(this.host.errors.errno(err, `leave ${group}`, E.EADDRNOTAVAIL));
      }),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events = null;
    this.memberships.clear();
    // Sends not yet handed to Deno fail; the one in flight may still complete.
    const dropped = this.sends.splice(0);
    if (dropped.length) microtask(() => dropped.forEach((s) => s.done(E.EBADF)));
    try {
      this.conn?.close();
    } catch {
      // Already closed.
    }
  }

  // ---------------------------------------------------------------- internals

  private pull(): void {
    if (!this.events || !this.conn || this.paused || this.receiving || this.closed) return;
    this.receiving = true;
    void this.receiveLoop(this.conn);
  }

  private async receiveLoop(conn: DenoDatagramConn): Promise<void> {
    try {
      while (!this.paused && !this.closed && this.events) {
        let data: Uint8Array;
        let from: InetAddress;
        try {
          const [received, addr] = await conn.receive((this.scratch ??= new Uint8Array(RECEIVE_SIZE)));
          // Copy out of the reused 64 KiB buffer: the core keeps each datagram.
          data = received.slice();
          from = fromDenoAddr(addr, unspecified(this.family)) as InetAddress;
        } catch (err) {
          if (this.closed) return;
          const errno = this.host.errors.errno(err, 'receive', E.EIO);
          this.events?.onError(errno);
          if (errno === E.EBADF || errno === E.EINTR) return;
          // An error that repeats at once must not spin the event loop.
          await delay(10);
          continue;
        }
        if (this.closed) return;
        // A receive in flight when pause() came is still delivered (the core drops it if full).
        this.events?.onMessage(data, from);
      }
    } finally {
      this.receiving = false;
    }
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.sends.length > 0 && this.conn) {
        const next = this.sends.shift() as PendingSend;
        let errno = 0;
        try {
          await this.conn.send(next.data, { transport: 'udp', hostname: hostnameOf(next.to), port: next.to.port });
        } catch (err) {
          errno = this.host.errors.errno(err, `send to ${formatAddress(next.to)}`, E.EIO);
        }
        next.done(errno);
      }
    } finally {
      this.sending = false;
    }
  }

  private requireConn(): DenoDatagramConn {
    if (!this.conn) throw new ErrnoError(E.EINVAL, 'datagram socket not bound');
    return this.conn;
  }

  private assertOpen(): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'datagram socket closed');
  }
}
