/**
 * BunProvider at the provider interface, on real loopback sockets. Sockets
 * made with Bun's own API stand for "another process": the kernel sees them
 * as any other socket.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { E, ErrnoError, RawSockets, type StreamConnection } from '@rawsock/core';
import { BunProvider, assertBun, createBunProvider } from '../src/index.js';
import {
  DatagramRecorder,
  LOOP4,
  LOOP6,
  NO_FLAGS,
  REUSE,
  StreamRecorder,
  connect,
  connectErrno,
  listen,
  pair,
  provider,
  sleep,
  tempDir,
  thrown,
  within,
} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A port nothing listens on (bound, noted, released). */
function freePort(): number {
  const l = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

/** What a plain Bun client sees connecting to `port`: 'refused', or the events of an accepted connection. */
async function rawClientOutcome(target: { port: number } | { unix: string }): Promise<string[]> {
  const seen: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const socket = {
    open: () => void seen.push('open'),
    data: () => void seen.push('data'),
    close: (_s: unknown, err?: Error) => {
      seen.push(`close${err ? ` ${(err as { code?: string }).code}` : ''}`);
      done();
    },
    connectError: (_s: unknown, err: Error) => {
      seen.push(`refused ${(err as { code?: string }).code}`);
      done();
    },
  };
  const p = 'unix' in target ? Bun.connect({ unix: target.unix, socket }) : Bun.connect({ hostname: '127.0.0.1', port: target.port, socket });
  p.catch(() => undefined);
  await within(finished, 5000, 'raw client outcome');
  return seen;
}

describe('BunProvider', () => {
  test('describes itself and what Bun can do', () => {
    const p = createBunProvider();
    expect(p).toBeInstanceOf(BunProvider);
    expect(p.name).toBe('bun');
    expect(p.capabilities).toEqual({
      tcp: true,
      udp: true,
      unix: true,
      unixAbstract: process.platform === 'linux',
      ipv6: true,
      syncStreamBind: true,
      connectFromBound: true,
      syncDatagramBind: true,
      reusePort: process.platform === 'linux',
      multicast: true,
      dns: true,
    });
    expect(() => assertBun()).not.toThrow();
  });

  test('throws EAFNOSUPPORT for unknown domains', () => {
    const err = thrown(() => provider.createStream('ipx' as 'ipv4'));
    expect(err).toBeInstanceOf(ErrnoError);
    expect(err.errno).toBe(E.EAFNOSUPPORT);
    expect(thrown(() => provider.createDatagram('unix' as 'ipv4')).errno).toBe(E.EAFNOSUPPORT);
  });
});

describe('TCP bind', () => {
  test('bind(:0) reports the assigned port synchronously and holds it in the host', () => {
    const ep = provider.createStream('ipv4');
    const bound = ep.bind(LOOP4(0), NO_FLAGS);
    expect(bound.family).toBe('ipv4');
    const port = bound.family === 'ipv4' ? bound.port : 0;
    expect(port).toBeGreaterThan(0);
    // Another socket in the host (another process, to the kernel) cannot take it.
    expect(() => Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } })).toThrow(/EADDRINUSE|listen/);
    expect(thrown(() => ep.bind(LOOP4(0), NO_FLAGS)).errno).toBe(E.EINVAL);
    ep.close();
    // close releases the port at once.
    Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } }).stop(true);
  });

  test('a port held by another socket in the host is EADDRINUSE at bind time', () => {
    const other = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    try {
      const err = thrown(() => provider.createStream('ipv4').bind(LOOP4(other.port), NO_FLAGS));
      expect(err).toBeInstanceOf(ErrnoError);
      expect(err.errno).toBe(E.EADDRINUSE);
      // The provider's SO_REUSEADDR sharing applies to its own binds only.
      expect(thrown(() => provider.createStream('ipv4').bind(LOOP4(other.port), REUSE)).errno).toBe(E.EADDRINUSE);
    } finally {
      other.stop(true);
    }
  });

  test('the family of the address must match the socket', () => {
    expect(thrown(() => provider.createStream('ipv4').bind(LOOP6(0), NO_FLAGS)).errno).toBe(E.EAFNOSUPPORT);
  });

  test('deviation: a bound, not listening TCP socket completes connections and resets them (Linux refuses)', async () => {
    const ep = provider.createStream('ipv4');
    const bound = ep.bind(LOOP4(0), NO_FLAGS);
    const port = bound.family === 'ipv4' ? bound.port : 0;
    try {
      expect(await rawClientOutcome({ port })).toEqual(['open', 'close ECONNRESET']);
    } finally {
      ep.close();
    }
    expect(await rawClientOutcome({ port })).toEqual(['refused ECONNREFUSED']);
  });

  test('two SO_REUSEADDR binds of this provider share a port until one listens', async () => {
    const p = createBunProvider();
    const a = p.createStream('ipv4');
    const b = p.createStream('ipv4');
    const bound = a.bind(LOOP4(0), REUSE);
    expect(b.bind(bound, REUSE)).toEqual(bound);
    a.listen(4, () => undefined, () => undefined);
    expect(thrown(() => b.listen(4, () => undefined, () => undefined)).errno).toBe(E.EADDRINUSE);
    a.close();
    // With the first gone, the second listens on the shared port.
    const conns: StreamConnection[] = [];
    const c = p.createStream('ipv4');
    c.bind(bound, REUSE);
    expect(c.listen(4, (x) => conns.push(x), () => undefined)).toEqual(bound);
    const client = await connect(bound);
    await within(
      (async () => {
        while (conns.length === 0) await sleep(5);
      })(),
      5000,
      'accept',
    );
    client.reset();
    conns[0]?.reset();
    b.close();
    c.close();
  });

  test('SO_REUSEADDR sharing also covers a dual-stack :: over an IPv4 address', () => {
    const p = createBunProvider();
    const a = p.createStream('ipv4');
    const bound = a.bind(LOOP4(0), REUSE);
    const port = bound.family === 'ipv4' ? bound.port : 0;
    const b = p.createStream('ipv6');
    expect(b.bind({ family: 'ipv6', address: '::', port }, REUSE)).toEqual({ family: 'ipv6', address: '::', port });
    a.close();
    b.close();
  });

  test('without SO_REUSEADDR on both, the second bind is EADDRINUSE', () => {
    const a = provider.createStream('ipv4');
    const bound = a.bind(LOOP4(0), REUSE);
    expect(thrown(() => provider.createStream('ipv4').bind(bound, NO_FLAGS)).errno).toBe(E.EADDRINUSE);
    a.close();
  });

  test('IPV6_V6ONLY and the dual-stack wildcard', () => {
    const dual = provider.createStream('ipv6');
    const d = dual.bind({ family: 'ipv6', address: '::', port: 0 }, NO_FLAGS);
    const port = d.family === 'ipv6' ? d.port : 0;
    // A dual-stack :: holds the IPv4 port too.
    expect(thrown(() => provider.createStream('ipv4').bind({ family: 'ipv4', address: '0.0.0.0', port }, NO_FLAGS)).errno).toBe(
      E.EADDRINUSE,
    );
    dual.close();
    const only = provider.createStream('ipv6');
    const o = only.bind({ family: 'ipv6', address: '::', port: 0 }, { ...NO_FLAGS, ipv6Only: true });
    const v4 = provider.createStream('ipv4');
    v4.bind({ family: 'ipv4', address: '0.0.0.0', port: o.family === 'ipv6' ? o.port : 0 }, NO_FLAGS);
    only.close();
    v4.close();
  });
});

