/** AF_UNIX stream cases. */
import { POLLHUP, POLLOUT, SHUT_WR } from '../../src/constants.js';
import { check, equal, fails, hasBits, lacksBits, maskOf, readExactly, readToEnd, str, text, unwrap, waitFor, type ConformanceCase } from '../harness.js';

export const unixCases: ConformanceCase[] = [
  {
    group: 'unix',
    name: 'server and client over a path',
    requires: ['unix'],
    async run({ net, env }) {
      const path = env.unixPath('echo');
      const l = unwrap(net.socket('unix', 'stream'), 'socket');
      fails(net.listen(l, 4), 'EINVAL', 'listen before bind');
      unwrap(net.bind(l, { family: 'unix', path }), 'bind');
      equal(unwrap(net.getsockname(l), 'getsockname'), { family: 'unix', path }, 'bound name');
      unwrap(net.listen(l, 4), 'listen');
      const c = unwrap(net.socket('unix', 'stream', { nonBlocking: true }), 'socket');
      unwrap(await net.connectAsync(c, { family: 'unix', path }, 5000), 'connect');
      const a = unwrap(await net.acceptAsync(l, 5000), 'accept');
      equal(a.address, { family: 'unix', path: '' }, 'client is unnamed');
      equal(unwrap(net.getpeername(c), 'getpeername'), { family: 'unix', path }, 'peer is the path');
      unwrap(await net.sendAllAsync(c, text('over unix')), 'send');
      equal(str(await readExactly(net, a.fd, 9)), 'over unix', 'received');
      unwrap(net.close(c), 'close');
      equal((await readToEnd(net, a.fd)).byteLength, 0, 'EOF');
    },
  },
  {
    group: 'unix',
    name: 'refused: missing path ENOENT, bound but not listening ECONNREFUSED',
    requires: ['unix'],
    async run({ net, env }) {
      const missing = env.unixPath('missing');
      const c = unwrap(net.socket('unix', 'stream', { nonBlocking: true }), 'socket');
      fails(await net.connectAsync(c, { family: 'unix', path: missing }, 5000), 'ENOENT', 'no such path');
      const path = env.unixPath('bound');
      const b = unwrap(net.socket('unix', 'stream'), 'socket');
      unwrap(net.bind(b, { family: 'unix', path }), 'bind');
      const d = unwrap(net.socket('unix', 'stream', { nonBlocking: true }), 'socket');
      fails(await net.connectAsync(d, { family: 'unix', path }, 5000), 'ECONNREFUSED', 'bound, not listening');
    },
  },
  {
    group: 'unix',
    name: 'path in use: EADDRINUSE; sendto with an address on a connected stream: EISCONN',
    requires: ['unix'],
    async run({ net, env }) {
      const path = env.unixPath('inuse');
      const a = unwrap(net.socket('unix', 'stream'), 'socket');
      unwrap(net.bind(a, { family: 'unix', path }), 'bind');
      unwrap(net.listen(a, 2), 'listen');
      const b = unwrap(net.socket('unix', 'stream'), 'socket');
      fails(net.bind(b, { family: 'unix', path }), 'EADDRINUSE', 'second bind');
      const c = unwrap(net.socket('unix', 'stream'), 'socket');
      fails(net.sendto(c, text('x'), { family: 'unix', path }), 'EOPNOTSUPP', 'sendto on an unconnected unix stream');
      unwrap(await net.connectAsync(c, { family: 'unix', path }, 5000), 'connect');
      await waitFor(net, c, POLLOUT, 5000, 'connected');
      fails(net.sendto(c, text('x'), { family: 'unix', path }), 'EISCONN', 'sendto on a connected unix stream');
      check(unwrap(await net.acceptAsync(a, 5000), 'accept').fd > 0, 'accepted');
    },
  },
  {
    group: 'unix',
    name: 'socketpair: two connected unix streams, half-close, errors for other families',
    async run({ net }) {
      const [a, b] = unwrap(net.socketpair(), 'socketpair');
      equal(unwrap(net.getpeername(a), 'getpeername'), { family: 'unix', path: '' }, 'unnamed peer');
      // Like Linux, a write is readable from the other end at once.
      equal(unwrap(net.send(a, text('now')), 'send'), 3, 'sent');
      equal(str(unwrap(net.recv(b, 10), 'recv at once')), 'now', 'readable synchronously');
      unwrap(await net.sendAllAsync(a, text('pair')), 'send a');
      equal(str(await readExactly(net, b, 4)), 'pair', 'b reads');
      unwrap(await net.sendAllAsync(b, text('back')), 'send b');
      equal(str(await readExactly(net, a, 4)), 'back', 'a reads');
      unwrap(net.shutdown(a, 1), 'SHUT_WR');
      equal((await readToEnd(net, b)).byteLength, 0, 'EOF at b');
      fails(net.socketpair({}, 'ipv4', 'stream'), 'EOPNOTSUPP', 'AF_INET socketpair');
      fails(net.socketpair({}, 'unix', 5 /* SOCK_SEQPACKET */), 'ESOCKTNOSUPPORT', 'AF_UNIX SOCK_SEQPACKET pair');
    },
  },
  {
    group: 'unix',
    name: 'socketpair: after shutdown(SHUT_WR) and close of one end, the other hangs up (POLLHUP) and send is EPIPE',
    async run({ net }) {
      const [a, b] = unwrap(net.socketpair({ nonBlocking: true }), 'socketpair');
      unwrap(net.shutdown(a, SHUT_WR), 'SHUT_WR');
      equal(unwrap(net.recv(b, 10), 'EOF').byteLength, 0, 'b reads EOF');
      unwrap(net.close(a), 'close a');
      hasBits(maskOf(net, b), POLLHUP, 'b hung up at once');
      fails(net.send(b, text('x')), 'EPIPE', 'send to the closed end');
    },
  },
  {
    group: 'unix',
    name: 'socketpair(SOCK_DGRAM): boundaries, truncation, a full queue is EAGAIN, then ECONNREFUSED and ENOTCONN after the other end closes',
    async run({ net }) {
      const [a, b] = unwrap(net.socketpair({ nonBlocking: true }, 'unix', 'dgram'), 'socketpair');
      equal(unwrap(net.getpeername(a), 'getpeername'), { family: 'unix', path: '' }, 'unnamed peer');
      equal(unwrap(net.send(a, text('abc')), 'send'), 3, 'sent 3');
      equal(unwrap(net.send(a, text('defgh')), 'send'), 5, 'sent 5');
      const first = unwrap(net.recvfrom(b, 10), 'recvfrom');
      equal([str(first.data), first.from], ['abc', undefined], 'one datagram, unnamed sender');
      const cut = unwrap(net.recvfrom(b, 2), 'short recv');
      equal([str(cut.data), cut.truncated], ['de', true], 'truncated');
      fails(net.recv(b, 10), 'EAGAIN', 'the rest is discarded');
      let sent = 0;
      while (net.send(a, new Uint8Array(1000)).ok) sent++;
      check(sent > 0, 'the queue took some');
      fails(net.send(a, new Uint8Array(1000)), 'EAGAIN', 'full');
      lacksBits(maskOf(net, a), POLLOUT, 'no POLLOUT while full');
      for (let i = 0; i < sent; i++) unwrap(net.recv(b, 1000), 'drain');
      hasBits(maskOf(net, a), POLLOUT, 'POLLOUT again once drained');
      unwrap(net.close(b), 'close b');
      fails(net.send(a, text('x')), 'ECONNREFUSED', 'first send after close');
      fails(net.send(a, text('x')), 'ENOTCONN', 'then not connected');
    },
  },
  {
    group: 'unix',
    name: 'socketpair: flow control and close',
    async run({ net }) {
      const [a, b] = unwrap(net.socketpair({ nonBlocking: true }), 'socketpair');
      // b never reads: a's sends must stop (bounded), then all arrive once b reads.
      let sent = 0;
      const chunk = new Uint8Array(65536);
      for (let i = 0; i < 1000; i++) {
        const r = net.send(a, chunk);
        if (!r.ok) {
          equal(r.code, 'EAGAIN', 'full pair');
          break;
        }
        sent += r.value;
      }
      check(sent > 0 && sent < 64 * 1024 * 1024, `bounded: ${sent}`);
      let got = 0;
      for (;;) {
        const r = net.recv(b, 1 << 20);
        if (!r.ok) break;
        got += r.value.byteLength;
      }
      equal(got, sent, 'every byte arrives');
      unwrap(net.close(a), 'close a');
      equal(unwrap(net.recv(b, 10), 'EOF').byteLength, 0, 'EOF after the peer closed');
      fails(net.send(b, text('x')), 'EPIPE', 'send to a closed peer');
    },
  },
];
