/** Bad inputs: each gives Linux's errno, never an exception. */
import * as C from '../../src/constants.js';
import { SocketSyscalls } from '../../src/syscalls.js';
import { encodeSockaddr } from '../../src/sockaddr.js';
import { equal, fails, failsRaw, loopback, tcpPair, text, unwrap, type ConformanceCase } from '../harness.js';

export const errorCases: ConformanceCase[] = [
  {
    group: 'errors',
    name: 'closed fd, non-socket fd, bad socket() arguments',
    async run({ net }) {
      const fd = unwrap(net.socket('ipv4', 'stream'), 'socket');
      unwrap(net.close(fd), 'close');
      fails(net.close(fd), 'EBADF', 'double close');
      fails(net.send(fd, text('x')), 'EBADF', 'send on closed fd');
      fails(net.recv(fd, 1), 'EBADF', 'recv on closed fd');
      fails(net.getsockname(fd), 'EBADF', 'getsockname on closed fd');
      fails(net.send(0, text('x')), 'ENOTSOCK', 'send on stdin');
      fails(net.listen(1, 1), 'ENOTSOCK', 'listen on stdout');
      fails(net.socket(99, 'stream'), 'EAFNOSUPPORT', 'unknown family');
      fails(net.socket('ipv4', 99), 'EINVAL', 'unknown type');
      fails(net.socket('ipv4', 'stream', { protocol: C.IPPROTO_UDP }), 'EPROTONOSUPPORT', 'TCP with UDP protocol');
      fails(net.socket('ipv4', 'dgram', { protocol: C.IPPROTO_TCP }), 'EPROTONOSUPPORT', 'UDP with TCP protocol');
      fails(net.socket('ipv4', C.SOCK_RAW), 'EPROTONOSUPPORT', 'raw sockets');
      fails(net.socket('ipv4', C.SOCK_STREAM | 0x10000), 'EINVAL', 'unknown type flag');
    },
  },
  {
    group: 'errors',
    name: 'bad addresses and lengths through the syscall interface',
    async run({ net }) {
      const sys = new SocketSyscalls(net.table);
      const fd = sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const sin = encodeSockaddr(loopback.ipv4(0));
      failsRaw(sys.bind(fd, sin, 1), 'EINVAL', 'addrlen 1');
      failsRaw(sys.bind(fd, sin, 15), 'EINVAL', 'short sockaddr_in');
      failsRaw(sys.bind(fd, sin, -1), 'EINVAL', 'negative addrlen');
      failsRaw(sys.bind(fd, sin, 200), 'EINVAL', 'addrlen past the buffer');
      const badFamily = sin.slice();
      badFamily[0] = 99;
      failsRaw(sys.bind(fd, badFamily, 16), 'EAFNOSUPPORT', 'unknown family');
      const v6 = encodeSockaddr(loopback.ipv6(80));
      failsRaw(sys.bind(fd, v6, v6.byteLength), 'EAFNOSUPPORT', 'IPv6 address on IPv4 socket');
      failsRaw(sys.connect(fd, v6, v6.byteLength), 'EAFNOSUPPORT', 'connect with IPv6 address');
      equal(sys.bind(fd, sin, 16), 0, 'valid bind still works');
      failsRaw(sys.accept4(fd, null, 0, 0), 'EINVAL', 'accept on a non-listening socket');
      failsRaw(sys.accept4(fd, null, 0, 0x12345), 'EINVAL', 'accept4 with bad flags');
      failsRaw(sys.getsockname(fd, new Uint8Array(16), -1), 'EINVAL', 'negative addrlen for getsockname');
      failsRaw(sys.getpeername(fd, new Uint8Array(16), 16), 'ENOTCONN', 'getpeername unconnected');
      failsRaw(sys.ioctl(fd, 0x1234), 'ENOTTY', 'unknown ioctl');
      failsRaw(sys.fcntl(fd, 999), 'EINVAL', 'unknown fcntl');
      failsRaw(sys.recvfrom(999, new Uint8Array(4), 0, null, 0), 'EBADF', 'recv on a bad fd');
      const u = sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      failsRaw(sys.listen(u, 1), 'EOPNOTSUPP', 'listen on UDP');
      failsRaw(sys.sendto(u, text('x'), 0, sin, 8), 'EINVAL', 'short destination');
      // Writes of the address are truncated to the caller's length, the full length reported.
      equal(sys.getsockname(fd, new Uint8Array(4), 4), 0, 'truncated getsockname');
      equal(sys.out.addrlen, 16, 'full length reported');
      // Non-blocking flag round-trip.
      equal(sys.fcntl(fd, C.F_SETFL, C.O_NONBLOCK), 0, 'F_SETFL');
      equal(sys.fcntl(fd, C.F_GETFL) & C.O_NONBLOCK, C.O_NONBLOCK, 'F_GETFL');
      equal(sys.ioctl(fd, C.FIONBIO, 0), 0, 'FIONBIO off');
      equal(sys.fcntl(fd, C.F_GETFL) & C.O_NONBLOCK, 0, 'cleared');
    },
  },
  {
    group: 'errors',
    name: 'bad lengths and states in the JS API',
    async run({ net }) {
      const { client } = await tcpPair(net);
      fails(net.recv(client, -1), 'EINVAL', 'negative length');
      fails(net.recv(client, 1.5), 'EINVAL', 'fractional length');
      fails(net.recv(client, Number.MAX_SAFE_INTEGER), 'EAGAIN', 'huge length just means "whatever is there"');
      const fresh = unwrap(net.socket('ipv4', 'stream'), 'socket');
      fails(net.send(fresh, text('x')), 'EPIPE', 'send unconnected');
      fails(net.recv(fresh, 1), 'ENOTCONN', 'recv unconnected');
      fails(net.getpeername(fresh), 'ENOTCONN', 'getpeername unconnected');
      fails(net.connect(fresh, { family: 'unix', path: '/nonexistent' }), 'EAFNOSUPPORT', 'unix address on TCP');
      fails(net.accept(fresh), 'EINVAL', 'accept unlistened');
      unwrap(net.setNonBlocking(client, true), 'setNonBlocking');
    },
  },
  {
    group: 'errors',
    name: 'DNS: localhost resolves, an unknown name is ENOENT',
    async run({ net }) {
      const r = unwrap(await net.lookup('localhost', 'ipv4'), 'lookup localhost');
      equal(r.some((a) => a.address === '127.0.0.1'), true, 'localhost is 127.0.0.1');
      fails(await net.lookup('no-such-host.invalid'), 'ENOENT', 'unknown name');
    },
  },
];
