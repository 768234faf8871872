/**
 * The host surface a runtime must offer for rawsock's POSIX state machine.
 *
 * A provider translates; it holds no POSIX policy. It never decides what
 * errno a program sees for a state (EISCONN, EALREADY, ENOTCONN, ...) and
 * never buffers without bound on its own: the core does that once, for every
 * runtime. What a runtime cannot do is declared in {@link ProviderCapabilities}
 * and the core turns the gap into the errno Linux would give (or a documented
 * deviation), never a silent fake.
 *
 * Error convention: synchronous methods throw an {@link ErrnoError} (built
 * with {@link errnoFromError}); asynchronous failures arrive as a Linux errno
 * number through the `onError` callback of the events object.
 *
 * Buffers: a provider passes each received chunk to the core and must not
 * reuse its memory afterwards; the core passes each chunk to `write`/`send`
 * and will not touch it again, so a provider may keep it without copying.
 */
import type { Domain, InetAddress, SocketAddress } from './address.js';

/** What a provider can do. The core checks these instead of guessing. */
export interface ProviderCapabilities {
  /** TCP sockets (AF_INET/AF_INET6, SOCK_STREAM). */
  readonly tcp: boolean;
  /** UDP sockets (AF_INET/AF_INET6, SOCK_DGRAM). */
  readonly udp: boolean;
  /** Unix-domain stream sockets with filesystem paths. */
  readonly unix: boolean;
  /** Linux abstract-namespace unix addresses (path starting with NUL). */
  readonly unixAbstract: boolean;
  /** IPv6 sockets. */
  readonly ipv6: boolean;
  /**
   * A stream bind() reserves the address in the host at once and reports the
   * assigned port; conflicts fail synchronously. When false the core records
   * the requested address and the bind takes effect at listen/connect.
   */
  readonly syncStreamBind: boolean;
  /** A connect from a bound endpoint uses the bound source address/port. */
  readonly connectFromBound: boolean;
  /** A datagram bind() takes effect synchronously and reports the port. */
  readonly syncDatagramBind: boolean;
  /** SO_REUSEPORT is honoured by the host. */
  readonly reusePort: boolean;
  /** Broadcast, TTL and multicast settings on datagram sockets. */
  readonly multicast: boolean;
  /** DNS lookups through {@link RawSocketProvider.lookup}. */
  readonly dns: boolean;
}

/** Flags the core passes to a bind. */
export interface BindOptions {
  /** SO_REUSEADDR as the program set it. */
  readonly reuseAddr: boolean;
  /** SO_REUSEPORT as the program set it. */
  readonly reusePort: boolean;
  /** IPV6_V6ONLY as the program set it (IPv6 sockets only). */
  readonly ipv6Only: boolean;
}

/** Callbacks for a connected stream; installed once with {@link StreamConnection.start}. */
export interface StreamEvents {
  /** Bytes from the peer. Called only while not paused (one late chunk after pause() is allowed). */
  onData(chunk: Uint8Array): void;
  /** The peer shut down its sending side (FIN). No onData follows. */
  onEnd(): void;
  /** `bytes` previously passed to write() have left the host's user-space buffer. */
  onWritten(bytes: number): void;
  /** The connection failed (ECONNRESET, EPIPE, ETIMEDOUT, ...). onClose follows. */
  onError(errno: number): void;
  /** The host handle is closed; no callback follows. */
  onClose(): void;
}

/** An established stream connection (TCP or unix) in the host. */
export interface StreamConnection {
  /** Local endpoint, known once established. */
  readonly localAddress: SocketAddress;
  /** Remote endpoint, known once established. */
  readonly remoteAddress: SocketAddress;
  /**
   * True if the connection lets go of a chunk once onWritten has reported
   * all its bytes written: the core may then reuse its memory. Leave it unset if written chunks live on (the
   * in-memory provider hands them to the peer as they are).
   */
  readonly releasesWritten?: boolean;
  /** Installs the callbacks and starts delivery. Data never flows before this. */
  start(events: StreamEvents): void;
  /** Stops delivering data (flow control: the core's receive queue is full). */
  pause(): void;
  /** Resumes delivering data. */
  resume(): void;
  /**
   * Queues bytes for sending. May return how many of them the host handed
   * to the OS at once (libuv, for one, tries the write right away:
   * `uv_try_write`); the rest, and only the rest, is reported later with
   * onWritten. Returning nothing means every byte is reported with
   * onWritten. The core's send limit (SO_SNDBUF) counts the bytes the host
   * holds unwritten. The chunk is the connection's to keep until written
   * (see releasesWritten); returning its whole length says the host keeps
   * no reference to it.
   */
  write(chunk: Uint8Array): number | void;
  /** Sends FIN after the queued bytes (shutdown(SHUT_WR)). */
  end(): void;
  /** Abortive close: RST to the peer, queued bytes dropped (SO_LINGER 0). */
  reset(): void;
  /** Releases the handle after the queued bytes and FIN are sent. */
  close(): void;
  /** TCP_NODELAY. No-op on unix sockets. */
  setNoDelay(enable: boolean): void;
  /** SO_KEEPALIVE with the idle time (TCP_KEEPIDLE) in seconds. No-op on unix sockets. */
  setKeepAlive(enable: boolean, idleSeconds: number): void;
}

/** Callbacks for an outgoing connect. Exactly one of them is called, once. */
export interface ConnectEvents {
  /** The connection is established. */
  onConnect(connection: StreamConnection): void;
  /** A host error, as a Linux errno (e.g. ECONNRESET, ECONNREFUSED, ETIMEDOUT). */
  onError(errno: number): void;
}

