/**
 * A virtual host with only a loopback interface: the TCP and UDP port
 * tables, the unix-socket namespace, a hosts table for lookups, and the
 * scheduler every event on it goes through. Providers that share one
 * network are processes on one machine.
 */
import { canonicalIP, ipVersion } from '../address.js';
import { E, fail } from '../errno.js';
import { PortTable } from './ports.js';
import { Scheduler } from './scheduler.js';

/** Counts of what is open on a network; all zero (but `unixPaths`) once everything is closed. */
export interface MemoryNetworkStats {
  /** Stream endpoints not closed and not yet turned into a connection (listeners included). */
  readonly endpoints: number;
  /** Of those, the listening ones. */
  readonly listeners: number;
  /** Connection sides (two per connection) not yet released. */
  readonly connections: number;
  /** Datagram handles not closed. */
  readonly datagrams: number;
  /** TCP ports held (by endpoints and connection sides). */
  readonly tcpBindings: number;
  /** UDP ports held. */
  readonly udpBindings: number;
  /** Unix addresses held by a live socket. */
  readonly unixBindings: number;
  /** Filesystem unix paths that exist, live or left behind by a closed socket (see {@link MemoryNetwork.unlink}). */
  readonly unixPaths: number;
  /** Events caused but not yet delivered. */
  readonly pendingEvents: number;
}

/** An entry of the unix namespace. `owner` is null for a socket file left behind. */
export interface UnixNode {
  readonly path: string;
  owner: object | null;
}

/** @internal Live-object counters the socket classes maintain. */
export interface NetworkCounters {
  endpoints: number;
  listeners: number;
  connections: number;
  datagrams: number;
}

function hostKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** A virtual network: the ports, listeners and unix paths that MemoryProviders sharing it can reach. */
export class MemoryNetwork {
  /** @internal */
  readonly scheduler = new Scheduler();
  /** @internal */
  readonly tcp = new PortTable<object>();
  /** @internal */
  readonly udp = new PortTable<object>();
  /** @internal */
  readonly counters: NetworkCounters = { endpoints: 0, listeners: 0, connections: 0, datagrams: 0 };
  readonly #unix = new Map<string, UnixNode>();
  readonly #hosts = new Map<string, readonly string[]>();
  #roundRobin = 0;
  #autobind = 0;

  /**
   * Makes `name` resolve to `addresses` (IP literals; order kept) for every
   * provider on this network. Overrides the built-in `localhost`.
   * Throws EINVAL for an empty list or a non-literal.
   */
  addHost(name: string, addresses: readonly string[]): void {
    const key = hostKey(name);
    if (key === '' || addresses.length === 0) fail(E.EINVAL, 'addHost needs a name and at least one address');
    const list = addresses.map((a) => {
      if (ipVersion(a) === 0) fail(E.EINVAL, `not an IP address: ${a}`);
      return canonicalIP(a);
    });
    this.#hosts.set(key, list);
  }

  /** Forgets a name added with {@link addHost}; true if it was there. */
  removeHost(name: string): boolean {
    return this.#hosts.delete(hostKey(name));
  }

  /** @internal The addresses registered for `name`, if any. */
  hostAddresses(name: string): readonly string[] | undefined {
    return this.#hosts.get(hostKey(name));
  }

  /**
   * Removes a filesystem unix path, like unlink(2) on a socket file: it can
   * be bound again, and connecting to it gives ENOENT. A socket still bound
   * to it stays open but can no longer be reached by the path. Abstract
   * names cannot be unlinked. True if the path existed.
   */
  unlink(path: string): boolean {
    if (path.startsWith('\0')) return false;
    return this.#unix.delete(path);
  }

  /** What is open right now; use it to assert that nothing leaked. */
  stats(): MemoryNetworkStats {
    let unixBindings = 0;
    let unixPaths = 0;
    for (const node of this.#unix.values()) {
      if (node.owner) unixBindings++;
      if (!node.path.startsWith('\0')) unixPaths++;
    }
    return {
      ...this.counters,
      tcpBindings: this.tcp.size,
      udpBindings: this.udp.size,
      unixBindings,
      unixPaths,
      pendingEvents: this.scheduler.pending,
    };
  }

  /** Resolves once every event caused so far has been delivered. */
  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle();
  }

  /** @internal Runs `job` later, after everything already queued. */
  defer(job: () => void): void {
    this.scheduler.defer(job);
  }

  /** @internal A counter for SO_REUSEPORT round-robin. */
  nextRoundRobin(): number {
    return this.#roundRobin++;
  }

  /** @internal Binds a unix address; EADDRINUSE if it exists (live or left behind). */
  bindUnix(path: string, owner: object): UnixNode {
    if (this.#unix.has(path)) fail(E.EADDRINUSE);
    const node: UnixNode = { path, owner };
    this.#unix.set(path, node);
    return node;
  }

  /** @internal Linux autobind: an abstract name of five hex digits. */
  autobindUnix(owner: object): UnixNode {
    for (let i = 0; i < 0x100000; i++) {
      const path = `\0${(this.#autobind++ & 0xfffff).toString(16).padStart(5, '0')}`;
      if (!this.#unix.has(path)) return this.bindUnix(path, owner);
    }
    return fail(E.ENOSPC);
  }

  /** @internal The node at `path`, if any. */
  findUnix(path: string): UnixNode | undefined {
    return this.#unix.get(path);
  }

  /** @internal Lets go of a unix address: an abstract name disappears, a path stays behind. */
  releaseUnix(node: UnixNode): void {
    if (this.#unix.get(node.path) !== node) return;
    if (node.path.startsWith('\0')) this.#unix.delete(node.path);
    else node.owner = null;
  }
}
