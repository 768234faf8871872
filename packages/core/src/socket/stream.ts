/**
 * A SOCK_STREAM socket (TCP or unix) with Linux's observable behaviour.
 * Reference points: tcp_poll/tcp_recvmsg/tcp_sendmsg/__inet_stream_connect
 * and unix_poll in the Linux kernel; man pages connect(2), shutdown(2),
 * tcp(7), unix(7). Where a case was unclear, the behaviour was checked by a
 * C program run natively on Linux (see the conformance suite).
 */
import type { Domain, SocketAddress } from '../address.js';
import { TIME_WAIT_MS, type Binding } from '../bind-registry.js';
import { ByteQueue } from '../buffers.js';
import { copyOut, recycle } from '../copy-slab.js';
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
  SOCK_STREAM,
} from '../constants.js';
import { E, ErrnoError, fail } from '../errno.js';
import type { StreamConnection, StreamEndpoint } from '../provider.js';
import { SocketBase, unboundAddress, type CoreContext } from './base.js';
import type { SocketOptionState } from './options-state.js';

const READABLE = POLLIN | POLLRDNORM;

/** A SOCK_STREAM socket (TCP or unix): the POSIX state machine for connections and listeners. */
export class StreamSocket extends SocketBase {
  private endpoint: StreamEndpoint | undefined;
  private conn: StreamConnection | undefined;
  private local: SocketAddress | undefined;
  private peer: SocketAddress | undefined;
  private binding: Binding | undefined;
  /** bind() was called: the address survives a failed connect, as on Linux. */
  private explicitBind = false;
  /**
   * The outcome of the last non-blocking connect has not yet been returned
   * by a connect() call. Linux returns it once (0 or the error) from the
   * next connect() — the classic way a blocking connect is completed.
   */
  private connectUnreported = false;
  private readonly rx: ByteQueue;
  private paused = false;
  /** Bytes handed to the provider and not yet written by the host. */
  private txInFlight = 0;
  /** The connection of a socket closed while the host still writes its bytes (an orphan, see orphans.ts). */
  private closing: StreamConnection | undefined;
  /** The last chunk handed to a connection that releases written chunks, until it is written (copy-slab's recycle). */
  private lastSent: Uint8Array | undefined = undefined;
  /** The peer sent FIN. */
  private peerEnded = false;
  private readonly acceptQueue: StreamSocket[] = [];

  /** @internal Sockets are made by the table (socket(2)), not directly. */
  constructor(ctx: CoreContext, domain: Domain, protocol: number) {
    super(ctx, domain, SOCK_STREAM, protocol);
    this.rx = new ByteQueue(ctx.budget);
  }

  /** @internal A socket for a connection a listener accepted; it starts buffering at once. */
  static fromAccepted(listener: StreamSocket, conn: StreamConnection, ctx: CoreContext): StreamSocket {
    const s = new StreamSocket(ctx, listener.domain, listener.protocol);
    // Accepted sockets inherit the listener's options (socket(7)).
    Object.assign(s.opts, listener.opts, { memberships: new Set() });
    return s.adopt(conn, 'accepted');
  }

  /** @internal A socket over an already established connection (one end of a socketpair). */
  static fromConnection(ctx: CoreContext, domain: Domain, conn: StreamConnection): StreamSocket {
    return new StreamSocket(ctx, domain, 0).adopt(conn, 'socketpair');
  }

  private adopt(conn: StreamConnection, reason: string): this {
    this.transition('connected', reason);
    this.attach(conn);
    return this;
  }

  private get isUnix(): boolean {
    return this.domain === 'unix';
  }

  private receiveLimit(): number {
    return this.opts.rcvbuf || this.ctx.limits.streamReceiveBytes;
  }

  private sendLimit(): number {
    return this.opts.sndbuf || this.ctx.limits.streamSendBytes;
  }

  private bindOptions() {
    return { reuseAddr: this.opts.reuseAddr, reusePort: this.opts.reusePort, ipv6Only: this.opts.v6Only };
  }

