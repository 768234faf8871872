/**
 * DenoProvider at the provider interface: what it does on Deno, including
 * the pinned deviations from Linux (each named "deviation:"), so a change in
 * Deno's behaviour shows up here.
 */
import { E, ErrnoError, type InetAddress, type StreamConnection } from '@rawsock/core';
import { assertDeno, createDenoProvider, DenoProvider } from '../src/index.ts';
import { UNSTABLE_NET_MESSAGE } from '../src/datagram.ts';
import { heldAddressCount } from '../src/stream-endpoint.ts';
import { hasUnstableNet, ipv6Unavailable, SOCKET_DIR, unixPath } from './env.ts';
import {
  assert,
  assertEquals,
  assertErrno,
  connectTo,
  listenOn,
  loopback4,
  NO_REUSE,
  pattern,
  Recorder,
  REUSE_ADDR,
  sleep,
  tcpPair,
  thrown,
  until,
  utf8,
} from './helpers.ts';

/** Closing a Deno conn rejects its pending read a tick later, after the test body: no op/resource sanitizers. */
function test(name: string, fn: () => Promise<void> | void, ignore = false): void {
  Deno.test({ name, ignore, sanitizeOps: false, sanitizeResources: false, fn });
}

const v6Missing = ipv6Unavailable();

/** True if Deno.listen on the address fails with AddrInUse (someone holds it). */
function held(port: number, hostname = '127.0.0.1'): boolean {
  try {
    Deno.listen({ hostname, port }).close();
    return false;
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) return true;
    throw err;
  }
}

// ------------------------------------------------------------------ provider

test('describes itself; capabilities follow the flags Deno was started with', () => {
  assertDeno();
  const p = createDenoProvider();
  assert(p instanceof DenoProvider, 'instance');
  assertEquals(p.name, 'deno', 'name');
  assertEquals(
    p.capabilities,
    {
      tcp: true,
      udp: hasUnstableNet,
      unix: true,
      unixAbstract: Deno.build.os === 'linux',
      ipv6: true,
      syncStreamBind: true,
      connectFromBound: false,
      syncDatagramBind: true,
      reusePort: false,
      multicast: false,
      dns: true,
    },
    'capabilities',
  );
  assertErrno(thrown(() => p.createStream('ipx' as 'ipv4'), 'bad domain'), 'EAFNOSUPPORT', 'createStream');
  assertErrno(thrown(() => p.createDatagram('unix' as 'ipv4'), 'bad family'), 'EAFNOSUPPORT', 'createDatagram');
});

test(
  'without --unstable-net: no UDP, and the error names the flag',
  () => {
    const p = new DenoProvider();
    const err = thrown(() => p.createDatagram('ipv4'), 'createDatagram');
    assertErrno(err, 'EAFNOSUPPORT', 'errno');
    assert(err.message.includes('--unstable-net') && UNSTABLE_NET_MESSAGE.includes('--unstable-net'), err.message);
  },
  hasUnstableNet,
);

// ------------------------------------------------------------------ bind

test('bind(:0) reports the assigned port at once and holds it in the host', () => {
  const p = new DenoProvider();
  const ep = p.createStream('ipv4');
  const local = ep.bind(loopback4(0), NO_REUSE) as InetAddress;
  assertEquals(local.family, 'ipv4', 'family');
  assertEquals(local.address, '127.0.0.1', 'address');
  assert(local.port > 0, `port ${local.port}`);
  assert(held(local.port), 'port reserved in the host');
  assertErrno(thrown(() => ep.bind(loopback4(0), NO_REUSE), 'second bind'), 'EINVAL', 'second bind');
  ep.close();
  assert(!held(local.port), 'port released by close');
  assertEquals(heldAddressCount(), 0, 'no reservation left');
});

