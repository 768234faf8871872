/** UDP cases: datagrams, connected filtering, truncation, autobind. */
import { MSG_PEEK, MSG_TRUNC, POLLIN, POLLOUT } from '../../src/constants.js';
import type { RawSockets } from '../../src/api.js';
import { check, equal, fails, hasBits, loopback, maskOf, portOf, sleep, str, text, unwrap, waitFor, type ConformanceCase } from '../harness.js';

function udp(net: RawSockets, family: 'ipv4' | 'ipv6' = 'ipv4', bind = true): { fd: number; port: number } {
  const fd = unwrap(net.socket(family, 'dgram'), 'socket');
  if (!bind) return { fd, port: 0 };
  unwrap(net.bind(fd, loopback[family](0)), 'bind');
  return { fd, port: portOf(net, fd) };
}

export const udpCases: ConformanceCase[] = [
  {
    group: 'udp',
    name: 'echo with sender addresses',
    requires: ['udp'],
    async run({ net }) {
      const server = udp(net);
      const client = udp(net);
      equal(unwrap(net.sendto(client.fd, text('ping'), loopback.ipv4(server.port)), 'sendto'), 4, 'sent');
      const got = unwrap(await net.recvfromAsync(server.fd, 100, 5000), 'recvfrom');
      equal(str(got.data), 'ping', 'payload');
      equal(got.from, loopback.ipv4(client.port), 'sender');
      check(got.from !== undefined, 'sender known');
      unwrap(net.sendto(server.fd, got.data, got.from!), 'echo');
      const back = unwrap(await net.recvfromAsync(client.fd, 100, 5000), 'recv echo');
      equal(str(back.data), 'ping', 'echoed');
      equal(back.from, loopback.ipv4(server.port), 'echo sender');
      hasBits(maskOf(net, client.fd), POLLOUT, 'UDP is writable');
    },
  },
  {
    group: 'udp',
    name: 'sendto on an unbound socket autobinds; send without a peer is EDESTADDRREQ',
    requires: ['udp'],
    async run({ net }) {
      const server = udp(net);
      const c = udp(net, 'ipv4', false);
      fails(net.send(c.fd, text('x')), 'EDESTADDRREQ', 'send unconnected');
      fails(net.recv(c.fd, 10), 'EAGAIN', 'recv on unbound UDP');
      unwrap(net.sendto(c.fd, text('hi'), loopback.ipv4(server.port)), 'sendto');
      check(portOf(net, c.fd) > 0, 'autobound');
      const got = unwrap(await net.recvfromAsync(server.fd, 10, 5000), 'recv');
      equal(got.from && got.from.port, portOf(net, c.fd), 'sender port = autobound port');
    },
  },
  {
    group: 'udp',
    name: 'connected UDP hears only its peer; sendto with an address still works (Linux)',
    requires: ['udp'],
    async run({ net }) {
      const a = udp(net);
      const b = udp(net);
      const stranger = udp(net);
      unwrap(net.connect(a.fd, loopback.ipv4(b.port)), 'connect');
      equal(unwrap(net.getpeername(a.fd), 'getpeername'), loopback.ipv4(b.port), 'peer');
      unwrap(net.sendto(stranger.fd, text('noise'), loopback.ipv4(a.port)), 'stranger sends');
      unwrap(net.sendto(b.fd, text('signal'), loopback.ipv4(a.port)), 'peer sends');
      const got = unwrap(await net.recvfromAsync(a.fd, 100, 5000), 'recv');
      equal(str(got.data), 'signal', 'only the peer is heard');
      await sleep(50);
      fails(net.recv(a.fd, 100), 'EAGAIN', 'the stranger was filtered');
      unwrap(net.send(a.fd, text('to peer')), 'send to the connected peer');
      equal(str(unwrap(await net.recvfromAsync(b.fd, 100, 5000), 'b recv').data), 'to peer', 'b got it');
      // Linux's UDP accepts an explicit destination on a connected socket.
      unwrap(net.sendto(a.fd, text('explicit'), loopback.ipv4(stranger.port)), 'sendto on connected UDP');
      equal(str(unwrap(await net.recvfromAsync(stranger.fd, 100, 5000), 'stranger recv').data), 'explicit', 'delivered to the named address');
      unwrap(net.disconnect(a.fd), 'AF_UNSPEC disconnect');
      fails(net.getpeername(a.fd), 'ENOTCONN', 'no peer after disconnect');
      fails(net.send(a.fd, text('x')), 'EDESTADDRREQ', 'send after disconnect');
      equal(portOf(net, a.fd), a.port, 'an explicitly bound socket keeps its port');
      // An autobound socket loses its port on disconnect (Linux __udp_disconnect).
      const auto = udp(net, 'ipv4', false);
      unwrap(net.connect(auto.fd, loopback.ipv4(b.port)), 'connect autobinds');
      check(portOf(net, auto.fd) > 0, 'autobound by connect');
      unwrap(net.disconnect(auto.fd), 'disconnect');
      equal(portOf(net, auto.fd), 0, 'autobound port released');
    },
  },
  {
    group: 'udp',
    name: 'truncation: short buffer cuts the datagram, MSG_TRUNC returns the real length',
    requires: ['udp'],
    async run({ net }) {
      const server = udp(net);
      const client = udp(net);
      for (const m of ['abcdefgh', 'ABCDEFGH', '12345678']) unwrap(net.sendto(client.fd, text(m), loopback.ipv4(server.port)), 'send');
      await waitFor(net, server.fd, POLLIN, 5000, 'datagram');
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline && unwrap(net.available(server.fd), 'FIONREAD') !== 8) await sleep(5);
      equal(unwrap(net.available(server.fd), 'FIONREAD'), 8, 'FIONREAD = next datagram size');
      const peeked = unwrap(net.recvfrom(server.fd, 3, MSG_PEEK), 'peek');
      equal(str(peeked.data), 'abc', 'peek cut');
      check(peeked.truncated, 'peek reports truncation');
      const cut = unwrap(net.recvfrom(server.fd, 3), 'short read');
      equal(str(cut.data), 'abc', 'first 3 bytes');
      check(cut.truncated, 'MSG_TRUNC in msg_flags');
      // The rest of the datagram is gone; the next read is the next datagram.
      await waitFor(net, server.fd, POLLIN, 5000, 'second');
      const r = unwrap(net.recvfrom(server.fd, 2, MSG_TRUNC), 'MSG_TRUNC read');
      equal(str(r.data), 'AB', 'copied bytes');
      await waitFor(net, server.fd, POLLIN, 5000, 'third');
      equal(str(unwrap(net.recv(server.fd, 100), 'third').slice()), '12345678', 'boundaries kept');
    },
  },
  {
    group: 'udp',
    name: 'oversized datagram is EMSGSIZE; bind conflict is EADDRINUSE',
    requires: ['udp'],
    async run({ net }) {
      const a = udp(net);
      fails(net.sendto(a.fd, new Uint8Array(65508), loopback.ipv4(a.port)), 'EMSGSIZE', '65508 bytes over IPv4');
      fails(net.sendto(a.fd, new Uint8Array(1), loopback.ipv4(0)), 'EINVAL', 'destination port 0');
      unwrap(net.sendto(a.fd, new Uint8Array(65507), loopback.ipv4(a.port)), 'the maximum');
      const b = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      fails(net.bind(b, loopback.ipv4(a.port)), 'EADDRINUSE', 'UDP port taken');
      fails(net.listen(a.fd, 1), 'EOPNOTSUPP', 'listen on UDP');
      fails(net.accept(a.fd), 'EOPNOTSUPP', 'accept on UDP');
      fails(net.shutdown(a.fd, 0), 'ENOTCONN', 'shutdown on unconnected UDP');
    },
  },
  {
    group: 'udp',
    name: 'broadcast without SO_BROADCAST: EACCES at once (limited and loopback broadcast); connect to loopback shows the loopback source',
    requires: ['udp'],
    async run({ net }) {
      const u = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      for (const address of ['255.255.255.255', '127.255.255.255']) {
        fails(net.sendto(u, text('b'), { family: 'ipv4', address, port: 9 }), 'EACCES', `sendto ${address}`);
      }
      const c = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      unwrap(net.connect(c, { family: 'ipv4', address: '127.0.0.1', port: 9 }), 'connect');
      const name = unwrap(net.getsockname(c), 'getsockname') as { address: string; port: number };
      equal(name.address, '127.0.0.1', 'the route source of a loopback destination');
      check(name.port > 0, 'an ephemeral port');
    },
  },
];