describe('TCP connections', () => {
  test('accepted connections arrive paused; nothing is delivered before start()', async () => {
    const l = listen(LOOP4());
    const client = await connect(l.address);
    const server = await l.accept();
    const c = new StreamRecorder();
    client.start(c);
    c.write(client, new TextEncoder().encode('early'));
    await c.until((r) => r.written === 5, 'written');
    await sleep(50);
    const s = new StreamRecorder();
    expect(s.received).toBe(0);
    server.start(s);
    await s.until((r) => r.received === 5, 'data after start');
    expect(s.text()).toBe('early');
    expect(server.localAddress).toEqual(l.address);
    expect(server.remoteAddress).toEqual(client.localAddress);
    expect(client.remoteAddress).toEqual(l.address);
    client.close();
    server.close();
    l.endpoint.close();
  });

  test('half-close: end() sends FIN, the other direction keeps working', async () => {
    const { client, server, c, s, listener } = await pair();
    client.end();
    await s.until((r) => r.ended, 'server sees FIN');
    server.write(new TextEncoder().encode('still open'));
    await c.until((r) => r.received === 10, 'client reads after its FIN');
    expect(c.text()).toBe('still open');
    expect(c.ended).toBe(false);
    server.end();
    // Bun closes a socket once both directions are shut; the peer's FIN
    // after ours comes as a close, reported as end then close.
    await c.until((r) => r.closed === 1, 'client closed');
    await s.until((r) => r.closed === 1, 'server closed');
    expect(c.log.slice(-2)).toEqual(['end', 'close']);
    expect(c.errors).toEqual([]);
    expect(s.errors).toEqual([]);
    listener.endpoint.close();
  });

  test('pause() stops delivery; resume() delivers what waited', async () => {
    const { client, server, s, listener } = await pair();
    server.pause();
    await sleep(10);
    client.write(new TextEncoder().encode('held back'));
    await sleep(100);
    // One late chunk after pause() is allowed by the contract; Bun stops at once.
    expect(s.received).toBe(0);
    server.resume();
    await s.until((r) => r.received === 9, 'delivered after resume');
    expect(s.text()).toBe('held back');
    client.close();
    server.close();
    listener.endpoint.close();
  });

  test('backpressure: bytes the kernel did not take wait for drain; onWritten follows the kernel; byte-exact', async () => {
    const { client, server, c, s, listener } = await pair();
    server.pause();
    const total = 32 * 1024 * 1024;
    const data = new Uint8Array(total);
    for (let i = 0; i < total; i++) data[i] = (i * 31 + (i >>> 13)) & 0xff;
    const chunk = 1 << 20;
    let atOnce = 0;
    for (let off = 0; off < total; off += chunk) {
      const before = c.written;
      c.write(client, data.slice(off, off + chunk));
      atOnce += c.written - before;
    }
    // What Bun's write() took at once is its result; the rest is reported by onWritten.
    expect(atOnce).toBeGreaterThan(0);
    expect(atOnce).toBeLessThan(total);
    await sleep(100);
    // The kernel's buffers hold a few MiB; the rest waits in the provider.
    expect(c.written).toBeGreaterThan(0);
    expect(c.written).toBeLessThan(total);
    server.resume();
    await s.until((r) => r.received === total, 'every byte', 30_000);
    await c.until((r) => r.written === total, 'every byte reported written', 5000);
    await sleep(50);
    expect(c.written).toBe(total);
    const got = s.bytes();
    let firstBad = -1;
    for (let i = 0; i < total; i++) {
      if (got[i] !== data[i]) {
        firstBad = i;
        break;
      }
    }
    expect(firstBad).toBe(-1);
    client.close();
    server.close();
    listener.endpoint.close();
  }, 60_000);

  test('close() sends the queued bytes, then FIN; the closing side still hears them written, and the close', async () => {
    const { client, server, c, s, listener } = await pair();
    server.pause();
    const big = new Uint8Array(8 * 1024 * 1024).fill(7);
    c.write(client, big);
    client.close();
    await sleep(50);
    // The core counts a closed socket's unwritten bytes (an orphan) by onWritten.
    expect(c.written).toBeLessThan(big.byteLength);
    server.resume();
    await s.until((r) => r.ended, 'FIN after the data', 20_000);
    expect(s.received).toBe(big.byteLength);
    await c.until((r) => r.written === big.byteLength && r.closed === 1, 'every byte reported written, then the close', 5000);
    expect(c.received).toBe(0);
    server.close();
    listener.endpoint.close();
  }, 30_000);

  test('reset() gives the peer ECONNRESET; no callback reaches the resetting side', async () => {
    const { client, server, c, s, listener } = await pair();
    server.reset();
    await c.until((r) => r.closed === 1, 'client closed');
    expect(c.errors).toEqual([E.ECONNRESET]);
    await sleep(20);
    expect(s.log).toEqual([]);
    listener.endpoint.close();
    client.close();
  });

  test('writing to a peer that closed reports EPIPE or ECONNRESET, then close', async () => {
    const { client, server, c, listener } = await pair();
    server.close();
    await c.until((r) => r.ended, 'FIN');
    client.write(new TextEncoder().encode('into the void'));
    await sleep(20);
    client.write(new TextEncoder().encode('again'));
    await c.until((r) => r.closed === 1, 'closed');
    expect([E.EPIPE, E.ECONNRESET] as number[]).toContain(c.errors[0] as number);
    listener.endpoint.close();
  });

  test('connect to a closed port: ECONNREFUSED', async () => {
    expect(await connectErrno(LOOP4(freePort()))).toBe(E.ECONNREFUSED);
  });

  test('close() mid-connect: neither callback fires and the connection is not kept', async () => {
    const l = listen(LOOP4());
    const ep = provider.createStream('ipv4');
    const calls: string[] = [];
    ep.connect(l.address, { onConnect: () => calls.push('connect'), onError: () => calls.push('error') });
    ep.close();
    const server = await l.accept();
    const s = new StreamRecorder();
    server.start(s);
    await s.until((r) => r.closed === 1, 'the cancelled connection goes away');
    expect(calls).toEqual([]);
    l.endpoint.close();
  });

  test('connect from a bound address uses it (also the wildcard with a port)', async () => {
    const l = listen(LOOP4());
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      const ep = provider.createStream('ipv4');
      const bound = ep.bind({ family: 'ipv4', address: host, port: 0 }, NO_FLAGS);
      const port = bound.family === 'ipv4' ? bound.port : 0;
      const conn = await connect(l.address, ep);
      expect(conn.localAddress).toEqual(LOOP4(port));
      conn.reset();
    }
    l.endpoint.close();
  });

  test('deviation: connect from a port shared under SO_REUSEADDR is EADDRINUSE (reported after connect() returns)', async () => {
    const p = createBunProvider();
    const l = listen(LOOP4());
    const a = p.createStream('ipv4');
    const bound = a.bind(LOOP4(0), REUSE);
    const b = p.createStream('ipv4');
    b.bind(bound, REUSE);
    // a's bind is a Bun listener holding the port, so Bun.connect cannot bind
    // it for b (Linux would connect: the 4-tuple is unique). Bun reports that
    // inside Bun.connect; the provider defers it past connect().
    const order: string[] = [];
    const outcome = new Promise<number>((resolve) => {
      b.connect(l.address, { onConnect: () => resolve(0), onError: resolve });
      order.push('returned');
    });
    const errno = await within(outcome, 5000, 'outcome');
    order.push(`errno ${errno}`);
    expect(order).toEqual(['returned', `errno ${E.EADDRINUSE}`]);
    a.close();
    b.close();
    l.endpoint.close();
  });
});