test('EADDRINUSE is thrown synchronously by bind, for in-process and foreign holders', () => {
  const p = new DenoProvider();
  const a = p.createStream('ipv4');
  const { port } = a.bind(loopback4(0), NO_REUSE) as InetAddress;
  const b = p.createStream('ipv4');
  const err = thrown(() => b.bind(loopback4(port), NO_REUSE), 'bind taken port');
  assertErrno(err, 'EADDRINUSE', 'in-process holder');
  // The failed bind left b usable.
  b.bind(loopback4(0), NO_REUSE);
  const foreign = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const c = p.createStream('ipv4');
  assertErrno(thrown(() => c.bind(loopback4((foreign.addr as Deno.NetAddr).port), REUSE_ADDR), 'foreign'), 'EADDRINUSE', 'foreign holder, even with SO_REUSEADDR');
  foreign.close();
  for (const e of [a, b, c]) e.close();
});

test('SO_REUSEADDR sockets of this process share a bound port until one listens', async () => {
  const p = new DenoProvider();
  const a = p.createStream('ipv4');
  const { port } = a.bind(loopback4(0), REUSE_ADDR) as InetAddress;
  const b = p.createStream('ipv4');
  assertEquals((b.bind(loopback4(port), REUSE_ADDR) as InetAddress).port, port, 'shared bind');
  const c = p.createStream('ipv4');
  assertErrno(thrown(() => c.bind(loopback4(port), NO_REUSE), 'no reuse'), 'EADDRINUSE', 'both must set SO_REUSEADDR');
  const lb = listenOn(b);
  assertErrno(thrown(() => a.listen(4, () => {}, () => {}), 'second listener'), 'EADDRINUSE', 'second listener');
  const d = p.createStream('ipv4');
  assertErrno(thrown(() => d.bind(loopback4(port), REUSE_ADDR), 'after listen'), 'EADDRINUSE', 'no sharing with a listener');
  const client = await connectTo(p.createStream('ipv4'), loopback4(port));
  await until(() => lb.accepted.length === 1, 'b accepts');
  client.close();
  // The listener goes; a keeps the port bound and may listen now. (Deno frees
  // the old listener's port once its pending accept has settled: a tick.)
  b.close();
  await sleep(20);
  assert(held(port), 'a still holds the port');
  const la = listenOn(a);
  const client2 = await connectTo(p.createStream('ipv4'), loopback4(port));
  await until(() => la.accepted.length === 1, 'a accepts');
  client2.close();
  for (const conn of [...lb.accepted, ...la.accepted]) conn.close();
  a.close();
  for (const e of [c, d]) e.close();
  await sleep(20);
  assert(!held(port), 'port free after the last holder closed');
});

test('deviation: a listening socket\'s port is free again only once the event loop turns', async () => {
  const p = new DenoProvider();
  const ep = p.createStream('ipv4');
  const { port } = ep.bind(loopback4(0), NO_REUSE) as InetAddress;
  listenOn(ep);
  ep.close();
  // Linux frees it inside close(2); Deno when the listener's pending accept() settles.
  assert(held(port), 'still held right after close()');
  await sleep(10);
  assert(!held(port), 'free a tick later');
});

test('deviation: a bound TCP socket completes connections into the backlog before listen()', async () => {
  const p = new DenoProvider();
  const ep = p.createStream('ipv4');
  const { port } = ep.bind(loopback4(0), NO_REUSE) as InetAddress;
  // Linux: ECONNREFUSED. Deno: Deno.listen already listens, so the kernel completes it.
  const early = await connectTo(p.createStream('ipv4'), loopback4(port));
  const l = listenOn(ep);
  await until(() => l.accepted.length === 1, 'listen() accepts the early connection');
  early.close();
  ep.close();
});

