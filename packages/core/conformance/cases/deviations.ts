/**
 * Pinned deviations from Linux (README "Deviations from Linux"): each case
 * asserts what rawsock does instead, so a change in behaviour is noticed
 * and the table updated.
 */
import * as C from '../../src/constants.js';
import { SocketSyscalls } from '../../src/syscalls.js';
import { equal, fails, failsRaw, tcpPair, unwrap, waitFor, type ConformanceCase } from '../harness.js';

export const deviationCases: ConformanceCase[] = [
  {
    group: 'deviations',
    name: 'non-blocking AF_UNIX connect returns EINPROGRESS (Linux: completes at once)',
    requires: ['unix'],
    async run({ net, env }) {
      const path = env.unixPath('nb');
      const l = unwrap(net.socket('unix', 'stream'), 'socket');
      unwrap(net.bind(l, { family: 'unix', path }), 'bind');
      unwrap(net.listen(l, 1), 'listen');
      const c = unwrap(net.socket('unix', 'stream', { nonBlocking: true }), 'socket');
      fails(net.connect(c, { family: 'unix', path }), 'EINPROGRESS', 'unix connect');
      await waitFor(net, c, C.POLLOUT, 5000, 'connected');
      unwrap(net.connect(c, { family: 'unix', path }), 'outcome reported once');
      const missing = unwrap(net.socket('unix', 'stream', { nonBlocking: true }), 'socket');
      fails(net.connect(missing, { family: 'unix', path: env.unixPath('none') }), 'EINPROGRESS', 'missing path also in progress');
      await waitFor(net, missing, C.POLLERR, 5000, 'refused');
      equal(unwrap(net.getsockopt(missing, C.SOL_SOCKET, C.SO_ERROR), 'SO_ERROR'), 2, 'SO_ERROR = ENOENT');
    },
  },
  {
    group: 'deviations',
    name: 'AF_UNIX datagram sockets are not offered (ESOCKTNOSUPPORT)',
    async run({ net }) {
      fails(net.socket('unix', 'dgram'), 'ESOCKTNOSUPPORT', 'AF_UNIX SOCK_DGRAM');
      fails(net.socket('unix', C.SOCK_SEQPACKET), 'ESOCKTNOSUPPORT', 'AF_UNIX SOCK_SEQPACKET');
    },
  },
  {
    group: 'deviations',
    name: 'connect(AF_UNSPEC) on a connected TCP socket is EOPNOTSUPP (Linux: disconnects)',
    async run({ net }) {
      const { client } = await tcpPair(net);
      const sys = new SocketSyscalls(net.table);
      const unspec = new Uint8Array(16);
      failsRaw(sys.connect(client, unspec, 16), 'EOPNOTSUPP', 'AF_UNSPEC on a connection');
      const fresh = sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      equal(sys.connect(fresh, unspec, 16), 0, 'AF_UNSPEC on an idle socket is a no-op, as on Linux');
    },
  },
];
