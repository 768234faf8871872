/**
 * The syscall-shaped interface: what a libc (the Emscripten glue, a WASI
 * host, a worker bridge) calls. Arguments are numbers and byte arrays
 * (views of the program's memory); every call returns a number that is the
 * syscall's result, or `-errno` (Linux numbering) — never throws. Extra
 * outputs (address lengths, msg_flags, option lengths) land in {@link out}.
 *
 * Byte arrays in and out keep this interface transferable: the same calls
 * can run in-thread or across a SharedArrayBuffer worker bridge.
 */
import {
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  FD_CLOEXEC,
  FIONBIO,
  FIONREAD,
  MSG_TRUNC,
  O_NONBLOCK,
  O_RDWR,
  SIOCOUTQ,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
} from './constants.js';
import type { InetAddress } from './address.js';
import { E, ErrnoError, fail } from './errno.js';
import { decodeOption, encodeOption, LINUX_LP64_ABI, type OptionAbi } from './option-codec.js';
import { getOption, optionKind, setOption } from './options.js';
import { decodeSockaddrFor, writeSockaddr, type SockaddrArgument } from './sockaddr.js';
import { SendtoMemo } from './sendto-memo.js';
import { DatagramSocket } from './socket/datagram.js';
import { StreamSocket } from './socket/stream.js';
import { resolveConnectTarget, type AsyncLookup } from './names/connect-by-name.js';
import type { AnySocket, PollRequest, SocketTable } from './table.js';

/** Outputs of the last call besides its return value. */
export interface SyscallOut {
  /** Full length of the address written by accept/recvfrom/getsockname/getpeername. */
  addrlen: number;
  /** msg_flags of the last receive (MSG_TRUNC when a datagram was cut). */
  msgFlags: number;
  /** Length written by getsockopt. */
  optlen: number;
  /** Value written by ioctl(FIONREAD/SIOCOUTQ). */
  value: number;
}

/** Options for {@link SocketSyscalls}. */
export interface SyscallOptions {
  /** The C ABI option values use (default: Linux LP64). */
  readonly abi?: OptionAbi;
  /** Called when a call failed with something that is not an errno (a bug); the call returns -EIO. */
  readonly onInternalError?: (error: unknown, call: string) => void;
}

/** libc-shaped socket calls over a {@link SocketTable}: numbers and byte arrays in, a result or `-errno` (Linux numbering) out; extra outputs in {@link SocketSyscalls.out}. The Emscripten glue and WASI hosts call these. */
export class SocketSyscalls {
  /** The table the calls act on. */
  readonly table: SocketTable;
  /** Extra outputs of the last call (lengths, flags, values). */
  readonly out: SyscallOut = { addrlen: 0, msgFlags: 0, optlen: 0, value: 0 };
  private readonly abi: OptionAbi;
  private readonly onInternalError: (error: unknown, call: string) => void;
  /** The last UDP sendto destination, decoded. */
  private readonly sendtoMemo = new SendtoMemo();

  constructor(table: SocketTable, options: SyscallOptions = {}) {
    this.table = table;
    this.abi = options.abi ?? LINUX_LP64_ABI;
    this.onInternalError = options.onInternalError ?? (() => undefined);
  }

  /** Runs `body`, turning an ErrnoError into -errno and anything else into -EIO. */
  private run(call: string, body: () => number): number {
    try {
      return body();
    } catch (e) {
      return this.caught(e, call);
    }
  }

  /** A throw out of a call: its -errno, or -EIO for a bug (reported). */
  private caught(e: unknown, call: string): number {
    if (e instanceof ErrnoError) return -e.errno;
    this.onInternalError(e, call);
    return -E.EIO;
  }

  private decode(op: 'bind' | 'connect' | 'sendto', s: AnySocket, addr: Uint8Array, addrlen: number): SockaddrArgument {
    const target = { domain: s.domain, type: s.type, v6only: s.opts.v6Only, connected: s.state === 'connected' };
    return op === 'sendto' ? this.sendtoMemo.decode(target, addr, addrlen) : decodeSockaddrFor(op, target, addr, addrlen);
  }

  /** socket(2): returns the fd, or -EAFNOSUPPORT, -EINVAL, -EPROTONOSUPPORT, -ESOCKTNOSUPPORT, -EMFILE. */
  socket(domain: number, type: number, protocol: number): number {
    return this.run('socket', () => this.table.socket(domain, type, protocol));
  }

  /** socketpair(2): writes the two fds into `fdsOut[0..1]`. */
  socketpair(domain: number, type: number, protocol: number, fdsOut: Int32Array | number[]): number {
    return this.run('socketpair', () => {
      const [a, b] = this.table.socketpair(domain, type, protocol);
      fdsOut[0] = a;
      fdsOut[1] = b;
      return 0;
    });
  }

