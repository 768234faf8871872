/**
 * Stream endpoints (TCP over IPv4/IPv6, unix): bind, listen, connect.
 * A successful connect turns the endpoint into a {@link MemoryStreamConnection}
 * pair; from then on the endpoint holds nothing and its close() is a no-op
 * (unless onConnect has not been delivered yet: then the new connection is
 * reset, as the core has given up on it).
 */
import type { Domain, InetAddress, SocketAddress, UnixAddress } from '../address.js';
import { E, fail } from '../errno.js';
import type { BindOptions, ConnectEvents, StreamConnection, StreamEndpoint } from '../provider.js';
import { MemoryStreamConnection } from './connection.js';
import {
  ANY4,
  ANY6,
  checkUnixPath,
  isLoopback,
  isUnspecified,
  isValidPort,
  loopbackOf,
  present,
  routeTarget,
  toIp,
  type Ip,
} from './inet.js';
import type { MemoryNetwork, UnixNode } from './network.js';
import { scopeOf, scopeOfSource, selectBinding, type PortBinding } from './ports.js';

type EndpointState = 'idle' | 'bound' | 'listening' | 'connecting' | 'connected' | 'closed';

interface InetBound {
  readonly binding: PortBinding<object>;
  readonly address: InetAddress;
}

interface UnixBound {
  readonly node: UnixNode;
  readonly address: UnixAddress;
}

const UNNAMED: UnixAddress = { family: 'unix', path: '' };

export class MemoryStreamEndpoint implements StreamEndpoint {
  /** The endpoint's address family. */
  readonly domain: Domain;
  readonly #network: MemoryNetwork;
  readonly #capacity: number;
  #state: EndpointState = 'idle';
  #inet: InetBound | undefined;
  #unix: UnixBound | undefined;
  #onConnection: ((connection: StreamConnection) => void) | undefined;
  #backlog = 0;
  /** A connection made but not yet handed to onConnect. */
  #pending: MemoryStreamConnection | undefined;

  /** @internal Use {@link MemoryProvider.createStream}. */
  constructor(network: MemoryNetwork, domain: Domain, capacity: number) {
    this.#network = network;
    this.domain = domain;
    this.#capacity = capacity;
    network.counters.endpoints++;
  }

  /** The backlog last passed to listen() (recorded only: every connection is accepted). */
  get backlog(): number {
    return this.#backlog;
  }

  bind(address: SocketAddress, options: BindOptions): SocketAddress {
    this.#checkOpen();
    if (this.#state !== 'idle') fail(E.EINVAL, 'already bound');
    if (this.domain === 'unix') {
      if (address.family !== 'unix') fail(E.EINVAL);
      if (checkUnixPath(address.path)) fail(E.EINVAL, 'unix path too long');
      const node = address.path === '' ? this.#network.autobindUnix(this) : this.#network.bindUnix(address.path, this);
      this.#unix = { node, address: { family: 'unix', path: node.path } };
      this.#state = 'bound';
      return this.#unix.address;
    }
    if (address.family === 'unix') fail(E.EAFNOSUPPORT);
    const family = this.domain;
    const ip = toIp(address, family);
    if (typeof ip === 'number') fail(ip);
    if (!isValidPort(address.port)) fail(E.EINVAL, 'bad port');
    if (family === 'ipv6' && ip.v === 4 && options.ipv6Only) fail(E.EINVAL, 'IPv4-mapped address on an IPV6_V6ONLY socket');
    if (!isUnspecified(ip) && !isLoopback(ip)) fail(E.EADDRNOTAVAIL);
    const flags = { reuseAddr: options.reuseAddr, reusePort: options.reusePort };
    const binding = this.#network.tcp.bind(
      address.port,
      scopeOf(family, ip, options.ipv6Only),
      flags,
      family === 'ipv4' ? 4 : 6,
      this,
      E.EADDRINUSE,
    );
    this.#inet = { binding, address: present(ip, binding.port, family) };
    this.#state = 'bound';
    return this.#inet.address;
  }