describe('unix stream sockets', () => {
  test('bind creates the socket file; until listen() it refuses connections (ECONNREFUSED), as on Linux', async () => {
    const path = tmp.path('bound.sock');
    const ep = provider.createStream('unix');
    expect(ep.bind({ family: 'unix', path }, NO_FLAGS)).toEqual({ family: 'unix', path });
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(await connectErrno({ family: 'unix', path })).toBe(E.ECONNREFUSED);
    expect(thrown(() => provider.createStream('unix').bind({ family: 'unix', path }, NO_FLAGS)).errno).toBe(E.EADDRINUSE);
    const l = listen({ family: 'unix', path }, 16, ep);
    const client = await connect({ family: 'unix', path });
    const server = await l.accept();
    expect(server.localAddress).toEqual({ family: 'unix', path });
    expect(server.remoteAddress).toEqual({ family: 'unix', path: '' });
    expect(client.remoteAddress).toEqual({ family: 'unix', path });
    const s = new StreamRecorder();
    server.start(s);
    client.start(new StreamRecorder());
    client.write(new TextEncoder().encode('unix!'));
    await s.until((r) => r.received === 5, 'data');
    client.close();
    await s.until((r) => r.ended, 'EOF');
    server.close();
    l.endpoint.close();
    // Closing leaves the socket file, as Linux does (unlink() removes it).
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(await connectErrno({ family: 'unix', path })).toBe(E.ECONNREFUSED);
  });

  test('closing a bound, never listening socket leaves its file too', () => {
    const path = tmp.path('never.sock');
    const ep = provider.createStream('unix');
    ep.bind({ family: 'unix', path }, NO_FLAGS);
    ep.close();
    expect(lstatSync(path).isSocket()).toBe(true);
  });

  test('bind errors: missing directory ENOENT, existing file EADDRINUSE', () => {
    expect(thrown(() => provider.createStream('unix').bind({ family: 'unix', path: tmp.path('no/such/dir.sock') }, NO_FLAGS)).errno).toBe(
      E.ENOENT,
    );
    const file = tmp.path('regular');
    writeFileSync(file, 'x');
    expect(thrown(() => provider.createStream('unix').bind({ family: 'unix', path: file }, NO_FLAGS)).errno).toBe(E.EADDRINUSE);
    expect(existsSync(file)).toBe(true);
  });

  test('connect to a missing path: ENOENT; listen on an unbound unix socket: EINVAL', async () => {
    expect(await connectErrno({ family: 'unix', path: tmp.path('missing.sock') })).toBe(E.ENOENT);
    expect(thrown(() => provider.createStream('unix').listen(1, () => undefined, () => undefined)).errno).toBe(E.EINVAL);
  });

  test('deviation: a client bound to a path connects unnamed (Bun.connect cannot bind a unix client)', async () => {
    const l = listen({ family: 'unix', path: tmp.path('srv.sock') });
    const ep = provider.createStream('unix');
    const clientPath = tmp.path('client.sock');
    ep.bind({ family: 'unix', path: clientPath }, NO_FLAGS);
    const client = await connect(l.address, ep);
    const server = await l.accept();
    expect(client.localAddress).toEqual({ family: 'unix', path: clientPath });
    expect(server.remoteAddress).toEqual({ family: 'unix', path: '' }); // Linux: clientPath
    client.reset();
    server.reset();
    l.endpoint.close();
  });

  test.skipIf(process.platform !== 'linux')('abstract names: bind, listen, connect; deviation: bound, not listening resets', async () => {
    const name = `\0rawsock-bun-${process.pid}-${Date.now()}`;
    const ep = provider.createStream('unix');
    expect(ep.bind({ family: 'unix', path: name }, NO_FLAGS)).toEqual({ family: 'unix', path: name });
    expect(thrown(() => provider.createStream('unix').bind({ family: 'unix', path: name }, NO_FLAGS)).errno).toBe(E.EADDRINUSE);
    expect(await rawClientOutcome({ unix: name })).toEqual(['open', 'close']);
    const l = listen({ family: 'unix', path: name }, 16, ep);
    const client = await connect({ family: 'unix', path: name });
    const server = await l.accept();
    expect(server.localAddress).toEqual({ family: 'unix', path: name });
    client.reset();
    server.reset();
    l.endpoint.close();
    expect(await connectErrno({ family: 'unix', path: name })).toBe(E.ECONNREFUSED);
  });
});