  private newEndpoint(): StreamEndpoint {
    return this.ctx.provider.createStream(this.domain);
  }

  /** Records a TCP address this socket holds, checking Linux's sharing rule. */
  private hold(address: SocketAddress, listening: boolean): void {
    if (this.isUnix) return;
    const binding: Binding = {
      protocol: 'tcp',
      address,
      reuseAddr: this.opts.reuseAddr,
      reusePort: this.opts.reusePort,
      v6Only: this.opts.v6Only,
      listening,
    };
    if (!this.ctx.bindings.admits(binding, this.binding)) fail(E.EADDRINUSE);
    this.ctx.bindings.remove(this.binding);
    this.binding = binding;
    this.ctx.bindings.add(binding);
  }

  private release(): void {
    this.ctx.bindings.remove(this.binding);
    this.binding = undefined;
  }

  // ---------------------------------------------------------------- bind

  /** bind(2). Throws ErrnoError EINVAL, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, EACCES, ENOENT. */
  bind(address: SocketAddress): void {
    if (this.state !== 'fresh' || this.local) fail(E.EINVAL);
    this.permit('bind', address);
    this.bindAddress(address);
    this.explicitBind = true;
    this.transition('bound', 'bind');
  }

  /** Reserves `address` in the host and the registry; sets `local`. */
  private bindAddress(address: SocketAddress): void {
    if (!this.isUnix && address.family !== 'unix' && address.port !== 0) {
      // Check before touching the host so a refused bind has no side effect.
      const probe: Binding = {
        protocol: 'tcp',
        address,
        reuseAddr: this.opts.reuseAddr,
        reusePort: this.opts.reusePort,
        v6Only: this.opts.v6Only,
        listening: false,
      };
      if (!this.ctx.bindings.admits(probe)) fail(E.EADDRINUSE);
    }
    const endpoint = (this.endpoint ??= this.newEndpoint());
    const bound = address.family === 'unix' && address.path === '' ? this.autobindUnix(endpoint) : endpoint.bind(address, this.bindOptions());
    try {
      this.hold(bound, false);
    } catch (e) {
      endpoint.close();
      this.endpoint = undefined;
      throw e;
    }
    this.local = bound;
  }

  /**
   * unix(7) autobind: a bind with only sun_family picks an unused abstract
   * name of five hex digits.
   */
  private autobindUnix(endpoint: StreamEndpoint): SocketAddress {
    if (!this.ctx.provider.capabilities.unixAbstract) fail(E.EOPNOTSUPP, 'unix autobind needs abstract names');
    for (let attempt = 0; attempt < 64; attempt++) {
      const name = Math.floor(Math.random() * 0x100000).toString(16).padStart(5, '0');
      try {
        return endpoint.bind({ family: 'unix', path: `\0${name}` }, this.bindOptions());
      } catch (e) {
        if (!(e instanceof ErrnoError) || e.errno !== E.EADDRINUSE) throw e;
      }
    }
    return fail(E.EADDRINUSE);
  }

  // ---------------------------------------------------------------- listen

  /** listen(2). Throws ErrnoError EINVAL, EADDRINUSE, EACCES. */
  listen(backlog: number): void {
    switch (this.state) {
      case 'listening':
        return; // Linux only updates the backlog.
      case 'connecting':
      case 'connected':
      case 'disconnected':
        fail(E.EINVAL);
      default:
        break;
    }
    // unix(7): listen on an unbound unix socket is EINVAL (no autobind here).
    if (this.isUnix && !this.local) fail(E.EINVAL);
    if (!this.local) {
      // Linux autobinds the wildcard and an ephemeral port; binding here
      // (not inside the provider's listen) carries SO_REUSEADDR and friends.
      this.bindAddress(unboundAddress(this.domain));
    }
    this.permit('listen', this.local as SocketAddress);
    if (this.binding) {
      // Going to LISTEN re-checks the port against every other holder.
      this.hold(this.binding.address, true);
    }
    const endpoint = (this.endpoint ??= this.newEndpoint());
    let address: SocketAddress;
    try {
      address = endpoint.listen(
        Math.max(0, Math.min(backlog, this.ctx.limits.maxAcceptQueue)),
        (conn) => this.onIncoming(conn),
        (errno) => this.setError(errno),
      );
    } catch (e) {
      if (this.binding) this.binding.listening = false;
      throw e;
    }
    this.local = address;
    this.transition('listening', 'listen');
  }

