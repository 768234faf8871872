/** IPv6 cases on ::1. */
import { IPPROTO_IPV6, IPV6_V6ONLY } from '../../src/constants.js';
import { equal, fails, loopback, portOf, readExactly, str, tcpPair, text, unwrap, type ConformanceCase } from '../harness.js';

export const ipv6Cases: ConformanceCase[] = [
  {
    group: 'ipv6',
    name: 'TCP over ::1',
    requires: ['ipv6'],
    async run({ net }) {
      const { client, server, port } = await tcpPair(net, 'ipv6');
      unwrap(await net.sendAllAsync(client, text('v6')), 'send');
      equal(str(await readExactly(net, server, 2)), 'v6', 'received');
      const peer = unwrap(net.getpeername(client), 'getpeername');
      equal(peer.family === 'ipv6' ? [peer.address, peer.port] : [], ['::1', port], 'peer is [::1]:port');
    },
  },
  {
    group: 'ipv6',
    name: 'UDP over ::1 and IPV6_V6ONLY before bind only',
    requires: ['ipv6', 'udp'],
    async run({ net }) {
      const s = unwrap(net.socket('ipv6', 'dgram'), 'socket');
      unwrap(net.setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, 1), 'V6ONLY before bind');
      unwrap(net.bind(s, loopback.ipv6(0)), 'bind');
      fails(net.setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, 0), 'EINVAL', 'V6ONLY after bind');
      const c = unwrap(net.socket('ipv6', 'dgram'), 'socket');
      unwrap(net.sendto(c, text('six'), loopback.ipv6(portOf(net, s))), 'sendto');
      const got = unwrap(await net.recvfromAsync(s, 10, 5000), 'recvfrom');
      equal(str(got.data), 'six', 'payload');
      equal(got.from?.address, '::1', 'sender');
      fails(net.bind(unwrap(net.socket('ipv6', 'stream'), 's'), loopback.ipv4(0)), 'EAFNOSUPPORT', 'IPv4 address on an IPv6 socket');
    },
  },
];
