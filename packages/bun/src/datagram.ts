/**
 * DatagramHandle over Bun.udpSocket. https://bun.com/docs/api/udp
 *
 * Bun.udpSocket returns a Promise, but it binds synchronously inside the
 * call: a bind failure is thrown from the call itself, and the returned
 * promise is already fulfilled, so `Bun.peek` hands over the socket at once
 * (checked on Bun 1.4.5; should a later Bun really bind asynchronously, bind()
 * fails loudly with EIO instead of guessing a port).
 *
 * What Bun's UDP socket lacks, and what happens instead:
 * - no connect()/disconnect() on an existing socket: the handle has none, so
 *   the core filters and addresses connected datagram sockets itself;
 * - no recvStop: while the core's queue is full, datagrams that arrive are
 *   dropped here, as a full kernel queue drops them.
 */
import { E, ErrnoError, type BindOptions, type DatagramEvents, type DatagramHandle, type InetAddress } from '@rawsock/core';
import type { udp } from 'bun';
import { hostOf, inetFromHost, interfaceName } from './addresses.js';
import { errnoError, toErrno } from './errors.js';

type UdpSocket = udp.Socket<'uint8array'>;

/**
 * Bun.udpSocket `flags` (the bits Bun's own node:dgram passes; not in
 * bun-types): SOCKET_IPV6_ONLY 8, LISTEN_REUSE_ADDR 16, LISTEN_REUSE_PORT 4,
 * LISTEN_DISALLOW_REUSE_PORT_FAILURE 32 (fail rather than ignore an
 * unsupported SO_REUSEPORT).
 */
const UDP_IPV6_ONLY = 8;
const UDP_REUSE_ADDR = 16;
const UDP_REUSE_PORT = 4;
const UDP_DISALLOW_REUSE_PORT_FAILURE = 32;

interface QueuedSend {
  data: Uint8Array;
  port: number;
  host: string;
  done: (errno: number) => void;
}

export class BunDatagram implements DatagramHandle {
  private socket: UdpSocket | null = null;
  private events: DatagramEvents | null = null;
  private paused = false;
  private closed = false;
  /** Datagrams Bun could not take yet (send() returned false), sent on `drain`. */
  private readonly sendQueue: QueuedSend[] = [];

  constructor(private readonly family: 'ipv4' | 'ipv6') {}

  bind(address: InetAddress, options: BindOptions): InetAddress {
    this.assertOpen();
    // Linux bind(2) with an address of another family fails this way.
    if (address.family !== this.family) throw new ErrnoError(E.EAFNOSUPPORT, 'address family does not match socket');
    if (this.socket) throw new ErrnoError(E.EINVAL, 'already bound');
    let flags = UDP_DISALLOW_REUSE_PORT_FAILURE;
    if (options.reuseAddr) flags |= UDP_REUSE_ADDR;
    if (options.reusePort) flags |= UDP_REUSE_PORT;
    if (this.family === 'ipv6' && options.ipv6Only) flags |= UDP_IPV6_ONLY;
    const host = hostOf(address);
    let created: Promise<UdpSocket>;
    try {
      created = Bun.udpSocket({
        hostname: host,
        port: address.port,
        binaryType: 'uint8array',
        flags,
        socket: {
          // Each datagram gets its own memory, so it is passed on without a copy.
          data: (_s: UdpSocket, data: Uint8Array, port: number, from: string) => {
            if (!this.paused && !this.closed) this.events?.onMessage(data, inetFromHost(from, port));
          },
          drain: () => this.flush(),
          // Bun 1.4 calls error(err) with the socket as `this`, though its
          // types say error(socket, err): take the error from either form.
          error: (...args: unknown[]) => this.onHostError((args.length > 1 ? args[1] : args[0]) as Error | undefined),
        },
      } as udp.SocketOptions<'uint8array'>);
    } catch (err) {
      throw errnoError(err, `bind ${host}:${address.port}`, E.EINVAL);
    }
    const socket = Bun.peek(created);
    if (socket instanceof Promise) {
      const status = Bun.peek.status(created);
      created.then((s) => s.close(), () => {});
      throw new ErrnoError(E.EIO, `bind ${host}:${address.port}: Bun.udpSocket did not bind synchronously (${status})`);
    }
    if (!socket || typeof (socket as Partial<UdpSocket>).send !== 'function') {
      // A rejected promise peeks as its reason.
      throw errnoError(socket, `bind ${host}:${address.port}`, E.EINVAL);
    }
    this.socket = socket;
    const local = socket.address;
    return inetFromHost(local.address, local.port);
  }