test('deviation: connect() after bind() connects from an ephemeral port and frees the bound one', async () => {
  const p = new DenoProvider();
  const server = p.createStream('ipv4');
  server.bind(loopback4(0), NO_REUSE);
  const { address, accepted } = listenOn(server);
  const ep = p.createStream('ipv4');
  const { port: bound } = ep.bind(loopback4(0), NO_REUSE) as InetAddress;
  const conn = await connectTo(ep, address);
  await until(() => accepted.length === 1, 'accept');
  const source = (conn.localAddress as InetAddress).port;
  assert(source !== bound, `Linux would connect from ${bound}; Deno.connect took ${source}`);
  assertEquals((accepted[0]!.remoteAddress as InetAddress).port, source, 'peer sees the real source port');
  assert(!held(bound), 'bound port released');
  conn.close();
  server.close();
});

test('IPv6: [::1] endpoints, and a dual-stack [::] listener (IPV6_V6ONLY is not settable: deviation)', async () => {
  const p = new DenoProvider();
  const l6 = p.createStream('ipv6');
  const local = l6.bind({ family: 'ipv6', address: '::1', port: 0 }, NO_REUSE) as InetAddress;
  const lst = listenOn(l6);
  const c = await connectTo(p.createStream('ipv6'), local);
  await until(() => lst.accepted.length === 1, 'accept');
  assertEquals(c.remoteAddress, { family: 'ipv6', address: '::1', port: local.port }, 'client peer');
  assertEquals((lst.accepted[0]!.remoteAddress as InetAddress).address, '::1', 'server peer');
  c.close();
  l6.close();
  // ipv6Only: true cannot reach Deno; the socket still takes IPv4 (Linux would refuse it).
  const any = p.createStream('ipv6');
  const anyLocal = any.bind({ family: 'ipv6', address: '::', port: 0 }, { reuseAddr: false, reusePort: false, ipv6Only: true }) as InetAddress;
  const la = listenOn(any);
  const v4 = await connectTo(p.createStream('ipv4'), loopback4(anyLocal.port));
  await until(() => la.accepted.length === 1, 'accept mapped');
  assertEquals((la.accepted[0]!.remoteAddress as InetAddress).address, '::ffff:127.0.0.1', 'IPv4-mapped peer');
  v4.close();
  any.close();
}, v6Missing !== undefined);

// ------------------------------------------------------------------ connect

test('connect: ECONNREFUSED; close() mid-connect fires neither callback', async () => {
  const p = new DenoProvider();
  const probe = p.createStream('ipv4');
  const { port } = probe.bind(loopback4(0), NO_REUSE) as InetAddress;
  probe.close();
  const err = await connectTo(p.createStream('ipv4'), loopback4(port)).then(
    () => undefined,
    (e: ErrnoError) => e,
  );
  assert(err, 'refused');
  assertErrno(err, 'ECONNREFUSED', 'connect to a closed port');

  const server = p.createStream('ipv4');
  server.bind(loopback4(0), NO_REUSE);
  const { address } = listenOn(server);
  const ep = p.createStream('ipv4');
  let fired = '';
  ep.connect(address, { onConnect: () => (fired = 'connect'), onError: () => (fired = 'error') });
  ep.close();
  await sleep(200);
  assertEquals(fired, '', 'no callback after close');
  server.close();
});

test('permissions: a denied address is EACCES, and onHostError names the flag', async () => {
  const messages: string[] = [];
  const p = createDenoProvider({ onHostError: (m) => messages.push(m) });
  const ep = p.createStream('ipv4');
  // 127.0.0.2 is loopback too, but not in --allow-net.
  assertErrno(thrown(() => ep.bind({ family: 'ipv4', address: '127.0.0.2', port: 0 }, NO_REUSE), 'bind'), 'EACCES', 'bind denied');
  const err = await connectTo(p.createStream('ipv4'), { family: 'ipv4', address: '127.0.0.2', port: 9 }).then(
    () => undefined,
    (e: ErrnoError) => e,
  );
  assert(err, 'connect denied');
  assertErrno(err, 'EACCES', 'connect denied');
  assert(messages.length >= 2 && messages.every((m) => m.includes('--allow-net')), JSON.stringify(messages));
});

// ------------------------------------------------------------------ data

