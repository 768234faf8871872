/**
 * Cases for the synchronous API (the worker bridge: `createSyncSockets()` of
 * `@rawsock/node/sync`, `@rawsock/deno/sync`, `@rawsock/bun/sync`). Each one
 * runs on the caller's thread and blocks it for real, so the peers are the
 * API's own sockets (served by the worker's event loop) and the waits are
 * timeouts; a runtime's runner adds a peer in another process where it can
 * (data that arrives late).
 */
import type { SocketAddress } from '../src/address.js';
import type { SyncSockets } from '../src/bridge/client.js';
import { POLLIN, SOL_SOCKET, SO_RCVTIMEO, SO_SNDTIMEO } from '../src/constants.js';
import { check, equal, fails, loopback, unwrap } from './harness.js';

/** One case of the synchronous API. */
export interface SyncCase {
  /** What it checks, in a sentence. */
  readonly name: string;
  /** Runs the case; throws ConformanceFailure on a mismatch. `close` registers an fd to close afterwards. */
  run(net: SyncSockets, close: (fd: number) => void): void;
}

/** A struct timeval of `ms` in the 64-bit layout the bridge's option ABI reads. */
function timeval(ms: number): Uint8Array {
  const tv = new Uint8Array(16);
  const view = new DataView(tv.buffer);
  view.setBigInt64(0, BigInt(Math.floor(ms / 1000)), true);
  view.setBigInt64(8, BigInt((ms % 1000) * 1000), true);
  return tv;
}

/** A listening TCP socket on 127.0.0.1 and its address. */
function listener(net: SyncSockets, close: (fd: number) => void, backlog = 8): { fd: number; addr: SocketAddress } {
  const fd = unwrap(net.socket('ipv4', 'stream'), 'socket');
  close(fd);
  unwrap(net.bind(fd, loopback.ipv4()), 'bind');
  unwrap(net.listen(fd, backlog), 'listen');
  return { fd, addr: unwrap(net.getsockname(fd), 'getsockname') };
}

/** A TCP client connected (blocking) to a fresh listener that never accepts; the client's fd. */
function connectedClient(net: SyncSockets, close: (fd: number) => void): number {
  const l = listener(net, close);
  const c = unwrap(net.socket('ipv4', 'stream'), 'socket');
  close(c);
  unwrap(net.connect(c, l.addr), 'connect');
  return c;
}

/** Milliseconds `fn` took. */
function timed(fn: () => void): number {
  const started = Date.now();
  fn();
  return Date.now() - started;
}

