/**
 * Stream binds on Bun, which has no bind-without-listen (no tcp_wrap, no
 * net.BoundSocket): `Bun.listen` binds and listens in one synchronous call,
 * and `Bun.connect` binds a client only as part of connecting
 * (`localAddress`/`localPort`). Each kind of address gets the closest real
 * reservation Bun allows:
 *
 * - TCP, and abstract unix names: `Bun.listen` at bind() time, so the host
 *   holds the address, reports the port and refuses conflicts at once, as
 *   bind(2) does. Until listen() the listener resets every connection it
 *   gets (Linux refuses them). A connect() from the bound address stops the
 *   listener and lets `Bun.connect` bind the same address.
 * - TCP, second SO_REUSEADDR socket on a port another socket of this
 *   provider holds without listening (Linux lets both bind): recorded here,
 *   bound in the host by listen()/connect().
 * - Unix paths: `Bun.listen` creates the socket file, which is then kept
 *   while the listener is closed, leaving exactly what a bound, not listening
 *   socket leaves on Linux: a socket inode that refuses connections
 *   (ECONNREFUSED) and makes other binds fail (EADDRINUSE). listen() replaces
 *   it with a listening socket.
 */
import { linkSync, lstatSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  E,
  ErrnoError,
  canonicalIP,
  isWildcard,
  type BindOptions,
  type InetAddress,
  type SocketAddress,
  type UnixAddress,
} from '@rawsock/core';
import type { SocketListener, TCPSocketListenOptions } from 'bun';
import { endpointOf, hostOf } from './addresses.js';
import { errnoError, toErrno } from './errors.js';
import { BunStreamConnection, connectionHandlers, type BunSocket, type SocketSlot } from './stream-connection.js';

/** A stream address held (or recorded) by one endpoint. */
export interface HostBinding {
  /** The address bound (port 0 resolved). */
  readonly address: SocketAddress;
  /**
   * Starts accepting. Each connection arrives paused. Throws an ErrnoError
   * for a failure the host reports synchronously.
   */
  listen(onConnection: (connection: BunStreamConnection) => void): void;
  /** Gives up the host reservation so a connect can bind the address itself. */
  releaseForConnect(): void;
  /** Releases everything. Idempotent. */
  close(): void;
}

/** Tracks this provider's TCP listeners that only stand for a bind. */
export class BindTable {
  private readonly held = new Set<ListenerBinding>();
  add(b: ListenerBinding): void {
    this.held.add(b);
  }
  remove(b: ListenerBinding): void {
    this.held.delete(b);
  }
  /** A bound, not listening SO_REUSEADDR holder overlapping `address`, if any. */
  sharedHolder(address: InetAddress, v6Only: boolean): ListenerBinding | undefined {
    for (const b of this.held) {
      if (b.accepting || !b.reuseAddr || b.address.family === 'unix') continue;
      if (overlaps(b.address, b.ipv6Only, address, v6Only)) return b;
    }
    return undefined;
  }
}

/** Same port and address, a wildcard of the family, or a dual-stack IPv6 wildcard. */
function overlaps(a: InetAddress, aV6Only: boolean, b: InetAddress, bV6Only: boolean): boolean {
  if (a.port !== b.port) return false;
  if (a.family !== b.family) {
    const [v6, only] = a.family === 'ipv6' ? [a, aV6Only] : [b, bV6Only];
    return isWildcard(v6) && !only;
  }
  return isWildcard(a) || isWildcard(b) || canonicalIP(a.address) === canonicalIP(b.address);
}

type ListenOptions = { hostname: string; port: number; ipv6Only?: boolean; reusePort?: boolean } | { unix: string };

/** A Bun listener; `port` is there for TCP ones (TCPSocketListener). */
type HostListener = SocketListener<SocketSlot> & { readonly port?: number };

/** Bun.listen with rawsock's handlers; throws an ErrnoError. */
function hostListen(where: ListenOptions, onOpen: (socket: BunSocket) => void, what: string): HostListener {
  try {
    const common = { allowHalfOpen: true, data: { conn: null }, socket: { ...connectionHandlers, open: onOpen } };
    // ipv6Only and reusePort are honoured by Bun.listen (Bun 1.4.5) though
    // bun-types lists them for Bun.connect only.
    return 'unix' in where
      ? Bun.listen<SocketSlot>({ ...common, unix: where.unix })
      : Bun.listen<SocketSlot>({ ...common, ...where } as TCPSocketListenOptions<SocketSlot>);
  } catch (err) {
    throw errnoError(err, what, E.EINVAL);
  }
}

function listenOptions(address: SocketAddress, options: BindOptions): ListenOptions {
  if (address.family === 'unix') return { unix: address.path };
  return {
    hostname: hostOf(address),
    port: address.port,
    ipv6Only: address.family === 'ipv6' && options.ipv6Only,
    reusePort: options.reusePort,
  };
}

/** Wraps an accepted Bun socket; an accepted unix peer is unnamed, its local name the listener's. */
function accepted(socket: BunSocket, local: SocketAddress): BunStreamConnection {
  if (local.family === 'unix') return new BunStreamConnection(socket, local, { family: 'unix', path: '' });
  return new BunStreamConnection(
    socket,
    endpointOf(socket.localAddress, socket.localPort, local.family),
    endpointOf(socket.remoteAddress, socket.remotePort, local.family),
  );
}

/**
 * A Bun listener that holds a TCP address or an abstract unix name from
 * bind() on; it hands connections over once listen() was called.
 */
export class ListenerBinding implements HostBinding {
  readonly address: SocketAddress;
  readonly reuseAddr: boolean;
  readonly ipv6Only: boolean;
  accepting = false;
  private listener: HostListener | null;
  private onConnection: ((connection: BunStreamConnection) => void) | null = null;