test('echo, then half-close in both directions; the handle is released once both are shut', async () => {
  const p = new DenoProvider();
  const pair = await tcpPair(p);
  const client = new Recorder(pair.client);
  const server = new Recorder(pair.server);
  client.conn.write(utf8('hello'));
  await until(() => server.received === 5, 'server data');
  assertEquals(server.text(), 'hello', 'payload');
  await until(() => client.written === 5, 'onWritten');
  client.conn.end();
  await until(() => server.ended, 'server sees FIN');
  assert(!server.closed && !client.closed, 'half-closed, not closed');
  server.conn.write(utf8('still open'));
  await until(() => client.received === 10, 'client data after its FIN');
  assertEquals(client.text(), 'still open', 'reverse direction');
  server.conn.end();
  await until(() => client.ended, 'client sees FIN');
  await until(() => client.closed && server.closed, 'both released');
  assertEquals([client.errors, server.errors], [[], []], 'no errors');
  pair.close();
});

test('pause() stops reading from the host: the peer is held by TCP flow control; resume() delivers every byte', async () => {
  const p = new DenoProvider();
  const pair = await tcpPair(p);
  const server = new Recorder(pair.server);
  server.conn.pause();
  const client = new Recorder(pair.client);
  const total = 32 * 1024 * 1024;
  const data = pattern(total, 5);
  for (let off = 0; off < total; off += 65536) client.conn.write(data.subarray(off, off + 65536));
  await sleep(500);
  const afterPause = server.received;
  // At most the one read that was in flight when pause() came (64 KiB).
  assert(afterPause <= 65536, `read ${afterPause} bytes while paused`);
  const writtenWhilePaused = client.written;
  assert(writtenWhilePaused < total, 'the writer is held back');
  await sleep(300);
  assertEquals(server.received, afterPause, 'nothing read while paused');
  assertEquals(client.written, writtenWhilePaused, 'writer stays stalled');
  server.conn.resume();
  await until(() => server.received === total, 'all bytes after resume', 30_000);
  await until(() => client.written === total, 'every write reported', 5000);
  const got = server.bytes();
  for (let i = 0; i < total; i++) if (got[i] !== data[i]) throw new Error(`first difference at ${i}`);
  pair.close();
});

test('reads start with a small buffer (idle memory) and grow while reads fill it; no chunk pins more than twice its bytes', async () => {
  const p = new DenoProvider();
  const pair = await tcpPair(p);
  const server = new Recorder(pair.server);
  const client = new Recorder(pair.client);
  const total = 4 * 1024 * 1024;
  const data = pattern(total, 7);
  client.conn.write(data);
  await until(() => server.received === total, 'all bytes', 15_000);
  const sizes = server.chunks.map((c) => c.byteLength);
  assert((sizes[0] ?? 0) <= 2048, `first read at most 2 KiB, got ${sizes[0]}`);
  const largest = Math.max(...sizes);
  assert(largest > 8192 && largest <= 65536, `bulk reads grow to large chunks (largest ${largest})`);
  for (const c of server.chunks) assert(c.buffer.byteLength <= 2 * c.byteLength, `a ${c.byteLength}-byte chunk pins ${c.buffer.byteLength} bytes`);
  const got = server.bytes();
  for (let i = 0; i < total; i++) if (got[i] !== data[i]) throw new Error(`first difference at ${i}`);
  pair.close();
});

test('after a bulk transfer, small reads shrink the read buffer back to 2 KiB', async () => {
  const p = new DenoProvider();
  const pair = await tcpPair(p);
  const server = new Recorder(pair.server);
  const client = new Recorder(pair.client);
  const bulk = 1024 * 1024;
  client.conn.write(pattern(bulk, 3));
  await until(() => server.received === bulk, 'bulk bytes', 15_000);
  assert(Math.max(...server.chunks.map((c) => c.byteLength)) > 8192, 'the buffer grew');
  // 64 KiB → 16 KiB → 4 KiB → 2 KiB: one small read per step.
  for (let i = 1; i <= 3; i++) {
    client.conn.write(pattern(64, i));
    await until(() => server.received === bulk + 64 * i, `small message ${i}`);
    await sleep(20);
  }
  const before = server.chunks.length;
  client.conn.write(pattern(8192, 9));
  await until(() => server.received === bulk + 3 * 64 + 8192, 'last message');
  const first = server.chunks[before]?.byteLength ?? 0;
  assert(first <= 2048, `the read after the small ones is at most 2 KiB, got ${first}`);
  pair.close();
});

