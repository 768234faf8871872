/**
 * UDP handles: a bound port, a receive queue bounded in bytes (datagrams
 * that do not fit are dropped, as a full kernel queue drops them), optional
 * connect (filters other senders; an unreachable peer reports ECONNREFUSED
 * like ICMP port unreachable), broadcast and multicast on the one host.
 */
import type { InetAddress } from '../address.js';
import { E, fail } from '../errno.js';
import type { BindOptions, DatagramEvents, DatagramHandle } from '../provider.js';
import {
  ANY4,
  ANY6,
  BROADCAST4,
  isLoopback,
  isMulticast,
  isUnspecified,
  isValidPort,
  loopbackOf,
  MAX_UDP4_PAYLOAD,
  MAX_UDP6_PAYLOAD,
  present,
  routeTarget,
  sameIp,
  toIp,
  type Ip,
} from './inet.js';
import type { MemoryNetwork } from './network.js';
import { scopeOf, selectBinding, type PortBinding } from './ports.js';

interface Queued {
  readonly data: Uint8Array;
  readonly from: Ip;
  readonly port: number;
}

interface Peer {
  readonly ip: Ip;
  readonly port: number;
}

/** What a datagram costs in the receive queue: its length, at least 1 so empty datagrams are bounded too. */
function cost(data: Uint8Array): number {
  return Math.max(1, data.length);
}

/** A small deterministic hash of a source address and port. */
function flowHash(from: Peer): number {
  let h = from.port;
  for (let i = 0; i < from.ip.addr.length; i++) h = (Math.imul(h, 31) + from.ip.addr.charCodeAt(i)) | 0;
  return h >>> 0;
}

export class MemoryDatagramHandle implements DatagramHandle {
  /** The socket's address family. */
  readonly family: 'ipv4' | 'ipv6';
  readonly #network: MemoryNetwork;
  readonly #capacity: number;
  #binding: PortBinding<object> | undefined;
  #ipv6Only = false;
  #peer: Peer | undefined;
  #events: DatagramEvents | undefined;
  #paused = false;
  #closed = false;
  #queue: Queued[] = [];
  #queueHead = 0;
  #queuedBytes = 0;
  #deliveryScheduled = false;
  #dropped = 0;
  readonly #groups = new Set<string>();
  #broadcast = false;
  #ttl = 64;
  #multicastTTL = 1;
  #multicastLoopback = true;

  /** @internal Use {@link MemoryProvider.createDatagram}. */
  constructor(network: MemoryNetwork, family: 'ipv4' | 'ipv6', capacity: number) {
    this.#network = network;
    this.family = family;
    this.#capacity = capacity;
    network.counters.datagrams++;
  }