  /** bind(2): 0, or -EBADF, -ENOTSOCK, -EINVAL, -EAFNOSUPPORT, -EADDRINUSE, -EADDRNOTAVAIL, -EACCES, -ENOENT. */
  bind(fd: number, addr: Uint8Array, addrlen: number): number {
    return this.run('bind', () => {
      const s = this.table.get(fd);
      const arg = this.decode('bind', s, addr, addrlen);
      if (arg.kind === 'autobind') (s as StreamSocket).bind({ family: 'unix', path: '' });
      else if (arg.kind === 'address') {
        if (s instanceof DatagramSocket) s.bind(arg.address as InetAddress);
        else s.bind(arg.address);
      }
      return 0;
    });
  }

  /** connect(2): 0, or -EINPROGRESS (non-blocking), -EISCONN, -EALREADY, -EAFNOSUPPORT, -ECONNREFUSED, -ENOENT, -EACCES, -EBADF, -ENOTSOCK, -EINVAL. */
  connect(fd: number, addr: Uint8Array, addrlen: number): number {
    return this.run('connect', () => {
      const s = this.table.get(fd);
      const arg = this.decode('connect', s, addr, addrlen);
      if (s instanceof DatagramSocket) {
        if (arg.kind === 'unspec') s.disconnect();
        else if (arg.kind === 'address') s.connect(arg.address as InetAddress);
        return 0;
      }
      if (arg.kind === 'unspec') {
        // Linux disconnects a TCP socket on AF_UNSPEC; on an idle one that is a no-op.
        if (s.state === 'fresh' || s.state === 'bound') return 0;
        fail(E.EOPNOTSUPP);
      }
      if (arg.kind === 'address') s.connect(arg.address);
      return 0;
    });
  }

  /**
   * connect() to a placeholder address getaddrinfo handed out for `name`:
   * resolves it with `lookup` and connects to the real address (stream
   * sockets; EINPROGRESS). Datagram sockets cannot wait for a name and get
   * EHOSTUNREACH (documented deviation).
   */
  connectName(fd: number, name: string, port: number, lookup: AsyncLookup): number {
    return this.run('connect', () => {
      const s = this.table.get(fd);
      if (!(s instanceof StreamSocket) || s.domain === 'unix') fail(s.domain === 'unix' ? E.EINVAL : E.EHOSTUNREACH, `${name}: not resolved (placeholder address)`);
      const domain = s.domain;
      s.connectDeferred(() => resolveConnectTarget(lookup, name, port, domain));
      return 0;
    });
  }

  /** listen(2): 0, or -EBADF, -ENOTSOCK, -EOPNOTSUPP (datagram), -EINVAL, -EADDRINUSE, -EACCES. */
  listen(fd: number, backlog: number): number {
    return this.run('listen', () => {
      this.table.stream(fd, E.EOPNOTSUPP).listen(backlog);
      return 0;
    });
  }