  private onIncoming(conn: StreamConnection): void {
    if (this.state !== 'listening' || this.acceptQueue.length >= this.ctx.limits.maxAcceptQueue || !this.admitsPeer(conn.remoteAddress)) {
      conn.reset();
      return;
    }
    this.acceptQueue.push(StreamSocket.fromAccepted(this, conn, this.ctx));
    this.arrivals++;
    this.changed();
  }

  /**
   * True when accept(2) could only say EAGAIN: listening, nothing queued and
   * no pending error. The syscall layer then answers without throwing — the
   * last accept of every drained listener in an event loop.
   */
  acceptWouldBlock(): boolean {
    return this.state === 'listening' && this.acceptQueue.length === 0 && this.pendingError === 0;
  }

  /** accept(2) without blocking. Throws ErrnoError EAGAIN, EINVAL (not listening), ECONNABORTED. */
  accept(): StreamSocket {
    if (this.state !== 'listening') fail(E.EINVAL);
    const err = this.takeError();
    if (err) fail(err);
    const next = this.acceptQueue.shift();
    if (!next) fail(E.EAGAIN);
    this.changed();
    return next;
  }

  // ---------------------------------------------------------------- connect

  /**
   * Starts or completes a connect. Returns normally when connect() would
   * return 0; otherwise throws the errno (EINPROGRESS while in flight).
   */
  connect(address: SocketAddress): void {
    switch (this.state) {
      case 'listening':
      case 'disconnected':
        fail(E.EISCONN);
      case 'connected':
        if (this.connectUnreported) {
          this.connectUnreported = false;
          return;
        }
        fail(E.EISCONN);
      case 'connecting':
        fail(E.EALREADY);
      default:
        break;
    }
    this.reportFailedConnect();
    this.permit('connect', address);
    this.shutRd = false;
    this.shutWr = false;
    const endpoint = (this.endpoint ??= this.newEndpoint());
    this.connectUnreported = true;
    this.transition('connecting', 'connect');
    endpoint.connect(address, {
      onConnect: (conn) => this.onConnected(endpoint, conn),
      onError: (errno) => this.onConnectFailed(endpoint, errno),
    });
    fail(E.EINPROGRESS);
  }

  /**
   * A failed connect is reported once, by the next connect(); SO_ERROR may
   * have consumed the error already, and then Linux reports ECONNABORTED.
   */
  private reportFailedConnect(): void {
    if (!this.connectUnreported) return;
    this.connectUnreported = false;
    this.changed();
    fail(this.takeError() || E.ECONNABORTED);
  }

  /**
   * connect() to an address not known yet (a placeholder from getaddrinfo
   * in an event-driven build): the socket is connecting while `resolve()`
   * (called only once the connect may start) settles, then connects to the real address; a failed resolution fails
   * the connect with its errno. Always EINPROGRESS, like any connect here.
   */
  connectDeferred(resolve: () => Promise<SocketAddress>): void {
    switch (this.state) {
      case 'listening':
      case 'disconnected':
      case 'connected':
        fail(E.EISCONN);
      case 'connecting':
        fail(E.EALREADY);
      default:
        break;
    }
    this.reportFailedConnect();
    this.shutRd = false;
    this.shutWr = false;
    const endpoint = (this.endpoint ??= this.newEndpoint());
    this.connectUnreported = true;
    this.transition('connecting', 'connect (resolving the name)');
    resolve().then(
      (address) => {
        if (this.state !== 'connecting' || this.endpoint !== endpoint) return;
        try {
          this.permit('connect', address);
        } catch (e) {
          this.onConnectFailed(endpoint, e instanceof ErrnoError ? e.errno : E.EACCES);
          return;
        }
        endpoint.connect(address, {
          onConnect: (conn) => this.onConnected(endpoint, conn),
          onError: (errno) => this.onConnectFailed(endpoint, errno),
        });
      },
      (e: unknown) => this.onConnectFailed(endpoint, e instanceof ErrnoError ? e.errno : E.EHOSTUNREACH),
    );
    fail(E.EINPROGRESS);
  }