/** Every case, in order. */
export const syncCases: readonly SyncCase[] = [
  {
    name: 'blocking connect completes against a listener; accept returns the connection; bytes flow both ways, 200,000 of them in pieces',
    run(net, close) {
      const l = listener(net, close);
      const c = unwrap(net.socket('ipv4', 'stream'), 'socket');
      close(c);
      equal(unwrap(net.connect(c, l.addr), 'connect'), 0, 'connect');
      const a = unwrap(net.accept(l.fd), 'accept');
      close(a.fd);
      const data = new Uint8Array(200_000).map((_, i) => i % 251);
      let sent = 0;
      let got = 0;
      let mismatch = -1;
      // Alternate: one thread cannot send without bound while nobody reads.
      while (got < data.length) {
        if (sent < data.length) sent += unwrap(net.send(c, data.subarray(sent, Math.min(sent + 50_000, data.length))), 'send');
        const piece = unwrap(net.recv(a.fd, 65536), 'recv');
        for (let i = 0; i < piece.byteLength && mismatch < 0; i++) if (piece[i] !== data[got + i]) mismatch = got + i;
        got += piece.byteLength;
      }
      equal(mismatch, -1, 'first differing byte');
      unwrap(net.send(a.fd, new Uint8Array([7])), 'send back');
      equal([...unwrap(net.recv(c, 10), 'recv back')].join(), '7', 'bytes back');
      unwrap(net.shutdown(c, 1), 'shutdown(SHUT_WR)');
      equal(unwrap(net.recv(a.fd, 10), 'recv after the peer shut down').byteLength, 0, 'EOF');
    },
  },
  {
    name: 'SO_RCVTIMEO: a blocking recv with no data waits about the timeout, then EAGAIN',
    run(net, close) {
      const c = connectedClient(net, close);
      unwrap(net.setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, timeval(150)), 'SO_RCVTIMEO');
      let r: ReturnType<SyncSockets['recv']> | undefined;
      const waited = timed(() => (r = net.recv(c, 10)));
      fails(r!, 'EAGAIN', 'recv after the timeout');
      check(waited >= 140 && waited < 3000, `recv waited ${waited} ms, want about 150`);
    },
  },
  {
    name: 'SO_SNDTIMEO: a blocking send the peer never reads fills the buffers, waits about the timeout, then returns the bytes taken',
    run(net, close) {
      const c = connectedClient(net, close);
      unwrap(net.setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, timeval(200)), 'SO_SNDTIMEO');
      const chunk = new Uint8Array(256 * 1024);
      let total = 0;
      let last: ReturnType<SyncSockets['send']> | undefined;
      const waited = timed(() => {
        // Bounded: the kernel and rawsock buffers hold a few MiB at most.
        for (let i = 0; i < 400; i++) {
          last = net.send(c, chunk);
          if (!last.ok || last.value < chunk.byteLength) break;
          total += last.value;
        }
      });
      check(last !== undefined && (!last.ok ? last.code === 'EAGAIN' : last.value < chunk.byteLength), `the last send: ${JSON.stringify(last)}`);
      check(total > 0, 'some bytes were taken before the buffers filled');
      check(waited >= 190 && waited < 10_000, `sends waited ${waited} ms in all, want at least the 200 ms timeout`);
    },
  },
  {
    name: 'a blocking connect to a closed port fails with ECONNREFUSED',
    run(net, close) {
      const probe = unwrap(net.socket('ipv4', 'stream'), 'socket');
      unwrap(net.bind(probe, loopback.ipv4()), 'bind');
      const addr = unwrap(net.getsockname(probe), 'getsockname');
      net.close(probe);
      const c = unwrap(net.socket('ipv4', 'stream'), 'socket');
      close(c);
      fails(net.connect(c, addr), 'ECONNREFUSED', 'connect');
    },
  },
  {
    name: 'poll waits its timeout when nothing is ready, and returns at once when something is',
    run(net, close) {
      const u = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      close(u);
      unwrap(net.bind(u, loopback.ipv4()), 'bind');
      let r: number[] = [];
      const waited = timed(() => (r = unwrap(net.poll([{ fd: u, events: POLLIN }], 120), 'poll')));
      equal(r.join(), '0', 'revents');
      check(waited >= 110 && waited < 3000, `poll waited ${waited} ms, want about 120`);
      unwrap(net.sendto(u, new Uint8Array([1]), unwrap(net.getsockname(u), 'getsockname')), 'sendto self');
      const quick = timed(() => (r = unwrap(net.poll([{ fd: u, events: POLLIN }], 5000), 'poll')));
      equal(r.join(), String(POLLIN), 'revents once a datagram is queued');
      check(quick < 2500, `poll took ${quick} ms with a datagram queued`);
    },
  },
  {
    name: 'UDP round trip with sender addresses',
    run(net, close) {
      const a = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      const b = unwrap(net.socket('ipv4', 'dgram'), 'socket');
      close(a);
      close(b);
      unwrap(net.bind(a, loopback.ipv4()), 'bind a');
      unwrap(net.bind(b, loopback.ipv4()), 'bind b');
      equal(unwrap(net.sendto(a, new Uint8Array([1, 2, 3]), unwrap(net.getsockname(b), 'name b')), 'sendto'), 3, 'sent');
      const got = unwrap(net.recvfrom(b, 100), 'recvfrom');
      equal([...got.data].join(), '1,2,3', 'datagram');
      equal(got.from, unwrap(net.getsockname(a), 'name a'), 'sender');
    },
  },
  {
    name: 'names resolve through the provider: localhost, and ENOENT for a name that does not exist',
    run(net) {
      check(unwrap(net.lookup('localhost', 'ipv4'), 'lookup localhost').includes('127.0.0.1'), 'localhost is 127.0.0.1');
      fails(net.lookup('no-such-host.invalid'), 'ENOENT', 'lookup of a name that does not exist');
    },
  },
];

/** Runs one case, then closes every fd it registered (pass or fail). */
export function runSyncCase(c: SyncCase, net: SyncSockets): void {
  const fds: number[] = [];
  try {
    c.run(net, (fd) => void fds.push(fd));
  } finally {
    for (const fd of fds.reverse()) net.close(fd);
  }
}