describe('UDP', () => {
  test('bind(:0) reports the port synchronously; a taken port is EADDRINUSE at bind time', () => {
    const a = provider.createDatagram('ipv4');
    const bound = a.bind(LOOP4(0), NO_FLAGS);
    expect(bound.port).toBeGreaterThan(0);
    expect(bound.address).toBe('127.0.0.1');
    const err = thrown(() => provider.createDatagram('ipv4').bind(LOOP4(bound.port), NO_FLAGS));
    expect(err).toBeInstanceOf(ErrnoError);
    expect(err.errno).toBe(E.EADDRINUSE);
    expect(thrown(() => a.bind(LOOP4(0), NO_FLAGS)).errno).toBe(E.EINVAL);
    a.close();
  });

  test('SO_REUSEADDR on both shares a UDP port', () => {
    const a = provider.createDatagram('ipv4');
    const bound = a.bind(LOOP4(0), REUSE);
    const b = provider.createDatagram('ipv4');
    expect(b.bind(LOOP4(bound.port), REUSE).port).toBe(bound.port);
    a.close();
    b.close();
  });

  test('datagrams both ways with sender addresses; send errors come through done()', async () => {
    const a = provider.createDatagram('ipv4');
    const b = provider.createDatagram('ipv4');
    const ra = new DatagramRecorder();
    const rb = new DatagramRecorder();
    const pa = a.bind(LOOP4(0), NO_FLAGS);
    const pb = b.bind(LOOP4(0), NO_FLAGS);
    a.start(ra);
    b.start(rb);
    const sent = await new Promise<number>((resolve) => a.send(new TextEncoder().encode('ping'), pb, resolve));
    expect(sent).toBe(0);
    await rb.until((r) => r.messages.length === 1, 'ping');
    expect(rb.messages[0]).toEqual({ data: 'ping', from: pa });
    b.send(new TextEncoder().encode('pong'), pa, () => undefined);
    await ra.until((r) => r.messages.length === 1, 'pong');
    expect(ra.messages[0]).toEqual({ data: 'pong', from: pb });
    expect(await new Promise<number>((resolve) => a.send(new Uint8Array(65508), pb, resolve))).toBe(E.EMSGSIZE);
    expect(await new Promise<number>((resolve) => a.send(new Uint8Array(1), LOOP4(0), resolve))).toBe(E.EINVAL);
    expect(await new Promise<number>((resolve) => a.send(new Uint8Array(1), LOOP6(9), resolve))).toBe(E.EAFNOSUPPORT);
    a.close();
    expect(await new Promise<number>((resolve) => a.send(new Uint8Array(1), pb, resolve))).toBe(E.EBADF);
    b.close();
  });

  test('the largest IPv4 datagram arrives whole; pause() drops what arrives meanwhile', async () => {
    const a = provider.createDatagram('ipv4');
    const b = provider.createDatagram('ipv4');
    const got: Uint8Array[] = [];
    a.bind(LOOP4(0), NO_FLAGS);
    const pb = b.bind(LOOP4(0), NO_FLAGS);
    b.start({ onMessage: (d) => void got.push(d), onError: () => undefined });
    a.send(new Uint8Array(65507).fill(9), pb, () => undefined);
    await within(
      (async () => {
        while (got.length === 0) await sleep(5);
      })(),
      5000,
      'big datagram',
    );
    expect(got[0]?.byteLength).toBe(65507);
    b.pause();
    a.send(new Uint8Array(3), pb, () => undefined);
    await sleep(50);
    b.resume();
    a.send(new Uint8Array(4), pb, () => undefined);
    await within(
      (async () => {
        while (got.length < 2) await sleep(5);
      })(),
      5000,
      'after resume',
    );
    await sleep(20);
    expect(got.map((d) => d.byteLength)).toEqual([65507, 4]);
    a.close();
    b.close();
  });

  test('options before and after bind', () => {
    const u = provider.createDatagram('ipv4');
    expect(thrown(() => u.setTTL(5)).errno).toBe(E.EBADF);
    u.bind({ family: 'ipv4', address: '0.0.0.0', port: 0 }, NO_FLAGS);
    u.setTTL(9);
    u.setBroadcast(true);
    u.setMulticastTTL(4);
    u.setMulticastLoopback(false);
    u.addMembership('239.1.2.3');
    u.dropMembership('239.1.2.3');
    expect(thrown(() => u.dropMembership('239.1.2.3')).errno).toBe(E.EADDRNOTAVAIL);
    u.close();
    expect(thrown(() => u.setTTL(5)).errno).toBe(E.EBADF);
  });

  test('IPv6: dual-stack wildcard hears IPv4 senders as v4-mapped addresses', async () => {
    const v6 = provider.createDatagram('ipv6');
    const r = new DatagramRecorder();
    const bound = v6.bind({ family: 'ipv6', address: '::', port: 0 }, NO_FLAGS);
    v6.start(r);
    const v4 = provider.createDatagram('ipv4');
    const from = v4.bind(LOOP4(0), NO_FLAGS);
    v4.send(new TextEncoder().encode('mapped'), LOOP4(bound.port), () => undefined);
    await r.until((x) => x.messages.length === 1, 'datagram');
    expect(r.messages[0]?.from).toEqual({ family: 'ipv6', address: '::ffff:127.0.0.1', port: from.port });
    v6.addMembership('ff02::1:3', '0');
    v6.dropMembership('ff02::1:3', '0');
    v6.close();
    v4.close();
  });
});

