/** Socket options: defaults, round trips, validation — values as Linux reports them. */
import * as C from '../../src/constants.js';
import { SocketSyscalls } from '../../src/syscalls.js';
import { equal, fails, failsRaw, tcpPair, unwrap, type ConformanceCase } from '../harness.js';
import type { RawSockets } from '../../src/api.js';

type Row = [level: number, name: number, label: string, set: unknown, get: unknown];

function roundTrip(net: RawSockets, fd: number, rows: Row[]): void {
  for (const [level, name, label, set, get] of rows) {
    unwrap(net.setsockopt(fd, level, name, set as number), `set ${label}`);
    equal(unwrap(net.getsockopt(fd, level, name), `get ${label}`), get, label);
  }
}

export const optionCases: ConformanceCase[] = [
  {
    group: 'options',
    name: 'SOL_SOCKET read-only options and defaults',
    async run({ net }) {
      const t = unwrap(net.socket('ipv4', 'stream'), 'socket');
      const u = unwrap(net.socket('ipv6', 'dgram'), 'socket');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_TYPE), 'SO_TYPE'), C.SOCK_STREAM, 'SO_TYPE tcp');
      equal(unwrap(net.getsockopt(u, C.SOL_SOCKET, C.SO_TYPE), 'SO_TYPE'), C.SOCK_DGRAM, 'SO_TYPE udp');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_DOMAIN), 'SO_DOMAIN'), C.AF_INET, 'SO_DOMAIN');
      equal(unwrap(net.getsockopt(u, C.SOL_SOCKET, C.SO_DOMAIN), 'SO_DOMAIN'), C.AF_INET6, 'SO_DOMAIN v6');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_PROTOCOL), 'SO_PROTOCOL'), C.IPPROTO_TCP, 'SO_PROTOCOL');
      equal(unwrap(net.getsockopt(u, C.SOL_SOCKET, C.SO_PROTOCOL), 'SO_PROTOCOL'), C.IPPROTO_UDP, 'SO_PROTOCOL udp');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_ERROR), 'SO_ERROR'), 0, 'SO_ERROR');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_ACCEPTCONN), 'SO_ACCEPTCONN'), 0, 'not listening');
      unwrap(net.listen(t, 1), 'listen');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_ACCEPTCONN), 'SO_ACCEPTCONN'), 1, 'listening');
      for (const [name, label] of [[C.SO_TYPE, 'SO_TYPE'], [C.SO_ERROR, 'SO_ERROR'], [C.SO_ACCEPTCONN, 'SO_ACCEPTCONN'], [C.SO_DOMAIN, 'SO_DOMAIN']] as const) {
        fails(net.setsockopt(t, C.SOL_SOCKET, name, 1), 'ENOPROTOOPT', `set ${label}`);
      }
      // Linux's defaults (x86_64, default sysctls).
      equal(unwrap(net.getsockopt(u, C.SOL_SOCKET, C.SO_RCVBUF), 'SO_RCVBUF'), 212992, 'UDP SO_RCVBUF default');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_SNDBUF), 'SO_SNDBUF'), 16384, 'TCP SO_SNDBUF default');
      equal(unwrap(net.getsockopt(t, C.SOL_SOCKET, C.SO_LINGER), 'SO_LINGER'), { onoff: 0, linger: 0 }, 'SO_LINGER default');
      equal(unwrap(net.getsockopt(t, C.IPPROTO_TCP, C.TCP_KEEPIDLE), 'KEEPIDLE'), 7200, 'TCP_KEEPIDLE default');
      equal(unwrap(net.getsockopt(t, C.IPPROTO_TCP, C.TCP_KEEPINTVL), 'KEEPINTVL'), 75, 'TCP_KEEPINTVL default');
      equal(unwrap(net.getsockopt(t, C.IPPROTO_TCP, C.TCP_KEEPCNT), 'KEEPCNT'), 9, 'TCP_KEEPCNT default');
      equal(unwrap(net.getsockopt(u, C.IPPROTO_IP, C.IP_TTL), 'IP_TTL'), 64, 'IP_TTL default (route default)');
      equal(unwrap(net.getsockopt(u, C.IPPROTO_IP, C.IP_MULTICAST_TTL), 'IP_MULTICAST_TTL'), 1, 'IP_MULTICAST_TTL default');
      equal(unwrap(net.getsockopt(u, C.IPPROTO_IP, C.IP_MULTICAST_LOOP), 'IP_MULTICAST_LOOP'), 1, 'IP_MULTICAST_LOOP default');
    },
  },
  {
    group: 'options',
    name: 'SOL_SOCKET and TCP options round-trip on a connected socket',
    async run({ net }) {
      const { client } = await tcpPair(net);
      roundTrip(net, client, [
        [C.SOL_SOCKET, C.SO_REUSEADDR, 'SO_REUSEADDR', 1, 1],
        [C.SOL_SOCKET, C.SO_REUSEPORT, 'SO_REUSEPORT', 5, 1],
        [C.SOL_SOCKET, C.SO_KEEPALIVE, 'SO_KEEPALIVE', 1, 1],
        [C.SOL_SOCKET, C.SO_BROADCAST, 'SO_BROADCAST', 2, 1],
        [C.SOL_SOCKET, C.SO_LINGER, 'SO_LINGER', { onoff: 7, linger: 5 }, { onoff: 1, linger: 5 }],
        // Linux doubles buffer sizes and applies a floor.
        [C.SOL_SOCKET, C.SO_RCVBUF, 'SO_RCVBUF', 65536, 131072],
        [C.SOL_SOCKET, C.SO_RCVBUF, 'SO_RCVBUF floor', 1000, 2304],
        [C.SOL_SOCKET, C.SO_SNDBUF, 'SO_SNDBUF', 32768, 65536],
        [C.SOL_SOCKET, C.SO_SNDBUF, 'SO_SNDBUF floor', 1, 4608],
        [C.SOL_SOCKET, C.SO_SNDBUF, 'SO_SNDBUF clamp', 1 << 30, 425984],
        [C.SOL_SOCKET, C.SO_RCVTIMEO, 'SO_RCVTIMEO', { sec: 1, usec: 500000 }, { sec: 1, usec: 500000 }],
        [C.SOL_SOCKET, C.SO_SNDTIMEO, 'SO_SNDTIMEO', { sec: 2, usec: 0 }, { sec: 2, usec: 0 }],
        [C.SOL_SOCKET, C.SO_RCVTIMEO, 'SO_RCVTIMEO negative', { sec: -5, usec: 0 }, { sec: 0, usec: 0 }],
        [C.SOL_SOCKET, C.SO_SNDTIMEO, 'SO_SNDTIMEO rounded up to a tick (1 ms)', { sec: 0, usec: 1 }, { sec: 0, usec: 1000 }],
        [C.IPPROTO_TCP, C.TCP_NODELAY, 'TCP_NODELAY', 1, 1],
        [C.IPPROTO_TCP, C.TCP_NODELAY, 'TCP_NODELAY off', 0, 0],
        [C.IPPROTO_TCP, C.TCP_KEEPIDLE, 'TCP_KEEPIDLE', 30, 30],
        [C.IPPROTO_TCP, C.TCP_KEEPINTVL, 'TCP_KEEPINTVL', 5, 5],
        [C.IPPROTO_TCP, C.TCP_KEEPCNT, 'TCP_KEEPCNT', 127, 127],
        [C.IPPROTO_IP, C.IP_TTL, 'IP_TTL', 17, 17],
      ]);
      fails(net.setsockopt(client, C.SOL_SOCKET, C.SO_RCVTIMEO, { sec: 0, usec: 1_000_000 }), 'EDOM', 'usec out of range');
      fails(net.setsockopt(client, C.IPPROTO_TCP, C.TCP_KEEPIDLE, 0), 'EINVAL', 'KEEPIDLE 0');
      fails(net.setsockopt(client, C.IPPROTO_TCP, C.TCP_KEEPIDLE, 32768), 'EINVAL', 'KEEPIDLE too big');
      fails(net.setsockopt(client, C.IPPROTO_TCP, C.TCP_KEEPINTVL, 32768), 'EINVAL', 'KEEPINTVL too big');
      fails(net.setsockopt(client, C.IPPROTO_TCP, C.TCP_KEEPCNT, 128), 'EINVAL', 'KEEPCNT too big');
      fails(net.setsockopt(client, C.IPPROTO_IP, C.IP_TTL, 0), 'EINVAL', 'IP_TTL 0');
      fails(net.setsockopt(client, C.IPPROTO_IP, C.IP_TTL, 256), 'EINVAL', 'IP_TTL 256');
      fails(net.setsockopt(client, C.IPPROTO_IP, C.IP_MULTICAST_TTL, 1), 'EINVAL', 'IP_MULTICAST_TTL on TCP');
      fails(net.setsockopt(client, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, { group: '239.1.2.3' }), 'EPROTO', 'membership on TCP');
      fails(net.setsockopt(client, C.IPPROTO_IPV6, C.IPV6_V6ONLY, 1), 'ENOPROTOOPT', 'IPv6 option on IPv4');
      fails(net.setsockopt(client, C.SOL_SOCKET, 9999, 1), 'ENOPROTOOPT', 'unknown option');
      fails(net.setsockopt(client, 12345, 1, 1), 'ENOPROTOOPT', 'unknown level');
      // The options still let data through.
      unwrap(await net.sendAllAsync(client, new Uint8Array(10)), 'send with options set');
    },
  },
  {
    group: 'options',
    name: 'IP and IPv6 datagram options round-trip, multicast membership',
    requires: ['udp'],
    async run({ net, env }) {
      const u = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      unwrap(net.bind(u, { family: 'ipv4', address: '0.0.0.0', port: 0 }), 'bind');
      roundTrip(net, u, [
        [C.IPPROTO_IP, C.IP_TTL, 'IP_TTL', 9, 9],
        [C.IPPROTO_IP, C.IP_TTL, 'IP_TTL reset', -1, 64],
        [C.IPPROTO_IP, C.IP_MULTICAST_TTL, 'IP_MULTICAST_TTL', 5, 5],
        [C.IPPROTO_IP, C.IP_MULTICAST_TTL, 'IP_MULTICAST_TTL reset', -1, 1],
        [C.IPPROTO_IP, C.IP_MULTICAST_LOOP, 'IP_MULTICAST_LOOP', 0, 0],
        [C.IPPROTO_IP, C.IP_MULTICAST_LOOP, 'IP_MULTICAST_LOOP on', 5, 1],
        [C.SOL_SOCKET, C.SO_BROADCAST, 'SO_BROADCAST', 1, 1],
        [C.SOL_SOCKET, C.SO_RCVBUF, 'SO_RCVBUF', 4096, 8192],
      ]);
      unwrap(net.setsockopt(u, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, { group: '239.1.2.3', iface: '0.0.0.0' }), 'join');
      fails(net.setsockopt(u, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, { group: '239.1.2.3', iface: '0.0.0.0' }), 'EADDRINUSE', 'join twice');
      unwrap(net.setsockopt(u, C.IPPROTO_IP, C.IP_DROP_MEMBERSHIP, { group: '239.1.2.3', iface: '0.0.0.0' }), 'leave');
      fails(net.setsockopt(u, C.IPPROTO_IP, C.IP_DROP_MEMBERSHIP, { group: '239.1.2.3', iface: '0.0.0.0' }), 'EADDRNOTAVAIL', 'leave twice');
      fails(net.setsockopt(u, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, { group: '10.1.2.3' }), 'EINVAL', 'not a multicast group');
      fails(net.setsockopt(u, C.IPPROTO_TCP, C.TCP_NODELAY, 1), 'ENOPROTOOPT', 'TCP option on UDP');
      if (env.ipv6Unavailable) return;
      const v = unwrap(net.socket('ipv6', 'dgram'), 'socket');
      roundTrip(net, v, [
        [C.IPPROTO_IPV6, C.IPV6_V6ONLY, 'IPV6_V6ONLY', 1, 1],
        [C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, 'IPV6_MULTICAST_HOPS', 7, 7],
        [C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, 'IPV6_MULTICAST_HOPS reset', -1, 1],
        [C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, 'IPV6_MULTICAST_LOOP', 0, 0],
        [C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, 'IPV6_UNICAST_HOPS', 12, 12],
        [C.IPPROTO_IP, C.IP_TTL, 'IP_TTL on IPv6', 9, 9],
      ]);
      fails(net.setsockopt(v, C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, 2), 'EINVAL', 'loop must be 0 or 1');
      fails(net.setsockopt(v, C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, 256), 'EINVAL', 'hops > 255');
      unwrap(net.bind(v, { family: 'ipv6', address: '::', port: 0 }), 'bind v6');
      unwrap(net.setsockopt(v, C.IPPROTO_IPV6, C.IPV6_JOIN_GROUP, { group: 'ff02::1:3', iface: '0' }), 'join v6');
      unwrap(net.setsockopt(v, C.IPPROTO_IPV6, C.IPV6_LEAVE_GROUP, { group: 'ff02::1:3', iface: '0' }), 'leave v6');
      fails(net.setsockopt(v, C.IPPROTO_IPV6, C.IPV6_JOIN_GROUP, { group: '::1', iface: '0' }), 'EINVAL', 'not multicast');
    },
  },
  {
    group: 'options',
    name: 'byte-level option lengths (setsockopt/getsockopt through the syscall interface)',
    async run({ net }) {
      const sys = new SocketSyscalls(net.table);
      const fd = sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const u = sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const four = new Uint8Array([1, 0, 0, 0]);
      failsRaw(sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, four.subarray(0, 2)), 'EINVAL', 'int option with 2 bytes');
      equal(sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, four), 0, 'int option with 4 bytes');
      failsRaw(sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, new Uint8Array(7)), 'EINVAL', 'linger with 7 bytes');
      failsRaw(sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVTIMEO, new Uint8Array(4)), 'EINVAL', 'timeval with 4 bytes');
      // IPPROTO_IP integer options also take a single byte.
      equal(sys.setsockopt(u, C.IPPROTO_IP, C.IP_MULTICAST_TTL, Uint8Array.of(5)), 0, 'IP_MULTICAST_TTL one byte');
      failsRaw(sys.setsockopt(u, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, new Uint8Array(7)), 'EINVAL', 'ip_mreq with 7 bytes');
      const out = new Uint8Array(16);
      equal(sys.getsockopt(u, C.IPPROTO_IP, C.IP_MULTICAST_TTL, out, 4), 0, 'get 4 bytes');
      equal([sys.out.optlen, out[0]], [4, 5], 'optlen and value');
      equal(sys.getsockopt(fd, C.SOL_SOCKET, C.SO_TYPE, out, 2), 0, 'short getsockopt');
      equal(sys.out.optlen, 2, 'truncated to optlen');
      equal(sys.getsockopt(fd, C.SOL_SOCKET, C.SO_TYPE, out, 0), 0, 'zero-length getsockopt');
      equal(sys.out.optlen, 0, 'nothing written');
      failsRaw(sys.getsockopt(fd, C.SOL_SOCKET, C.SO_TYPE, out, -1), 'EINVAL', 'negative optlen');
      equal(sys.getsockopt(u, C.IPPROTO_IP, C.IP_MULTICAST_TTL, out, 1), 0, 'one-byte IP getsockopt');
      equal([sys.out.optlen, out[0]], [1, 5], 'one byte');
      const tv = new Uint8Array(16);
      new DataView(tv.buffer).setBigInt64(0, 3n, true);
      new DataView(tv.buffer).setBigInt64(8, 250000n, true);
      equal(sys.setsockopt(fd, C.SOL_SOCKET, C.SO_SNDTIMEO, tv), 0, 'timeval bytes');
      const back = new Uint8Array(16);
      equal(sys.getsockopt(fd, C.SOL_SOCKET, C.SO_SNDTIMEO, back, 16), 0, 'get timeval');
      equal([...back], [...tv], 'timeval round trip');
    },
  },
  {
    group: 'options',
    name: 'unix sockets: socket-level options work, IP/TCP levels are EOPNOTSUPP',
    requires: ['unix'],
    async run({ net }) {
      const s = unwrap(net.socket('unix', 'stream'), 'socket');
      unwrap(net.setsockopt(s, C.SOL_SOCKET, C.SO_KEEPALIVE, 1), 'SO_KEEPALIVE');
      equal(unwrap(net.getsockopt(s, C.SOL_SOCKET, C.SO_DOMAIN), 'SO_DOMAIN'), C.AF_UNIX, 'AF_UNIX');
      fails(net.setsockopt(s, C.IPPROTO_TCP, C.TCP_NODELAY, 1), 'EOPNOTSUPP', 'TCP level on unix');
      fails(net.setsockopt(s, C.IPPROTO_IP, C.IP_TTL, 1), 'EOPNOTSUPP', 'IP level on unix');
    },
  },
];