  listen(backlog: number, onConnection: (connection: StreamConnection) => void, _onError: (errno: number) => void): SocketAddress {
    this.#checkOpen();
    if (this.#state === 'connecting' || this.#state === 'connected') fail(E.EINVAL);
    this.#backlog = backlog;
    if (this.#state === 'listening') {
      this.#onConnection = onConnection;
      return (this.#inet?.address ?? this.#unix?.address) as SocketAddress;
    }
    if (this.domain === 'unix') {
      if (!this.#unix) fail(E.EINVAL, 'unix listen needs a bound address');
    } else if (!this.#inet) {
      const any = this.domain === 'ipv4' ? ANY4 : ANY6;
      this.bind({ family: this.domain, address: any, port: 0 }, { reuseAddr: false, reusePort: false, ipv6Only: false });
    }
    if (this.#inet) this.#network.tcp.listen(this.#inet.binding);
    this.#state = 'listening';
    this.#onConnection = onConnection;
    this.#network.counters.listeners++;
    return (this.#inet?.address ?? this.#unix?.address) as SocketAddress;
  }

  connect(address: SocketAddress, events: ConnectEvents): void {
    this.#checkOpen();
    if (this.#state === 'listening') fail(E.EINVAL);
    if (this.#state === 'connecting') fail(E.EALREADY);
    if (this.#state === 'connected') fail(E.EISCONN);
    const before = this.#state;
    this.#state = 'connecting';
    this.#network.defer(() => {
      if (this.#state !== 'connecting') return; // closed meanwhile
      const errno = this.domain === 'unix' ? this.#connectUnix(address, events) : this.#connectInet(address, events);
      if (errno !== 0) {
        this.#state = before;
        events.onError(errno);
      }
    });
  }

  close(): void {
    const state = this.#state;
    if (state === 'closed') return;
    this.#state = 'closed';
    if (state === 'connected') {
      // The core gave up before onConnect: abort the new connection.
      this.#pending?.reset();
      this.#pending = undefined;
      return;
    }
    const counters = this.#network.counters;
    counters.endpoints--;
    if (state === 'listening') counters.listeners--;
    if (this.#inet) this.#network.tcp.release(this.#inet.binding);
    if (this.#unix) this.#network.releaseUnix(this.#unix.node);
    this.#inet = undefined;
    this.#unix = undefined;
    this.#onConnection = undefined;
  }

  #checkOpen(): void {
    if (this.#state === 'closed') fail(E.EBADF);
  }

  /** Routes a TCP connect; returns 0 once the connection exists, else the errno. */
  #connectInet(address: SocketAddress, events: ConnectEvents): number {
    const net = this.#network;
    const family = this.domain as 'ipv4' | 'ipv6';
    if (address.family === 'unix') return E.EAFNOSUPPORT;
    const dest = toIp(address, family);
    if (typeof dest === 'number') return dest;
    if (!isValidPort(address.port)) return E.EINVAL;
    const target = routeTarget(dest);
    if (!isLoopback(target)) return E.ENETUNREACH;

    // Source: the bound address, or an ephemeral port on loopback.
    let binding = this.#inet?.binding;
    const implicit = binding === undefined;
    let source: Ip;
    if (binding) {
      const mine = target.v === 4 ? binding.v4 : binding.v6;
      if (mine === null) return E.ENETUNREACH;
      source = mine === ANY4 || mine === ANY6 ? loopbackOf(target.v) : { v: target.v, addr: mine };
    } else {
      source = loopbackOf(target.v);
      try {
        binding = net.tcp.bind(0, scopeOfSource(source), { reuseAddr: false, reusePort: false }, family === 'ipv4' ? 4 : 6, this, E.EADDRNOTAVAIL);
      } catch {
        return E.EADDRNOTAVAIL;
      }
    }

    const listenerBinding = selectBinding(
      net.tcp.match(address.port, target).filter((b) => b.listening && b.owner instanceof MemoryStreamEndpoint && b.owner.#state === 'listening'),
      (b) => b.score(target),
      () => net.nextRoundRobin(),
    );
    if (!listenerBinding) {
      if (implicit) net.tcp.release(binding);
      return E.ECONNREFUSED;
    }
    const listener = listenerBinding.owner as MemoryStreamEndpoint;
    const serverFamily = listener.domain as 'ipv4' | 'ipv6';
    const port = address.port;

    net.tcp.narrow(binding, scopeOfSource(source));
    const accepted = net.tcp.attach(port, scopeOfSource(target), listenerBinding.flags, listenerBinding.family, listener);
    const clientBinding = binding;
    const [client, server] = MemoryStreamConnection.pair(
      net,
      {
        localAddress: present(source, clientBinding.port, family),
        remoteAddress: present(target, port, family),
        capacity: this.#capacity,
        release: () => net.tcp.release(clientBinding),
      },
      {
        localAddress: present(target, port, serverFamily),
        remoteAddress: present(source, clientBinding.port, serverFamily),
        capacity: listener.#capacity,
        release: () => net.tcp.release(accepted),
      },
    );
    clientBinding.owner = client;
    accepted.owner = server;
    this.#established(client, events);
    listener.#hand(server);
    return 0;
  }

  /** Routes a unix connect; returns 0 once the connection exists, else the errno. */
  #connectUnix(address: SocketAddress, events: ConnectEvents): number {
    if (address.family !== 'unix') return E.EINVAL;
    const path = address.path;
    if (path === '' || checkUnixPath(path)) return E.EINVAL;
    const node = this.#network.findUnix(path);
    if (!node) return path.startsWith('\0') ? E.ECONNREFUSED : E.ENOENT;
    const listener = node.owner;
    if (!(listener instanceof MemoryStreamEndpoint) || listener.#state !== 'listening') return E.ECONNREFUSED;
    const net = this.#network;
    const mine = this.#unix;
    const local = mine?.address ?? UNNAMED;
    const remote: UnixAddress = { family: 'unix', path };
    const [client, server] = MemoryStreamConnection.pair(
      net,
      {
        localAddress: local,
        remoteAddress: remote,
        capacity: this.#capacity,
        release: () => {
          if (mine) net.releaseUnix(mine.node);
        },
      },
      { localAddress: remote, remoteAddress: local, capacity: listener.#capacity, release: () => {} },
    );
    if (mine) mine.node.owner = client;
    this.#established(client, events);
    listener.#hand(server);
    return 0;
  }

  /** The endpoint's handle is now the connection's: it holds nothing more. */
  #established(client: MemoryStreamConnection, events: ConnectEvents): void {
    this.#state = 'connected';
    this.#inet = undefined;
    this.#unix = undefined;
    this.#network.counters.endpoints--;
    this.#pending = client;
    this.#network.defer(() => {
      if (this.#pending !== client) return; // closed before it got here
      this.#pending = undefined;
      events.onConnect(client);
    });
  }

  /** Hands an accepted connection (paused: not started) to the listener, later. */
  #hand(server: MemoryStreamConnection): void {
    this.#network.defer(() => {
      const onConnection = this.#onConnection;
      // A listener closed meanwhile resets what it had not accepted, as Linux does.
      if (this.#state !== 'listening' || !onConnection) server.reset();
      else onConnection(server);
    });
  }
}
