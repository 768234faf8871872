/**
 * StreamEndpoint: a TCP or unix stream socket before it listens or connects.
 *
 * Deno has no bind-without-listen: `Deno.listen` binds and listens in one
 * synchronous call, and `Deno.connect` takes no local address. So bind()
 * calls Deno.listen at once — the port is reserved and reported, and a
 * conflict is EADDRINUSE right there, as on Linux — and holds the listener
 * without accepting until listen(). What differs from Linux:
 *
 * - Between bind() and listen() the kernel already completes connections
 *   into the backlog (Linux refuses them with ECONNREFUSED); listen() then
 *   accepts them. Closing without listening resets them.
 * - connect() after bind() releases the bound address and connects from an
 *   ephemeral port (or, for unix, unnamed): Deno.connect cannot choose the
 *   source address.
 * - The backlog is fixed at bind time (Deno's default, 511).
 * - Deno removes a unix socket's file when the socket closes (Linux leaves it).
 *
 * https://docs.deno.com/api/deno/~/Deno.listen
 * https://docs.deno.com/api/deno/~/Deno.connect
 */
import {
  E,
  ErrnoError,
  formatAddress,
  type BindOptions,
  type ConnectEvents,
  type Domain,
  type SocketAddress,
  type StreamConnection,
  type StreamEndpoint,
} from '@rawsock/core';
import { addressKey, fromDenoAddr, hostnameOf, UNNAMED, unspecified } from './addresses.ts';
import type { DenoConn, DenoListener, DenoNamespace } from './deno-api.ts';
import { abortController, delay } from './deno-api.ts';
import type { ErrorMapper } from './errors.ts';
import { DenoStreamConnection } from './stream-connection.ts';

const WILDCARD_BIND: BindOptions = { reuseAddr: false, reusePort: false, ipv6Only: false };

/** What a stream endpoint needs from its provider. */
export interface StreamHost {
  readonly deno: DenoNamespace;
  readonly errors: ErrorMapper;
  /** Deno.listen accepts `reusePort` (it needs --unstable-net). */
  readonly reusePort: boolean;
}

/**
 * One host listener holding a local address. Linux lets sockets that all
 * set SO_REUSEADDR share a port while none of them listens; a Deno listener
 * is already listening, so a second Deno.listen on the port fails. Sockets
 * of this process that may share therefore share the one host listener,
 * and whichever calls listen() first accepts from it. (Sockets of other
 * processes cannot share; they get EADDRINUSE, as for a listening port.)
 */
class Reservation {
  listenerHolder: DenoStreamEndpoint | null = null;
  readonly holders = new Set<DenoStreamEndpoint>();

  constructor(
    public listener: DenoListener | null,
    readonly address: SocketAddress,
    readonly key: string,
    /** The first holder set SO_REUSEADDR (Linux needs it on both sides). */
    readonly reuseAddr: boolean,
    private readonly reopen: () => DenoListener,
  ) {}

  /** A new socket with SO_REUSEADDR may join while nobody listens. */
  shareable(): boolean {
    return this.reuseAddr && this.listenerHolder === null;
  }

  /** The host listener, re-created if a departed listener took it away. */
  ensureListener(): DenoListener {
    this.listener ??= this.reopen();
    return this.listener;
  }

  closeListener(): void {
    const l = this.listener;
    this.listener = null;
    try {
      l?.close();
    } catch {
      // Already closed.
    }
  }

  /**
   * Sockets still bound here keep the address: re-create the host listener
   * after a departed listening socket took it away. Deno frees the port only
   * once the old listener's pending accept() has settled, so this is tried at
   * once and again when that accept settles (see acceptLoop).
   */
  refill(): void {
    if (this.listener || this.holders.size === 0) return;
    try {
      this.ensureListener();
    } catch {
      // Not free yet, or someone else took the port; listen() will report it.
    }
  }
}

/** The addresses this process's unlistened-or-listening stream sockets hold, by exact address. */
const reservations = new Map<string, Reservation>();

export class DenoStreamEndpoint implements StreamEndpoint {
  private reservation: Reservation | null = null;
  /** Set once the endpoint listened or connected. */
  private used = false;
  private closed = false;
  /** The in-flight connect, so close() can cancel it. */
  private connecting: { abort(): void } | null = null;

  constructor(
    private readonly domain: Domain,
    private readonly host: StreamHost,
  ) {}

  bind(address: SocketAddress, options: BindOptions): SocketAddress {
    this.assertOpen();
    // Linux bind(2) with an address of another family fails this way.
    if (address.family !== this.domain) throw new ErrnoError(E.EAFNOSUPPORT, 'address family does not match socket');
    if (this.reservation || this.used) throw new ErrnoError(E.EINVAL, 'socket already bound');
    const open = () => this.openListener(address, options);
    let listener: DenoListener;
    try {
      listener = open();
    } catch (err) {
      const shared = err instanceof ErrnoError && err.errno === E.EADDRINUSE ? this.joinShared(address, options) : null;
      if (shared) return shared;
      throw err;
    }
    const local = fromDenoAddr(listener.addr, address);
    const key = addressKey(local);
    // The first bind reports the port Deno chose; a re-created listener asks for that port.
    const reservation = new Reservation(listener, local, key, options.reuseAddr, () => this.openListener(local, options));
    reservation.holders.add(this);
    reservations.set(key, reservation);
    this.reservation = reservation;
    return local;
  }