  private onConnected(endpoint: StreamEndpoint, conn: StreamConnection): void {
    if (this.state !== 'connecting' || this.endpoint !== endpoint) {
      conn.close();
      return;
    }
    try {
      this.hold(conn.localAddress, false);
    } catch {
      // Another socket of ours took the port meanwhile; the host allowed it,
      // so keep the connection rather than break it.
    }
    this.transition('connected', 'connect succeeded');
    this.attach(conn);
  }

  private onConnectFailed(endpoint: StreamEndpoint, errno: number): void {
    if (this.state !== 'connecting' || this.endpoint !== endpoint) return;
    endpoint.close();
    this.endpoint = undefined;
    if (this.explicitBind && this.local) {
      // Linux keeps an explicit bind across a failed connect; re-reserve it.
      try {
        this.endpoint = this.newEndpoint();
        this.endpoint.bind(this.local, this.bindOptions());
      } catch {
        this.endpoint = undefined;
      }
    } else {
      this.release();
      this.local = undefined;
    }
    this.pendingError = errno;
    this.transition(this.explicitBind ? 'bound' : 'fresh', `connect failed (${new ErrnoError(errno).code})`);
  }

  // ---------------------------------------------------------------- data path

  private attach(conn: StreamConnection): void {
    this.conn = conn;
    this.local = conn.localAddress;
    this.peer = conn.remoteAddress;
    conn.start({
      onData: (chunk) => {
        if (this.state === 'closed') return;
        this.rx.push(chunk);
        this.arrivals++;
        if (!this.paused && (this.rx.length >= this.receiveLimit() || this.ctx.budget.exhausted)) {
          this.paused = true;
          conn.pause();
          if (this.ctx.budget.exhausted) this.ctx.budget.onRelief(this.tryResume);
        }
        this.changed();
      },
      onEnd: () => {
        if (this.state === 'closed') return;
        this.peerEnded = true;
        this.changed();
      },
      onWritten: (bytes) => {
        const wasWritable = this.writable();
        this.txInFlight = Math.max(0, this.txInFlight - bytes);
        if (this.txInFlight === 0) {
          this.forgetOrphan();
          if (this.lastSent !== undefined) recycle(this.lastSent);
          this.lastSent = undefined;
        }
        if (wasWritable) this.changedWithoutRise();
        else this.changed();
      },
      onError: (errno) => {
        this.forgetOrphan();
        this.onConnectionError(errno);
      },
      onClose: () => {
        this.forgetOrphan();
        this.conn = undefined;
        if (this.state === 'connected' && !(this.peerEnded && this.shutWr)) {
          // The host dropped the connection without an error: the peer is gone.
          this.peerEnded = true;
          this.transition('disconnected', 'host closed');
        }
        this.changed();
      },
    });
    if (!this.isUnix) {
      conn.setNoDelay(this.opts.noDelay);
      if (this.opts.keepAlive) conn.setKeepAlive(true, this.opts.keepIdle);
    }
  }