  /** accept4(2). `addrOut` may be null (no address wanted). */
  accept4(fd: number, addrOut: Uint8Array | null, addrOutLen: number, flags: number): number {
    return this.run('accept', () => {
      if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) !== 0) fail(E.EINVAL);
      if (addrOut && addrOutLen < 0) fail(E.EINVAL);
      // An empty queue answers without building and throwing an error (as recvfrom does).
      const s = this.table.get(fd);
      if (s instanceof StreamSocket && s.acceptWouldBlock()) return -E.EAGAIN;
      const accepted = this.table.accept(fd, (flags & SOCK_NONBLOCK) !== 0, (flags & SOCK_CLOEXEC) !== 0);
      if (addrOut) this.out.addrlen = writeSockaddr(accepted.socket.peerAddress(), addrOut, addrOutLen);
      return accepted.fd;
    });
  }

  /** sendto(2)/send(2); `addr` null means no destination argument. */
  sendto(fd: number, data: Uint8Array, flags: number, addr: Uint8Array | null, addrlen: number): number {
    // The hot path: try/catch here rather than run(), so a call makes no closure.
    try {
      const s = this.table.get(fd);
      const arg = addr && addrlen !== 0 ? this.decode('sendto', s, addr, addrlen) : undefined;
      if (s instanceof DatagramSocket) {
        return s.send(data, arg?.kind === 'address' ? (arg.address as InetAddress) : undefined, flags);
      }
      return s.send(data, flags, arg !== undefined && arg.kind !== 'ignored');
    } catch (e) {
      return this.caught(e, 'sendto');
    }
  }

  /** recvfrom(2)/recv(2); writes the sender into `addrOut` when given. */
  recvfrom(fd: number, buf: Uint8Array, flags: number, addrOut: Uint8Array | null, addrOutLen: number): number {
    // The hot path: try/catch here rather than run(), so a call makes no closure.
    try {
      const s = this.table.get(fd);
      this.out.msgFlags = 0;
      if (s instanceof DatagramSocket) {
        if (s.recvWouldBlock()) return -E.EAGAIN;
        const r = s.recv(buf, flags);
        if (r.truncated) this.out.msgFlags |= MSG_TRUNC;
        // An unnamed unix sender has no address at all: msg_namelen 0 (unix_copy_addr).
        const unnamed = r.from.family === 'unix' && r.from.path === '';
        if (addrOut) this.out.addrlen = unnamed ? 0 : writeSockaddr(r.from, addrOut, addrOutLen);
        return r.result;
      }
      if (s.recvWouldBlock(buf)) return -E.EAGAIN;
      const n = s.recv(buf, flags);
      // Stream sockets report no source address (Linux leaves msg_namelen 0).
      if (addrOut) this.out.addrlen = 0;
      return n;
    } catch (e) {
      return this.caught(e, 'recvfrom');
    }
  }

  /** shutdown(2): 0, or -ENOTCONN, -EINVAL, -EBADF, -ENOTSOCK. */
  shutdown(fd: number, how: number): number {
    return this.run('shutdown', () => {
      this.table.get(fd).shutdown(how);
      return 0;
    });
  }

  /** getsockname(2): writes the address into `addrOut` (full length in out.addrlen); 0, or -EBADF, -ENOTSOCK. */
  getsockname(fd: number, addrOut: Uint8Array, addrOutLen: number): number {
    return this.run('getsockname', () => {
      if (addrOutLen < 0) fail(E.EINVAL);
      this.out.addrlen = writeSockaddr(this.table.get(fd).localAddress(), addrOut, addrOutLen);
      return 0;
    });
  }

  /** getpeername(2): writes the peer into `addrOut` (full length in out.addrlen); 0, or -ENOTCONN, -EBADF, -ENOTSOCK. */
  getpeername(fd: number, addrOut: Uint8Array, addrOutLen: number): number {
    return this.run('getpeername', () => {
      if (addrOutLen < 0) fail(E.EINVAL);
      this.out.addrlen = writeSockaddr(this.table.get(fd).peerAddress(), addrOut, addrOutLen);
      return 0;
    });
  }

  /** getsockopt(2): writes at most `optOut.byteLength` bytes; the written length is in out.optlen. */
  getsockopt(fd: number, level: number, name: number, optOut: Uint8Array, optlen: number): number {
    return this.run('getsockopt', () => {
      const s = this.table.get(fd);
      if (optlen < 0) fail(E.EINVAL);
      const { kind, value } = getOption(s, level, name);
      const bytes = encodeOption(kind, value, Math.min(optlen, optOut.byteLength), this.abi);
      optOut.set(bytes);
      this.out.optlen = bytes.byteLength;
      return 0;
    });
  }

  /** setsockopt(2) with the option's C bytes: 0, or -ENOPROTOOPT, -EINVAL, -EDOM, -EOPNOTSUPP, -EPROTO, -EBADF, -ENOTSOCK. */
  setsockopt(fd: number, level: number, name: number, optval: Uint8Array): number {
    return this.run('setsockopt', () => {
      const s = this.table.get(fd);
      const value = decodeOption(optionKind(s, level, name), optval, this.abi);
      setOption(s, level, name, value);
      return 0;
    });
  }

  /** ioctl(2) for sockets: FIONREAD and SIOCOUTQ (result in out.value), FIONBIO. */
  ioctl(fd: number, request: number, arg = 0): number {
    return this.run('ioctl', () => {
      const s = this.table.get(fd);
      switch (request) {
        case FIONREAD:
          this.out.value = s.readableBytes();
          return 0;
        case SIOCOUTQ:
          this.out.value = s instanceof StreamSocket ? s.unsentBytes() : 0;
          return 0;
        case FIONBIO:
          s.nonBlocking = arg !== 0;
          return 0;
        default:
          return fail(E.ENOTTY);
      }
    });
  }

  /** fcntl(2): F_GETFL/F_SETFL (O_NONBLOCK), F_GETFD/F_SETFD (FD_CLOEXEC). */
  fcntl(fd: number, cmd: number, arg = 0): number {
    return this.run('fcntl', () => {
      const s = this.table.get(fd);
      switch (cmd) {
        case F_GETFL:
          return O_RDWR | (s.nonBlocking ? O_NONBLOCK : 0);
        case F_SETFL:
          s.nonBlocking = (arg & O_NONBLOCK) !== 0;
          return 0;
        case F_GETFD:
          return this.table.cloexec(fd) ? FD_CLOEXEC : 0;
        case F_SETFD:
          this.table.setCloexec(fd, (arg & FD_CLOEXEC) !== 0);
          return 0;
        default:
          return fail(E.EINVAL);
      }
    });
  }

  /** close(2): 0, or -EBADF. */
  close(fd: number): number {
    return this.run('close', () => {
      this.table.close(fd);
      return 0;
    });
  }

  /** dup(2): the lowest free fd for the same socket, or -EBADF, -EMFILE. */
  dup(fd: number): number {
    return this.run('dup', () => this.table.dup(fd));
  }

  /** poll(2) with timeout 0: fills `revents`, returns how many are non-zero. */
  poll(requests: readonly PollRequest[], revents: number[] | Int32Array): number {
    return this.run('poll', () => {
      this.table.pollNow(requests, revents);
      let ready = 0;
      for (let i = 0; i < requests.length; i++) if (revents[i]) ready++;
      return ready;
    });
  }
}