describe('UDP through the core', () => {
  test('getsockname after connect() to a loopback address shows the loopback source, as Linux (the core knows that route)', async () => {
    const net = new RawSockets({ provider: createBunProvider() });
    try {
      const peer = net.socket('ipv4', 'dgram').value as number;
      expect(net.bind(peer, LOOP4(0)).ok).toBe(true);
      const peerName = net.getsockname(peer).value as { port: number };
      const fd = net.socket('ipv4', 'dgram').value as number;
      expect(net.connect(fd, LOOP4(peerName.port)).ok).toBe(true);
      const local = net.getsockname(fd).value as { address: string; port: number };
      expect(local.address).toBe('127.0.0.1');
      expect(local.port).toBeGreaterThan(0);
      // Sending to the connected peer and filtering work regardless (the core does both).
      expect(net.send(fd, new TextEncoder().encode('hi')).ok).toBe(true);
      const got = await net.recvfromAsync(peer, 10, 5000);
      expect(got.ok && got.value.from).toEqual(LOOP4(local.port));
    } finally {
      net.closeAll();
    }
  });

  test('ICMP port unreachable: a connected socket hears ECONNREFUSED, an unconnected one nothing (Linux without IP_RECVERR)', async () => {
    const net = new RawSockets({ provider: createBunProvider() });
    try {
      const gone = net.socket('ipv4', 'dgram').value as number;
      expect(net.bind(gone, LOOP4(0)).ok).toBe(true);
      const port = (net.getsockname(gone).value as { port: number }).port;
      net.close(gone);
      const connected = net.socket('ipv4', 'dgram').value as number;
      const loose = net.socket('ipv4', 'dgram').value as number;
      expect(net.connect(connected, LOOP4(port)).ok).toBe(true);
      // The unconnected one first: its ICMP answer is in before the connected one's.
      expect(net.sendto(loose, new Uint8Array([1]), LOOP4(port)).ok).toBe(true);
      expect(net.send(connected, new Uint8Array([1])).ok).toBe(true);
      const got = await net.recvAsync(connected, 10, 5000);
      expect(got.ok ? 'data' : got.code).toBe('ECONNREFUSED');
      const quiet = net.recvfrom(loose, 10);
      expect(quiet.ok ? 'data' : quiet.code).toBe('EAGAIN');
    } finally {
      net.closeAll();
    }
  });

  test('deviation: no host-level UDP connect, so getsockname after connect() to a non-loopback address shows the wildcard (Linux: the route source)', () => {
    const net = new RawSockets({ provider: createBunProvider() });
    try {
      const fd = net.socket('ipv4', 'dgram').value as number;
      // UDP connect sends nothing: TEST-NET-1 (RFC 5737) is never reached.
      expect(net.connect(fd, { family: 'ipv4', address: '192.0.2.1', port: 9 }).ok).toBe(true);
      const local = net.getsockname(fd).value as { address: string; port: number };
      expect(local.address).toBe('0.0.0.0');
      expect(local.port).toBeGreaterThan(0);
    } finally {
      net.closeAll();
    }
  });
});