  private onConnectionError(errno: number): void {
    if (this.state !== 'connected') return;
    // A reset after the peer's FIN (CLOSE_WAIT) reads as EPIPE on Linux.
    this.pendingError = errno === E.ECONNRESET && this.peerEnded ? E.EPIPE : errno;
    this.txInFlight = 0;
    // A write that failed may still hold its chunk: never reuse it.
    this.lastSent = undefined;
    this.transition('disconnected', `connection error (${new ErrnoError(errno).code})`);
  }

  /** Free send space by Linux's rule (sk_stream_is_writeable: free ≥ queued/2). */
  private writable(): boolean {
    const free = this.sendLimit() - this.txInFlight;
    return free > 0 && free >= this.txInFlight / 2;
  }

  /**
   * send(2) on a stream. `withAddress` is true when sendto/sendmsg named a
   * destination (ignored by TCP, refused by unix streams).
   */
  send(data: Uint8Array, _flags: number, withAddress = false): number {
    if (withAddress && this.isUnix) fail(this.state === 'connected' ? E.EISCONN : E.EOPNOTSUPP);
    switch (this.state) {
      case 'connecting': {
        const err = this.takeError();
        fail(err || E.EAGAIN);
      }
      case 'connected':
        break;
      default: {
        // tcp_sendmsg: a pending error wins, else EPIPE (Linux also raises
        // SIGPIPE unless MSG_NOSIGNAL; wasm has no signals, so EPIPE is all).
        fail(this.takeError() || E.EPIPE);
      }
    }
    const err = this.takeError();
    if (err) fail(err);
    if (this.shutWr || !this.conn) fail(E.EPIPE);
    if (data.byteLength === 0) return 0;
    const space = this.sendLimit() - this.txInFlight;
    if (space <= 0) fail(E.EAGAIN);
    const n = Math.min(data.byteLength, space);
    // One copy: out of the caller's memory (often wasm memory) into a chunk the host owns.
    const chunk = copyOut(data, n, this.ctx.provider);
    this.txInFlight += n;
    const now = this.conn.write(chunk);
    if (typeof now === 'number') {
      // Written at once: no onWritten, and no readiness change, follows for
      // those bytes (Linux wakes writers only when a full socket gets room).
      this.txInFlight = Math.max(0, this.txInFlight - now);
      if (now >= n && this.txInFlight === 0) recycle(chunk);
    }
    // Written later: its memory may be reused once everything sent is written (copy-slab.ts).
    if (this.txInFlight > 0 && this.conn.releasesWritten === true) this.lastSent = chunk;
    if (!this.writable()) this.changed();
    return n;
  }

  /**
   * True when recv(2) into `dest` could only say EAGAIN: connected, nothing
   * queued, no EOF, error or shutdown to report. The syscall layer then
   * answers without throwing — the last recv of every drained socket in an
   * event loop. Any other case goes through {@link recv}.
   */
  recvWouldBlock(dest: Uint8Array): boolean {
    return this.state === 'connected' && this.rx.length === 0 && dest.byteLength > 0 && !this.peerEnded && this.pendingError === 0 && !this.shutRd;
  }

  /** recv(2) on a stream: bytes copied (0 = EOF); throws EAGAIN and friends. */
  recv(dest: Uint8Array, flags: number): number {
    switch (this.state) {
      case 'fresh':
      case 'bound':
        // tcp_recvmsg: a pending error (a refused connect) is reported before ENOTCONN.
        fail(this.takeError() || E.ENOTCONN);
      case 'listening':
        fail(E.ENOTCONN);
      default:
        break;
    }
    if (this.rx.length > 0 && dest.byteLength > 0) {
      const peek = (flags & MSG_PEEK) !== 0;
      let n: number;
      if (flags & MSG_TRUNC && !peek) {
        // tcp(7): MSG_TRUNC discards the bytes instead of copying them.
        n = this.rx.read(new Uint8Array(Math.min(dest.byteLength, this.rx.length)));
      } else {
        n = this.rx.read(dest, peek);
      }
      if (!peek) this.afterRead();
      return n;
    }
    if (dest.byteLength === 0 && this.state === 'connected') return 0;
    if (this.peerEnded) return 0;
    const err = this.takeError();
    if (err) fail(err);
    if (this.shutRd || this.state === 'disconnected') return 0;
    fail(E.EAGAIN);
  }

