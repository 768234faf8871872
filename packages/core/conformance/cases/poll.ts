/** Readiness masks as Linux reports them, and the async wait. */
import {
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLRDHUP,
  POLLRDNORM,
  POLLWRNORM,
} from '../../src/constants.js';
import { check, equal, hasBits, lacksBits, listenTcp, loopback, maskOf, tcpPair, text, unwrap, waitFor, type ConformanceCase } from '../harness.js';

export const pollCases: ConformanceCase[] = [
  {
    group: 'poll',
    name: 'masks: fresh, listening, connected, datagram, bad fd',
    async run({ net }) {
      const fresh = unwrap(net.socket('ipv4', 'stream'), 'socket');
      // A never-connected TCP socket is "hung up" and "writable" on Linux.
      equal(maskOf(net, fresh), POLLOUT | POLLWRNORM | POLLHUP, 'fresh TCP');
      const l = listenTcp(net);
      equal(maskOf(net, l.fd), 0, 'idle listener');
      const { client, server } = await tcpPair(net);
      equal(maskOf(net, client), POLLOUT | POLLWRNORM, 'idle connection');
      unwrap(await net.sendAllAsync(server, text('x')), 'send');
      equal(await waitFor(net, client, POLLIN, 5000), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM, 'readable connection');
      const d = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      hasBits(maskOf(net, d), POLLOUT | POLLWRNORM, 'UDP writable');
      lacksBits(maskOf(net, d), POLLIN | POLLHUP, 'UDP not readable, not hung up');
      equal(net.poll([{ fd: 9999, events: POLLIN }])[0], POLLNVAL, 'bad fd');
      equal(net.poll([{ fd: -1, events: POLLIN }])[0], 0, 'negative fd ignored');
      // Only requested events, plus POLLERR/POLLHUP, are reported.
      equal(net.poll([{ fd: fresh, events: POLLIN }])[0], POLLHUP, 'fresh filtered to POLLIN');
    },
  },
  {
    group: 'poll',
    name: 'connecting socket shows nothing until it completes',
    async run({ net }) {
      const l = listenTcp(net);
      const c = unwrap(net.socket('ipv4', 'stream', { nonBlocking: true }), 'socket');
      check(!net.connect(c, loopback.ipv4(l.port)).ok, 'EINPROGRESS');
      equal(maskOf(net, c), 0, 'connecting');
      hasBits(await waitFor(net, c, POLLOUT, 5000), POLLOUT, 'connected');
      lacksBits(maskOf(net, c), POLLERR | POLLHUP | POLLRDHUP, 'clean connection');
    },
  },
  {
    group: 'poll',
    name: 'wait: resolves on readiness and on timeout',
    async run({ net }) {
      const { client, server } = await tcpPair(net);
      const started = Date.now();
      const [none] = await net.wait([{ fd: server, events: POLLIN }], 50);
      equal(none, 0, 'timeout gives 0');
      check(Date.now() - started >= 40, 'waited about the timeout');
      const pending = net.wait([{ fd: server, events: POLLIN }], 5000);
      unwrap(net.send(client, text('go')), 'send');
      hasBits((await pending)[0] as number, POLLIN, 'woken by data');
      // Closing an fd someone waits on wakes the waiter with POLLNVAL.
      const orphan = net.wait([{ fd: client, events: POLLIN }], -1);
      unwrap(net.close(client), 'close');
      equal((await orphan)[0], POLLNVAL, 'closed while waiting');
    },
  },
];