  constructor(
    requested: SocketAddress,
    options: BindOptions,
    private readonly table: BindTable | null,
    what = 'bind',
  ) {
    this.reuseAddr = options.reuseAddr;
    this.ipv6Only = options.ipv6Only;
    const listener = hostListen(listenOptions(requested, options), (s) => this.onOpen(s), what);
    this.listener = listener;
    this.address =
      requested.family === 'unix'
        ? requested
        : { ...requested, address: canonicalIP(requested.address), port: listener.port ?? requested.port };
    table?.add(this);
  }

  private onOpen(socket: BunSocket): void {
    if (!this.accepting || !this.onConnection) {
      // Bound, not listening: Linux refuses the connection; Bun has already
      // completed it, so the nearest is to reset it at once.
      socket.terminate();
      return;
    }
    this.onConnection(accepted(socket, this.address));
  }

  listen(onConnection: (connection: BunStreamConnection) => void): void {
    if (!this.listener) throw new ErrnoError(E.EBADF, 'binding released');
    this.onConnection = onConnection;
    this.accepting = true;
  }

  releaseForConnect(): void {
    this.close();
  }

  close(): void {
    this.table?.remove(this);
    this.accepting = false;
    this.onConnection = null;
    // stop(false): connections already handed to the core stay open, as
    // accepted sockets outlive their listener on Linux.
    this.listener?.stop(false);
    this.listener = null;
  }
}

/**
 * A TCP address shared under SO_REUSEADDR with a bound, not listening
 * socket of this provider: Linux lets both bind it, the host refuses a
 * second listener, so this one is bound in the host only by listen().
 */
export class DeferredBinding implements HostBinding {
  private inner: ListenerBinding | null = null;
  private closed = false;

  constructor(
    readonly address: InetAddress,
    private readonly options: BindOptions,
    private readonly table: BindTable,
  ) {}

  listen(onConnection: (connection: BunStreamConnection) => void): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'binding released');
    this.inner ??= new ListenerBinding(this.address, this.options, this.table, 'listen');
    this.inner.listen(onConnection);
  }

  releaseForConnect(): void {
    this.close();
  }

  close(): void {
    this.closed = true;
    this.inner?.close();
    this.inner = null;
  }
}

/** Moves the file at `path` aside while `fn` runs (Bun unlinks a unix listener's path when it stops). */
function keepingFile(path: string, fn: () => void): void {
  const aside = join(dirname(path), `.${basename(path)}.rawsock-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  let moved = false;
  try {
    renameSync(path, aside);
    moved = true;
  } catch {
    // Nothing there (or not ours to move): Bun's unlink finds nothing either.
  }
  try {
    fn();
  } finally {
    if (moved) {
      try {
        // link, not rename: if someone bound the path meanwhile, theirs stays.
        linkSync(aside, path);
      } catch {
        // Lost the name to another socket; Linux would have kept ours, but
        // overwriting theirs would be worse.
      }
      unlinkSync(aside);
    }
  }
}

interface Inode {
  dev: number;
  ino: number;
}

function inodeOf(path: string): Inode | undefined {
  try {
    const st = lstatSync(path);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

/**
 * A unix path: the socket file exists from bind() on, refusing connections
 * until listen(), and stays after close, as on Linux.
 */
export class UnixPathBinding implements HostBinding {
  private inode: Inode | undefined;
  private listener: HostListener | null = null;
  private closed = false;

  constructor(readonly address: UnixAddress) {
    const path = address.path;
    const listener = hostListen({ unix: path }, (s) => s.terminate(), `bind ${path}`);
    keepingFile(path, () => listener.stop(true));
    this.inode = inodeOf(path);
    if (!this.inode) throw new ErrnoError(E.EADDRINUSE, `bind ${path}: the path was taken meanwhile`);
  }

  listen(onConnection: (connection: BunStreamConnection) => void): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'binding released');
    if (this.listener) return;
    const path = this.address.path;
    const now = inodeOf(path);
    if (now && this.inode && now.dev === this.inode.dev && now.ino === this.inode.ino) {
      // Our own bound-socket file makes way for the listening socket.
      try {
        unlinkSync(path);
      } catch (err) {
        throw new ErrnoError(toErrno(err), `listen ${path}`);
      }
    }
    // If another file took the path, Bun refuses it (EADDRINUSE); Linux would
    // listen on an inode nobody can reach by name.
    const local = this.address;
    this.listener = hostListen({ unix: path }, (s) => onConnection(accepted(s, local)), `listen ${path}`);
    this.inode = inodeOf(path);
  }

  releaseForConnect(): void {
    // Bun.connect cannot bind a unix client, so the connection leaves
    // unnamed; the bound path's file stays, as on Linux.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const listener = this.listener;
    this.listener = null;
    if (listener) keepingFile(this.address.path, () => listener.stop(false));
  }
}

/** Binds a stream address for an endpoint; throws an ErrnoError. */
export function bindStream(address: SocketAddress, options: BindOptions, table: BindTable): HostBinding {
  if (address.family === 'unix') {
    return address.path.startsWith('\0') ? new ListenerBinding(address, options, null) : new UnixPathBinding(address);
  }
  try {
    return new ListenerBinding(address, options, table);
  } catch (err) {
    if (err instanceof ErrnoError && err.errno === E.EADDRINUSE && options.reuseAddr && address.port !== 0) {
      if (table.sharedHolder(address, address.family === 'ipv6' && options.ipv6Only)) return new DeferredBinding({ ...address, address: canonicalIP(address.address) }, options, table);
    }
    throw err;
  }
}