  /**
   * Stream offset of the first queued byte (a wrapping int32; the queue
   * runs to it + readableBytes()). With {@link copyReceived} and
   * {@link discardReceived} a reader in another thread can mirror the queue
   * and consume from the mirror (the glue's worker-bridge receive rings).
   */
  receivedStart(): number {
    return this.rx.start;
  }

  /** Copies queued bytes from `offset` bytes past the first into `dest`, consuming none. */
  copyReceived(offset: number, dest: Uint8Array): number {
    return this.rx.copyAt(offset, dest);
  }

  /** Consumes up to `n` queued bytes a mirror already delivered, as recv(2) would have. */
  discardReceived(n: number): number {
    const k = this.rx.skip(n);
    if (k > 0) this.afterRead();
    return k;
  }

  /** True while reading from the host is paused (this queue or the table's budget is full). */
  get receivePaused(): boolean {
    return this.paused;
  }

  private afterRead(): void {
    this.tryResume();
    this.changedWithoutRise();
  }

  /** Resumes the provider once both this queue and the table's budget have room. */
  private readonly tryResume = (): void => {
    if (!this.paused || this.state === 'closed') return;
    if (this.rx.length >= this.receiveLimit() / 2) return;
    if (this.ctx.budget.exhausted) {
      this.ctx.budget.onRelief(this.tryResume);
      return;
    }
    this.paused = false;
    this.conn?.resume();
  };

  // ---------------------------------------------------------------- shutdown / close