  listen(
    _backlog: number,
    onConnection: (connection: StreamConnection) => void,
    onError: (errno: number) => void,
  ): SocketAddress {
    this.assertOpen();
    if (this.used) throw new ErrnoError(E.EINVAL, 'socket already in use');
    // Linux listen(2) binds an unbound TCP socket to the wildcard; an unbound unix one is EINVAL (unix(7)).
    if (!this.reservation) {
      if (this.domain === 'unix') throw new ErrnoError(E.EINVAL, 'unix socket not bound');
      this.bind(unspecified(this.domain), WILDCARD_BIND);
    }
    const r = this.reservation as Reservation;
    if (r.listenerHolder && r.listenerHolder !== this) throw new ErrnoError(E.EADDRINUSE, 'another socket listens on this address');
    const listener = r.ensureListener();
    r.listenerHolder = this;
    this.used = true;
    void this.acceptLoop(r, listener, onConnection, onError);
    return r.address;
  }

  connect(address: SocketAddress, events: ConnectEvents): void {
    this.assertOpen();
    if (this.used) throw new ErrnoError(E.EINVAL, 'socket already in use');
    // Deno.connect cannot connect from a bound address: give the address back
    // (so the port is not left listening) and connect from an ephemeral one.
    const wasBound = this.reservation !== null;
    this.leaveReservation();
    this.used = true;
    const controller = abortController();
    const token = { abort: () => controller.abort() };
    this.connecting = token;
    const { deno, errors } = this.host;
    const attempt: Promise<DenoConn> = new Promise((resolve) =>
      resolve(
        address.family === 'unix'
          ? deno.connect({ transport: 'unix', path: address.path })
          : deno.connect({ transport: 'tcp', hostname: hostnameOf(address), port: address.port, signal: controller.signal }),
      ),
    );
    attempt.then(
      (conn) => {
        if (this.connecting !== token) {
          // Closed mid-connect: neither callback fires.
          closeQuietly(conn);
          return;
        }
        this.connecting = null;
        const connection =
          address.family === 'unix'
            ? new DenoStreamConnection(conn, UNNAMED, address, errors)
            : new DenoStreamConnection(conn, fromDenoAddr(conn.localAddr, unspecified(address.family)), fromDenoAddr(conn.remoteAddr, address), errors);
        events.onConnect(connection);
      },
      (err: unknown) => {
        if (this.connecting !== token) return;
        this.connecting = null;
        // An unbound endpoint may try again with a fresh host socket; a bound
        // one gave its address up for this attempt.
        if (!wasBound) this.used = false;
        events.onError(errors.errno(err, `connect ${formatAddress(address)}`, E.ECONNREFUSED));
      },
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leaveReservation();
    const pending = this.connecting;
    this.connecting = null;
    pending?.abort();
  }

  // ---------------------------------------------------------------- internals

  private openListener(address: SocketAddress, options: BindOptions): DenoListener {
    const { deno, errors, reusePort } = this.host;
    try {
      if (address.family === 'unix') return deno.listen({ transport: 'unix', path: address.path });
      // Deno.listen sets SO_REUSEADDR on every TCP listener; IPV6_V6ONLY is
      // not settable (a `::` listener is dual-stack, Linux's default).
      return deno.listen({
        transport: 'tcp',
        hostname: hostnameOf(address),
        port: address.port,
        ...(options.reusePort && reusePort ? { reusePort: true } : {}),
      });
    } catch (err) {
      throw errors.error(err, `bind ${formatAddress(address)}`, E.EINVAL);
    }
  }

  /** Joins another in-process socket's reservation of exactly this address, if Linux would let them share. */
  private joinShared(address: SocketAddress, options: BindOptions): SocketAddress | null {
    if (address.family === 'unix' || address.port === 0 || !options.reuseAddr) return null;
    const r = reservations.get(addressKey(address));
    if (!r || !r.shareable()) return null;
    r.holders.add(this);
    this.reservation = r;
    return r.address;
  }

  private leaveReservation(): void {
    const r = this.reservation;
    if (!r) return;
    this.reservation = null;
    r.holders.delete(this);
    if (r.listenerHolder === this) {
      // The listening socket goes, and with it the connections in its backlog
      // (closing the host listener resets them, as Linux's close does).
      r.listenerHolder = null;
      r.closeListener();
    }
    if (r.holders.size === 0) {
      r.closeListener();
      if (reservations.get(r.key) === r) reservations.delete(r.key);
      return;
    }
    r.refill();
  }

  private async acceptLoop(
    r: Reservation,
    listener: DenoListener,
    onConnection: (connection: StreamConnection) => void,
    onError: (errno: number) => void,
  ): Promise<void> {
    const { errors } = this.host;
    const live = () => !this.closed && r.listenerHolder === this && r.listener === listener;
    while (live()) {
      let conn: DenoConn;
      try {
        conn = await listener.accept();
      } catch (err) {
        if (!live()) {
          // The listener is closed and its port now free in the host.
          r.refill();
          return;
        }
        const errno = errors.errno(err, 'accept', E.ECONNABORTED);
        if (errno === E.EBADF) return;
        onError(errno);
        // EMFILE and friends repeat at once; let the program close something first.
        await delay(50);
        continue;
      }
      if (!live()) {
        closeQuietly(conn);
        return;
      }
      // An accepted unix socket's local name is the listener's; its peer is
      // unnamed unless it bound (Deno reports path null then).
      const connection =
        r.address.family === 'unix'
          ? new DenoStreamConnection(conn, r.address, fromDenoAddr(conn.remoteAddr, UNNAMED), errors)
          : new DenoStreamConnection(
              conn,
              fromDenoAddr(conn.localAddr, unspecified(r.address.family)),
              fromDenoAddr(conn.remoteAddr, unspecified(r.address.family)),
              errors,
            );
      // Handed over paused: nothing is read until the core calls start().
      onConnection(connection);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'socket closed');
  }
}

function closeQuietly(conn: DenoConn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/** Test hook: how many addresses this process's stream sockets hold. @internal */
export function heldAddressCount(): number {
  return reservations.size;
}