describe('DNS', () => {
  test('localhost resolves without network; unknown names are ENOENT', async () => {
    const r = await provider.lookup('localhost', 'ipv4');
    expect(r).toContainEqual({ family: 'ipv4', address: '127.0.0.1' });
    expect(await provider.lookup('127.0.0.1', 'any')).toEqual([{ family: 'ipv4', address: '127.0.0.1' }]);
    expect(await provider.lookup('::1', 'ipv6')).toEqual([{ family: 'ipv6', address: '::1' }]);
    for (const [name, family] of [
      ['no-such-host.invalid', 'any'],
      ['', 'any'],
      ['127.0.0.1', 'ipv6'],
    ] as const) {
      const err = await provider.lookup(name, family).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ErrnoError);
      expect((err as ErrnoError).errno).toBe(E.ENOENT);
    }
  });

  test('the c-ares backend on request', async () => {
    const p = createBunProvider({ dnsBackend: 'c-ares' });
    expect(await p.lookup('localhost', 'ipv4')).toContainEqual({ family: 'ipv4', address: '127.0.0.1' });
    const err = await p.lookup('no-such-host.invalid', 'any').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as ErrnoError).errno).toBe(E.ENOENT);
    // c-ares answers a literal of the other family; getaddrinfo does not, nor does the provider.
    const other = await p.lookup('127.0.0.1', 'ipv6').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((other as ErrnoError).errno).toBe(E.ENOENT);
  });
});