/**
 * A stream socket in the host before it is connected or listening: what
 * socket(AF_*, SOCK_STREAM) gives once it needs a host handle.
 */
export interface StreamEndpoint {
  /** Binds synchronously and returns the bound address (port 0 → the assigned port). */
  bind(address: SocketAddress, options: BindOptions): SocketAddress;
  /**
   * Starts listening. Each accepted connection is handed over paused (it
   * delivers nothing until `start`). The core always binds first (it
   * autobinds the wildcard itself); returns the listening address.
   */
  listen(backlog: number, onConnection: (connection: StreamConnection) => void, onError: (errno: number) => void): SocketAddress;
  /** Connects asynchronously; from the bound address if bind() was called. */
  connect(address: SocketAddress, events: ConnectEvents): void;
  /**
   * Releases the host handle (a listening one stops accepting). Idempotent.
   * Closing mid-connect cancels the connect: neither connect callback fires.
   * After onConnect the connection owns the host socket and this is a no-op.
   */
  close(): void;
}

/** Callbacks for a datagram socket; installed once with {@link DatagramHandle.start}. */
export interface DatagramEvents {
  /** One whole datagram and its sender. */
  onMessage(data: Uint8Array, from: InetAddress): void;
  /** An asynchronous error the host reported (e.g. ECONNREFUSED from ICMP). */
  onError(errno: number): void;
  /**
   * An ICMP error report (port or host unreachable, ...) the host read for
   * this socket while it is not connected in the host. The core decides
   * what a program sees: Linux reports these only on a connected socket
   * (udp(7), without IP_RECVERR), so an unconnected one ignores them.
   */
  onIcmpError?(errno: number): void;
}

/** A UDP socket in the host. */
export interface DatagramHandle {
  /** Binds synchronously; returns the bound address. */
  bind(address: InetAddress, options: BindOptions): InetAddress;
  /** Installs callbacks and starts receiving. Called after a successful bind. */
  start(events: DatagramEvents): void;
  /**
   * Optional kernel-level connect (so the host reports ICMP errors such as
   * ECONNREFUSED and filters other senders). The core filters and addresses
   * datagrams itself either way; this only adds the host's error reporting.
   * May return the local address the host chose for the route (getsockname
   * after a UDP connect reports the source address, not the wildcard).
   */
  connect?(address: InetAddress): InetAddress | void;
  /** Undoes {@link DatagramHandle.connect}. */
  disconnect?(): void;
  /** Sends one datagram; `done` receives 0 or a Linux errno. */
  send(data: Uint8Array, to: InetAddress, done: (errno: number) => void): void;
  /** Stops delivery while the core's queue is full (datagrams may then be dropped, as a full kernel queue drops them). */
  pause(): void;
  /** Resumes delivery. */
  resume(): void;
  /** SO_BROADCAST. Throws ErrnoError ENOPROTOOPT where the runtime has no such setting. */
  setBroadcast(enable: boolean): void;
  /** IP_TTL / IPV6_UNICAST_HOPS. Throws ErrnoError ENOPROTOOPT where the runtime cannot set it. */
  setTTL(ttl: number): void;
  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS. Throws ErrnoError ENOPROTOOPT where unsupported. */
  setMulticastTTL(ttl: number): void;
  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP. Throws ErrnoError ENOPROTOOPT where unsupported. */
  setMulticastLoopback(enable: boolean): void;
  /** IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP. Throws ErrnoError EADDRNOTAVAIL, ENODEV or EINVAL. */
  addMembership(group: string, iface?: string): void;
  /** IP_DROP_MEMBERSHIP / IPV6_LEAVE_GROUP. Throws ErrnoError EADDRNOTAVAIL when not a member. */
  dropMembership(group: string, iface?: string): void;
  /** Releases the host handle. Idempotent. A pending send's `done` may still fire. */
  close(): void;
}

/** One result of a name lookup. */
export interface LookupResult {
  /** The address's family. */
  readonly family: 'ipv4' | 'ipv6';
  /** The address, in text form. */
  readonly address: string;
}

/** The host surface for one runtime. */
export interface RawSocketProvider {
  /** Short name for messages: `'node'`, `'deno'`, `'bun'`, `'memory'`. */
  readonly name: string;
  /** What this runtime can do; core answers EOPNOTSUPP/ENOPROTOOPT/EAFNOSUPPORT for the rest. */
  readonly capabilities: ProviderCapabilities;
  /**
   * Called when core refuses a socket because `capabilities` lacks what it
   * needs (the caller gets EAFNOSUPPORT), so the provider can tell the user
   * why and what to do — e.g. Deno's UDP needs --unstable-net. Optional.
   */
  explainUnsupported?(feature: 'tcp' | 'udp' | 'unix' | 'ipv6'): void;
  /** A fresh stream endpoint for the domain. Throws EAFNOSUPPORT if the domain is not supported. */
  createStream(domain: Domain): StreamEndpoint;
  /** A fresh datagram handle. Throws EAFNOSUPPORT if the family is not supported. */
  createDatagram(family: 'ipv4' | 'ipv6'): DatagramHandle;
  /** Resolves a host name; rejects with an ErrnoError (ENOENT for an unknown name). */
  lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any'): Promise<LookupResult[]>;
  /**
   * Memory of `size` bytes for a copy of outgoing bytes the core fills at
   * once, so it need not be zeroed (Node's and Bun's `Buffer.allocUnsafe`).
   * Used for copies of more than 4 KiB; smaller ones share the core's own
   * slabs. Optional: without it the core allocates zeroed arrays.
   */
  allocate?(size: number): Uint8Array;
}