  start(events: DatagramEvents): void {
    this.assertOpen();
    this.events = events;
  }

  send(data: Uint8Array, to: InetAddress, done: (errno: number) => void): void {
    const socket = this.socket;
    if (this.closed || !socket) {
      queueMicrotask(() => done(E.EBADF));
      return;
    }
    const entry: QueuedSend = { data, port: to.port, host: hostOf(to), done };
    if (this.sendQueue.length > 0) {
      this.sendQueue.push(entry);
      return;
    }
    const errno = this.trySend(socket, entry);
    if (errno === -1) this.sendQueue.push(entry);
    else queueMicrotask(() => done(errno));
  }

  /** 0 sent, -1 Bun's buffer is full (wait for drain), else the errno. */
  private trySend(socket: UdpSocket, entry: QueuedSend): number {
    // Linux refuses port 0 as a destination; Bun's argument check would say EINVAL.
    if (entry.port === 0) return E.EINVAL;
    try {
      return socket.send(entry.data, entry.port, entry.host) ? 0 : -1;
    } catch (err) {
      return toErrno(err, E.EINVAL);
    }
  }

  private flush(): void {
    const socket = this.socket;
    while (socket && this.sendQueue.length > 0) {
      const entry = this.sendQueue[0] as QueuedSend;
      const errno = this.trySend(socket, entry);
      if (errno === -1) return;
      this.sendQueue.shift();
      entry.done(errno);
    }
  }

  private onHostError(error: Error | undefined): void {
    // Bun 1.4 may call the handler with no error at all (seen after a peer's
    // port closed under load): nothing to report then.
    if (this.closed || error == null) return;
    // Errors a receive reports (Bun enables IP_RECVERR, so the socket's error
    // queue surfaces there) are ICMP reports for a datagram sent earlier:
    // the core decides whether the program hears them.
    const report = error as { errqueue?: boolean; syscall?: string };
    if (report.errqueue === true || report.syscall === 'recv') this.events?.onIcmpError?.(toErrno(error));
    else this.events?.onError(toErrno(error));
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  setBroadcast(enable: boolean): void {
    this.call('setBroadcast', (s) => s.setBroadcast(enable));
  }
  setTTL(ttl: number): void {
    this.call('setTTL', (s) => s.setTTL(ttl));
  }
  setMulticastTTL(ttl: number): void {
    this.call('setMulticastTTL', (s) => s.setMulticastTTL(ttl));
  }
  setMulticastLoopback(enable: boolean): void {
    this.call('setMulticastLoopback', (s) => s.setMulticastLoopback(enable));
  }
  addMembership(group: string, iface?: string): void {
    this.call('addMembership', (s) => s.addMembership(group, this.interfaceOf(iface)));
  }
  dropMembership(group: string, iface?: string): void {
    this.call('dropMembership', (s) => s.dropMembership(group, this.interfaceOf(iface)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events = null;
    for (const entry of this.sendQueue.splice(0)) queueMicrotask(() => entry.done(E.EBADF));
    this.socket?.close();
    this.socket = null;
  }

  /** An IPv6 interface index (what ipv6_mreq carries) as the `::%ifname` Bun takes. */
  private interfaceOf(iface: string | undefined): string | undefined {
    if (iface === undefined || this.family !== 'ipv6' || !/^\d+$/.test(iface)) return iface;
    const index = Number(iface);
    return index === 0 ? undefined : `::%${interfaceName(index) ?? index}`;
  }

  private call(what: string, fn: (s: UdpSocket) => unknown): void {
    this.assertOpen();
    const socket = this.socket;
    if (!socket) throw new ErrnoError(E.EBADF, 'datagram socket not bound');
    try {
      fn(socket);
    } catch (err) {
      throw errnoError(err, what, E.EINVAL);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ErrnoError(E.EBADF, 'datagram socket closed');
  }
}