  /** shutdown(2). Throws ErrnoError ENOTCONN, EINVAL. */
  shutdown(how: number): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) fail(E.EINVAL);
    const rd = how !== SHUT_WR;
    const wr = how !== SHUT_RD;
    switch (this.state) {
      case 'listening':
        // inet_shutdown: SHUT_RD on a listener disconnects it (stops listening).
        if (rd) this.stopListening();
        return;
      case 'connecting':
        this.endpoint?.close();
        this.endpoint = undefined;
        this.connectUnreported = false;
        this.transition(this.explicitBind ? 'bound' : 'fresh', 'shutdown while connecting');
        return;
      case 'connected':
        if (rd) this.shutRd = true;
        if (wr && !this.shutWr) {
          this.shutWr = true;
          this.conn?.end();
        }
        this.changed();
        return;
      default:
        fail(E.ENOTCONN);
    }
  }

  private stopListening(): void {
    this.endpoint?.close();
    this.endpoint = undefined;
    for (const pending of this.acceptQueue.splice(0)) pending.destroy();
    if (this.binding) this.binding.listening = false;
    this.transition(this.explicitBind ? 'bound' : 'fresh', 'listener shut down');
  }

  /**
   * A TCP connection this side closes first (gracefully, before the peer's
   * FIN) goes to TIME_WAIT and keeps its local address for a while. The
   * host holds its own TIME_WAIT, but libuv binds with SO_REUSEADDR, so the
   * core records it for Linux's bind rule among this process's sockets.
   */
  private enterTimeWait(): void {
    if (this.isUnix || this.peerEnded || this.state !== 'connected' || !this.local || this.local.family === 'unix') return;
    this.ctx.bindings.add({
      protocol: 'tcp',
      address: this.local,
      reuseAddr: this.opts.reuseAddr,
      reusePort: this.opts.reusePort,
      v6Only: this.opts.v6Only,
      listening: false,
      until: Date.now() + TIME_WAIT_MS,
    });
  }

  destroy(): void {
    if (this.state === 'closed') return;
    if (this.conn) {
      // tcp_close: SO_LINGER with zero timeout, or unread data, means RST.
      if ((this.opts.lingerOn && this.opts.lingerSeconds === 0) || this.rx.length > 0) this.conn.reset();
      else {
        // Before close(): a host may report the connection gone from inside it.
        this.enterTimeWait();
        if (this.txInFlight > 0) {
          this.closing = this.conn;
          this.ctx.orphans.add(this);
        }
        this.conn.close();
      }
      this.conn = undefined;
    }
    for (const pending of this.acceptQueue.splice(0)) pending.destroy();
    this.endpoint?.close();
    this.endpoint = undefined;
    this.release();
    this.rx.clear();
    this.ctx.budget.forget(this.tryResume);
    this.markClosed('close');
  }

  // ---------------------------------------------------------------- queries

  pollMask(): number {
    const out = POLLOUT | POLLWRNORM | (this.isUnix ? POLLWRBAND : 0);
    let mask = 0;
    switch (this.state) {
      case 'listening':
        mask = this.acceptQueue.length > 0 ? READABLE : 0;
        break;
      case 'connecting':
        break;
      case 'fresh':
      case 'bound':
        // TCP_CLOSE: hung up and "writable" (send fails at once). Right after
        // a failed connect Linux also shows the whole-shutdown bits.
        mask = POLLHUP | out | (this.connectUnreported ? READABLE | POLLRDHUP : 0);
        break;
      case 'connected':
      case 'disconnected': {
        const rdShut = this.shutRd || this.peerEnded || this.state === 'disconnected';
        const wrShut = this.shutWr || this.state === 'disconnected';
        if (rdShut && wrShut) mask |= POLLHUP;
        if (rdShut) mask |= READABLE | POLLRDHUP;
        if (this.rx.length > 0) mask |= READABLE;
        if (wrShut || this.writable()) mask |= out;
        break;
      }
      case 'closed':
        return 0;
    }
    if (this.pendingError) mask |= POLLERR;
    return mask;
  }

  localAddress(): SocketAddress {
    return this.local ?? unboundAddress(this.domain);
  }

  peerAddress(): SocketAddress {
    if (this.state !== 'connected' || !this.peer) fail(E.ENOTCONN);
    return this.peer;
  }

  readableBytes(): number {
    if (this.state === 'listening') fail(E.EINVAL);
    return this.rx.length;
  }

  override sendRoom(): number {
    if (this.state !== 'connected' || !this.conn || this.shutWr || this.pendingError !== 0) return 0;
    return Math.max(0, this.sendLimit() - this.txInFlight);
  }

  /** Bytes handed to the host and not yet written (SIOCOUTQ, approximately). */
  unsentBytes(): number {
    return this.txInFlight;
  }

  /** @internal Orphans: the program ended and the host wrote nothing of this closed socket's bytes for too long. */
  abandon(): void {
    const conn = this.closing;
    this.closing = undefined;
    this.txInFlight = 0;
    this.lastSent = undefined;
    conn?.reset();
  }

  /** @internal The host process is exiting: an open connection still holding unwritten bytes is reset. Returns the bytes dropped. */
  abandonUnwritten(): number {
    const dropped = this.txInFlight;
    if (dropped === 0 || !this.conn) return 0;
    this.conn.reset();
    this.onConnectionError(E.ECONNRESET);
    return dropped;
  }

  private forgetOrphan(): void {
    if (this.closing === undefined) return;
    this.closing = undefined;
    this.ctx.orphans.delete(this);
  }

  /** Connections waiting in accept(). */
  get pendingConnections(): number {
    return this.acceptQueue.length;
  }

  /** @internal Applies an option to the host after setsockopt stored it. */
  applyOption(name: keyof SocketOptionState): void {
    if (name === 'rcvbuf') this.tryResume();
    if (!this.conn || this.isUnix) return;
    if (name === 'noDelay') this.conn.setNoDelay(this.opts.noDelay);
    if (name === 'keepAlive' || name === 'keepIdle') this.conn.setKeepAlive(this.opts.keepAlive, this.opts.keepIdle);
  }
}