test('close() sends the queued bytes, then FIN', async () => {
  const p = new DenoProvider();
  const pair = await tcpPair(p);
  const server = new Recorder(pair.server);
  const client = new Recorder(pair.client);
  const data = pattern(4 * 1024 * 1024, 9);
  client.conn.write(data);
  client.conn.close();
  await until(() => server.ended, 'FIN after the data', 15_000);
  assertEquals(server.received, data.byteLength, 'every byte before FIN');
  assertEquals(server.errors, [], 'no error');
  await until(() => client.closed, 'client released');
  pair.close();
});

test('deviation: reset() cannot send RST (no SO_LINGER in Deno): the peer reads EOF', async () => {
  const p = new DenoProvider();
  const pair = await tcpPair(p);
  const server = new Recorder(pair.server);
  const client = new Recorder(pair.client);
  client.conn.reset();
  await until(() => server.ended || server.errors.length > 0, 'peer notices');
  // Linux: ECONNRESET.
  assertEquals(server.errors, [], 'no ECONNRESET');
  assert(server.ended, 'EOF instead');
  await until(() => client.closed, 'released');
  pair.close();
});

test('reset() with unread bytes in the kernel: FIN then RST, so the peer reads EOF and its next send fails', async () => {
  const p = new DenoProvider();
  const pair = await tcpPair(p);
  const server = new Recorder(pair.server);
  server.conn.pause();
  const client = new Recorder(pair.client);
  client.conn.write(pattern(256 * 1024, 3));
  await until(() => client.written > 0, 'sent');
  await sleep(50);
  // Deno closes with shutdown(SHUT_WR) + close(2); the unread bytes make the kernel reset after the FIN.
  server.conn.reset();
  await until(() => client.ended, 'client reads EOF (Linux with SO_LINGER 0: ECONNRESET)');
  client.conn.write(utf8('x'));
  await until(() => client.errors.length > 0, 'the send fails');
  assert(client.errors[0] === E.EPIPE || client.errors[0] === E.ECONNRESET, `send error ${client.errors[0]}`);
  await until(() => client.closed, 'client released');
  pair.close();
});

test('an accepted connection is handed over paused: nothing is read before start()', async () => {
  const p = new DenoProvider();
  const l = p.createStream('ipv4');
  l.bind(loopback4(0), NO_REUSE);
  const { address, accepted } = listenOn(l);
  const client = new Recorder(await connectTo(p.createStream('ipv4'), address));
  await until(() => accepted.length === 1, 'accept');
  client.conn.write(utf8('early'));
  await sleep(100);
  const server = new Recorder(accepted[0] as StreamConnection);
  await until(() => server.received === 5, 'data once started');
  assertEquals(server.text(), 'early', 'nothing lost');
  client.conn.close();
  server.conn.close();
  l.close();
});

// ------------------------------------------------------------------ unix