  /** Datagrams dropped because the receive queue was full. */
  get dropped(): number {
    return this.#dropped;
  }
  /** Bytes waiting in the receive queue. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }
  /** SO_BROADCAST as set. */
  get broadcast(): boolean {
    return this.#broadcast;
  }
  /** The unicast TTL as set. */
  get ttl(): number {
    return this.#ttl;
  }
  /** The multicast TTL as set. */
  get multicastTTL(): number {
    return this.#multicastTTL;
  }
  /** Multicast loopback as set. */
  get multicastLoopback(): boolean {
    return this.#multicastLoopback;
  }
  /** Groups joined, as canonical address text. */
  get memberships(): readonly string[] {
    return [...this.#groups];
  }

  bind(address: InetAddress, options: BindOptions): InetAddress {
    this.#checkOpen();
    if (this.#binding) fail(E.EINVAL, 'already bound');
    const ip = toIp(address, this.family);
    if (typeof ip === 'number') fail(ip);
    if (!isValidPort(address.port)) fail(E.EINVAL, 'bad port');
    if (this.family === 'ipv6' && ip.v === 4 && options.ipv6Only) fail(E.EINVAL, 'IPv4-mapped address on an IPV6_V6ONLY socket');
    const broadcast = ip.v === 4 && ip.addr === BROADCAST4;
    if (!isUnspecified(ip) && !isLoopback(ip) && !isMulticast(ip) && !broadcast) fail(E.EADDRNOTAVAIL);
    this.#binding = this.#network.udp.bind(
      address.port,
      scopeOf(this.family, ip, options.ipv6Only),
      { reuseAddr: options.reuseAddr, reusePort: options.reusePort },
      this.family === 'ipv4' ? 4 : 6,
      this,
      E.EADDRINUSE,
    );
    this.#ipv6Only = this.family === 'ipv6' && options.ipv6Only;
    return present(ip, this.#binding.port, this.family);
  }

  start(events: DatagramEvents): void {
    this.#checkOpen();
    if (this.#events) fail(E.EINVAL, 'already started');
    this.#events = events;
    this.#kick();
  }

  connect(address: InetAddress): void {
    this.#checkOpen();
    const ip = toIp(address, this.family);
    if (typeof ip === 'number') fail(ip);
    if (!isValidPort(address.port)) fail(E.EINVAL, 'bad port');
    if (this.family === 'ipv6' && ip.v === 4 && this.#ipv6Only) fail(E.ENETUNREACH);
    const target = routeTarget(ip);
    if (!isLoopback(target) && !isMulticast(target)) fail(E.ENETUNREACH);
    if (!this.#binding) this.#autobind();
    this.#peer = { ip: target, port: address.port };
  }

  disconnect(): void {
    this.#peer = undefined;
  }

  /** `done` is called later (even if the handle is closed by then) with 0 or the errno. */
  send(data: Uint8Array, to: InetAddress, done: (errno: number) => void): void {
    let errno: number;
    let refused = false;
    try {
      refused = this.#send(data, to);
      errno = 0;
    } catch (err) {
      errno = (err as { errno?: number }).errno ?? E.EIO;
    }
    this.#network.defer(() => done(errno));
    if (refused) {
      this.#network.defer(() => {
        if (!this.#closed) this.#events?.onError(E.ECONNREFUSED);
      });
    }
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#kick();
  }

  /** Stores SO_BROADCAST (the virtual network does not route broadcasts). */
  setBroadcast(enable: boolean): void {
    this.#broadcast = enable;
  }

  /** Stores the unicast TTL. */
  setTTL(ttl: number): void {
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) fail(E.EINVAL);
    this.#ttl = ttl;
  }

  /** Stores the multicast TTL. */
  setMulticastTTL(ttl: number): void {
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) fail(E.EINVAL);
    this.#multicastTTL = ttl;
  }

  /** Stores multicast loopback. */
  setMulticastLoopback(enable: boolean): void {
    this.#multicastLoopback = enable;
  }

  /** Joins `group` (the interface is accepted and ignored: there is one). EINVAL if not multicast, EADDRINUSE if joined. */
  addMembership(group: string, _iface?: string): void {
    this.#checkOpen();
    const key = this.#group(group);
    if (this.#groups.has(key)) fail(E.EADDRINUSE);
    this.#groups.add(key);
  }

  /** Leaves `group`; EADDRNOTAVAIL if not joined. */
  dropMembership(group: string, _iface?: string): void {
    this.#checkOpen();
    if (!this.#groups.delete(this.#group(group))) fail(E.EADDRNOTAVAIL);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#network.counters.datagrams--;
    if (this.#binding) this.#network.udp.release(this.#binding);
    this.#binding = undefined;
    this.#events = undefined;
    this.#queue = [];
    this.#queueHead = 0;
    this.#queuedBytes = 0;
    this.#groups.clear();
  }

  #checkOpen(): void {
    if (this.#closed) fail(E.EBADF);
  }

  /** Canonical text of a multicast group this handle may join (an IPv6 handle may also join IPv4 groups). */
  #group(group: string): string {
    const family = group.includes(':') ? 'ipv6' : 'ipv4';
    const ip = toIp({ family, address: group, port: 0 }, family);
    if (typeof ip === 'number' || !isMulticast(ip)) fail(E.EINVAL, 'not a multicast group');
    if (this.family === 'ipv4' && ip.v === 6) fail(E.EINVAL);
    return ip.addr;
  }

  #autobind(): void {
    try {
      this.bind({ family: this.family, address: this.family === 'ipv4' ? ANY4 : ANY6, port: 0 }, { reuseAddr: false, reusePort: false, ipv6Only: false });
    } catch {
      fail(E.EAGAIN);
    }
  }

  /** Routes one datagram; throws the errno. Returns true if it met a closed port while connected to it (ICMP). */
  #send(data: Uint8Array, to: InetAddress): boolean {
    this.#checkOpen();
    const dest = toIp(to, this.family);
    if (typeof dest === 'number') fail(dest);
    if (!isValidPort(to.port) || to.port === 0) fail(E.EINVAL);
    if (this.family === 'ipv6' && dest.v === 4 && this.#ipv6Only) fail(E.ENETUNREACH);
    if (data.length > (dest.v === 4 ? MAX_UDP4_PAYLOAD : MAX_UDP6_PAYLOAD)) fail(E.EMSGSIZE);
    const target = routeTarget(dest);
    const broadcast = target.v === 4 && target.addr === BROADCAST4;
    const multicast = isMulticast(target);
    if (broadcast && !this.#broadcast) fail(E.EACCES);
    if (!broadcast && !multicast && !isLoopback(target)) fail(E.ENETUNREACH);
    if (!this.#binding) this.#autobind();
    const binding = this.#binding as PortBinding<object>;
    const mine = target.v === 4 ? binding.v4 : binding.v6;
    if (mine === null) fail(E.ENETUNREACH);
    const bound: Ip = { v: target.v, addr: mine };
    const source = isLoopback(bound) ? bound : loopbackOf(target.v);
    const from: Peer = { ip: source, port: binding.port };

    const candidates: MemoryDatagramHandle[] = [];
    const bindings: PortBinding<object>[] = [];
    for (const b of this.#network.udp.match(to.port, target)) {
      const h = b.owner;
      if (h instanceof MemoryDatagramHandle && !h.#closed && h.#accepts(from)) {
        candidates.push(h);
        bindings.push(b);
      }
    }
    if (broadcast || multicast) {
      if (multicast && !this.#multicastLoopback) return false;
      const members = multicast ? candidates.filter((h) => h.#groups.has(target.addr)) : candidates;
      members.forEach((h, i) => h.#enqueue(i === 0 ? data : data.slice(), from));
      return false;
    }
    // Connected handles outrank bound ones, as in Linux's UDP lookup; an
    // SO_REUSEPORT group is chosen by a hash of the source, so a flow sticks.
    const chosen = selectBinding(
      bindings,
      (b) => b.score(target) + ((b.owner as MemoryDatagramHandle).#peer ? 8 : 0),
      () => flowHash(from),
    );
    if (chosen) {
      (chosen.owner as MemoryDatagramHandle).#enqueue(data, from);
      return false;
    }
    const peer = this.#peer;
    return peer !== undefined && peer.port === to.port && sameIp(peer.ip, target);
  }

  /** A connected handle takes datagrams from its peer only. */
  #accepts(from: Peer): boolean {
    const peer = this.#peer;
    return !peer || (peer.port === from.port && sameIp(peer.ip, from.ip));
  }

  #enqueue(data: Uint8Array, from: Peer): void {
    if (this.#closed) return;
    const c = cost(data);
    if (this.#queue.length > this.#queueHead && this.#queuedBytes + c > this.#capacity) {
      this.#dropped++;
      return;
    }
    this.#queue.push({ data, from: from.ip, port: from.port });
    this.#queuedBytes += c;
    this.#kick();
  }

  #kick(): void {
    if (this.#deliveryScheduled || !this.#events || this.#paused || this.#queue.length === this.#queueHead) return;
    this.#deliveryScheduled = true;
    this.#network.defer(() => this.#deliver());
  }

  #deliver(): void {
    this.#deliveryScheduled = false;
    while (!this.#closed && !this.#paused && this.#queueHead < this.#queue.length) {
      const events = this.#events;
      if (!events) return;
      const item = this.#queue[this.#queueHead] as Queued;
      this.#queue[this.#queueHead++] = undefined as unknown as Queued;
      this.#queuedBytes -= cost(item.data);
      if (this.#queueHead === this.#queue.length) {
        this.#queue = [];
        this.#queueHead = 0;
      } else if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#queueHead);
        this.#queueHead = 0;
      }
      events.onMessage(item.data, present(item.from, item.port, this.family));
    }
  }
}
