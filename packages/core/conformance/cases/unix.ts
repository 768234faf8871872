/** AF_UNIX stream cases. */
import { POLLOUT } from '../../src/constants.js';
import { check, equal, fails, readExactly, readToEnd, str, text, unwrap, waitFor, type ConformanceCase } from '../harness.js';

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
      fails(net.socketpair({}, 'unix', 'dgram'), 'ESOCKTNOSUPPORT', 'AF_UNIX datagram pair (deviation)');
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