test('unix: bind, listen, connect; names; EADDRINUSE; the file goes with the socket (deviation)', async () => {
  const p = new DenoProvider();
  const path = unixPath('p-echo');
  const l = p.createStream('unix');
  assertErrno(thrown(() => l.listen(1, () => {}, () => {}), 'listen unbound'), 'EINVAL', 'unbound unix listen');
  assertEquals(l.bind({ family: 'unix', path }, NO_REUSE), { family: 'unix', path }, 'bound name');
  const other = p.createStream('unix');
  assertErrno(thrown(() => other.bind({ family: 'unix', path }, REUSE_ADDR), 'bind in use'), 'EADDRINUSE', 'path in use');
  const lst = listenOn(l);
  const client = new Recorder(await connectTo(p.createStream('unix'), { family: 'unix', path }));
  await until(() => lst.accepted.length === 1, 'accept');
  const server = new Recorder(lst.accepted[0] as StreamConnection);
  assertEquals([client.conn.localAddress, client.conn.remoteAddress], [{ family: 'unix', path: '' }, { family: 'unix', path }], 'client names');
  assertEquals([server.conn.localAddress, server.conn.remoteAddress], [{ family: 'unix', path }, { family: 'unix', path: '' }], 'server names');
  client.conn.write(utf8('over unix'));
  await until(() => server.received === 9, 'data');
  client.conn.end();
  await until(() => server.ended, 'EOF');
  client.conn.close();
  server.conn.close();
  l.close();
  other.close();
  // Linux leaves the socket file until unlink(); Deno removes it when the listener goes.
  await until(() => !exists(path), 'file removed with the socket');
});

test('deviation: a bound unix socket completes connections before listen() (Linux: ECONNREFUSED)', async () => {
  const p = new DenoProvider();
  const path = unixPath('p-backlog');
  const ep = p.createStream('unix');
  ep.bind({ family: 'unix', path }, NO_REUSE);
  const early = await connectTo(p.createStream('unix'), { family: 'unix', path });
  const l = listenOn(ep);
  await until(() => l.accepted.length === 1, 'accepted after listen()');
  early.close();
  ep.close();
});

test('unix: a missing path is ENOENT for connect and for bind', async () => {
  const p = new DenoProvider();
  const missing = unixPath('p-missing');
  const err = await connectTo(p.createStream('unix'), { family: 'unix', path: missing }).then(
    () => undefined,
    (e: ErrnoError) => e,
  );
  assert(err, 'refused');
  assertErrno(err, 'ENOENT', 'connect to a missing path');
  const nodir = `${SOCKET_DIR}/nodir/x.sock`;
  assertErrno(thrown(() => p.createStream('unix').bind({ family: 'unix', path: nodir }, NO_REUSE), 'bind'), 'ENOENT', 'bind in a missing directory');
});

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ UDP

test(
  'UDP: bind reports the port, datagrams carry their sender, EADDRINUSE, EMSGSIZE',
  async () => {
    const p = new DenoProvider();
    const a = p.createDatagram('ipv4');
    const b = p.createDatagram('ipv4');
    const la = a.bind(loopback4(0), NO_REUSE);
    const lb = b.bind(loopback4(0), NO_REUSE);
    assert(la.port > 0 && lb.port > 0, 'ports');
    const got: { data: string; from: InetAddress }[] = [];
    a.start({ onMessage: (data, from) => got.push({ data: new TextDecoder().decode(data), from }), onError: () => {} });
    b.start({ onMessage: () => {}, onError: () => {} });
    const done: number[] = [];
    b.send(utf8('one'), la, (e) => done.push(e));
    b.send(utf8('two'), la, (e) => done.push(e));
    await until(() => got.length === 2, 'datagrams');
    assertEquals(got, [{ data: 'one', from: lb }, { data: 'two', from: lb }], 'in order, with the sender');
    assertEquals(done, [0, 0], 'send results');
    const c = p.createDatagram('ipv4');
    assertErrno(thrown(() => c.bind(loopback4(la.port), NO_REUSE), 'bind taken'), 'EADDRINUSE', 'UDP port taken');
    const big: number[] = [];
    b.send(new Uint8Array(65508), la, (e) => big.push(e));
    await until(() => big.length === 1, 'oversized send');
    assertErrno(big[0]!, 'EMSGSIZE', 'oversized datagram');
    for (const h of [a, b, c]) h.close();
  },
  !hasUnstableNet,
);

test(
  'UDP: pause() stops receiving; queued datagrams arrive after resume()',
  async () => {
    const p = new DenoProvider();
    const a = p.createDatagram('ipv4');
    const b = p.createDatagram('ipv4');
    const la = a.bind(loopback4(0), NO_REUSE);
    b.bind(loopback4(0), NO_REUSE);
    let count = 0;
    a.start({ onMessage: () => count++, onError: () => {} });
    a.pause();
    for (let i = 0; i < 10; i++) b.send(utf8(`m${i}`), la, () => {});
    await sleep(200);
    // One receive may have been in flight when pause() came.
    assert(count <= 1, `received ${count} while paused`);
    a.resume();
    await until(() => count === 10, 'the kernel kept the rest');
    a.close();
    b.close();
  },
  !hasUnstableNet,
);

test(
  'UDP options: what Deno can apply, and ENOPROTOOPT for what it cannot (deviation)',
  async () => {
    const p = new DenoProvider();
    const u = p.createDatagram('ipv4');
    const local = u.bind({ family: 'ipv4', address: '0.0.0.0', port: 0 }, NO_REUSE);
    const errors: number[] = [];
    u.start({ onMessage: () => {}, onError: (e) => errors.push(e) });
    // Values equal to the socket's state are accepted.
    u.setBroadcast(false);
    u.setTTL(64);
    u.setMulticastTTL(1);
    u.setMulticastLoopback(true);
    for (const [what, fn] of [
      ['SO_BROADCAST', () => u.setBroadcast(true)],
      ['IP_TTL', () => u.setTTL(9)],
      ['IP_MULTICAST_TTL', () => u.setMulticastTTL(5)],
      ['IP_MULTICAST_LOOP off', () => u.setMulticastLoopback(false)],
    ] as const) {
      assertErrno(thrown(fn, what), 'ENOPROTOOPT', what);
    }
    // Group membership works (asynchronously in Deno); a failure arrives as onError.
    u.addMembership('239.1.2.3');
    u.dropMembership('239.1.2.3');
    assertErrno(thrown(() => u.dropMembership('239.1.2.3'), 'leave twice'), 'EADDRNOTAVAIL', 'not a member');
    u.addMembership('239.1.2.4');
    u.addMembership('239.1.2.4', '0.0.0.0');
    await until(() => errors.length === 1, 'duplicate join reported');
    assertErrno(errors[0]!, 'EADDRINUSE', 'joined twice');
    // Without SO_BROADCAST a broadcast send is EACCES, as on Linux by default.
    const result: number[] = [];
    const s = p.createDatagram('ipv4');
    s.bind({ family: 'ipv4', address: '0.0.0.0', port: 0 }, NO_REUSE);
    s.send(utf8('x'), { family: 'ipv4', address: '255.255.255.255', port: local.port }, (e) => result.push(e));
    await until(() => result.length === 1, 'broadcast send');
    assertErrno(result[0]!, 'EACCES', 'broadcast without SO_BROADCAST');
    u.close();
    s.close();
  },
  !hasUnstableNet,
);

// ------------------------------------------------------------------ DNS

test('lookup: localhost without network, unknown names are ENOENT, unpermitted names EACCES', async () => {
  const p = new DenoProvider();
  const r = await p.lookup('localhost', 'ipv4');
  assert(r.some((a) => a.family === 'ipv4' && a.address === '127.0.0.1'), JSON.stringify(r));
  const unknown = await p.lookup('no-such-host.invalid', 'any').then(
    () => undefined,
    (e: ErrnoError) => e,
  );
  assert(unknown instanceof ErrnoError, 'unknown name rejects');
  assertErrno(unknown, 'ENOENT', 'unknown name');
  const denied = await p.lookup('example.com', 'any').then(
    () => undefined,
    (e: ErrnoError) => e,
  );
  assert(denied instanceof ErrnoError, 'denied name rejects');
  assertErrno(denied, 'EACCES', 'name outside --allow-net');
  assert(denied.message.includes('--allow-net=example.com'), denied.message);
});
