import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { E, ErrnoError, type StreamEndpoint } from '@rawsock/core';
import {
  LOOP4,
  LOOP6,
  NO_FLAGS,
  StreamRecorder,
  connect,
  ipv6Available,
  listen,
  pair,
  provider,
  sleep,
  thrown,
} from './helpers.js';

const open: StreamEndpoint[] = [];
const track = (ep: StreamEndpoint) => (open.push(ep), ep);
afterEach(() => {
  for (const ep of open.splice(0)) ep.close();
});

describe('TCP bind', () => {
  it('binds port 0 synchronously and reports the assigned port', () => {
    const ep = track(provider.createStream('ipv4'));
    const addr = ep.bind(LOOP4(), NO_FLAGS);
    expect(addr).toMatchObject({ family: 'ipv4', address: '127.0.0.1' });
    expect(addr.family !== 'unix' && addr.port).toBeGreaterThan(0);
  });

  it('throws EADDRINUSE synchronously for a port another socket listens on', () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const port = l.address.family === 'ipv4' ? l.address.port : 0;
    const err = thrown(() => track(provider.createStream('ipv4')).bind(LOOP4(port), NO_FLAGS));
    expect(err).toBeInstanceOf(ErrnoError);
    expect(err.errno).toBe(E.EADDRINUSE);
  });

  it('throws EADDRINUSE from the wildcard when a specific address listens', () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const port = l.address.family === 'ipv4' ? l.address.port : 0;
    const err = thrown(() =>
      track(provider.createStream('ipv4')).bind({ family: 'ipv4', address: '0.0.0.0', port }, NO_FLAGS),
    );
    expect(err.errno).toBe(E.EADDRINUSE);
  });

  it('lets two idle sockets bind one port (libuv sets SO_REUSEADDR); the later listen fails synchronously', () => {
    const a = track(provider.createStream('ipv4'));
    const addr = a.bind(LOOP4(), NO_FLAGS);
    const b = track(provider.createStream('ipv4'));
    // Observed on Linux with libuv: both binds succeed because libuv always
    // sets SO_REUSEADDR; the core tracks in-process bind conflicts itself.
    expect(b.bind(addr, NO_FLAGS)).toEqual(addr);
    a.listen(8, () => {}, () => {});
    const err = thrown(() => b.listen(8, () => {}, () => {}));
    expect(err).toBeInstanceOf(ErrnoError);
    expect(err.errno).toBe(E.EADDRINUSE);
  });

  it('maps an address not on this host to EADDRNOTAVAIL', () => {
    const err = thrown(() =>
      track(provider.createStream('ipv4')).bind({ family: 'ipv4', address: '10.255.255.1', port: 0 }, NO_FLAGS),
    );
    expect(err.errno).toBe(E.EADDRNOTAVAIL);
  });

  it('stays bound after a failed listen and can listen once the port is free', async () => {
    const a = provider.createStream('ipv4');
    const addr = a.bind(LOOP4(), NO_FLAGS);
    const b = track(provider.createStream('ipv4'));
    b.bind(addr, NO_FLAGS);
    a.listen(8, () => {}, () => {});
    expect(thrown(() => b.listen(8, () => {}, () => {})).errno).toBe(E.EADDRINUSE);
    a.close();
    await sleep(20);
    const l = listen(addr, 8, b);
    expect(l.address).toEqual(addr);
    const c = await connect(addr);
    (await l.accept()).close();
    c.close();
  });

  it('rejects an address of the other family and a second bind', () => {
    const ep = track(provider.createStream('ipv4'));
    expect(thrown(() => ep.bind(LOOP6(), NO_FLAGS)).errno).toBe(E.EAFNOSUPPORT);
    ep.bind(LOOP4(), NO_FLAGS);
    expect(thrown(() => ep.bind(LOOP4(), NO_FLAGS)).errno).toBe(E.EINVAL);
  });
});

describe.skipIf(!provider.capabilities.reusePort)('TCP SO_REUSEPORT (where Node passes it through)', () => {
  it('lets two listeners share a port when both set it', () => {
    const flags = { ...NO_FLAGS, reusePort: true };
    const a = track(provider.createStream('ipv4'));
    const addr = a.bind(LOOP4(), flags);
    a.listen(8, () => {}, () => {});
    const b = track(provider.createStream('ipv4'));
    expect(b.bind(addr, flags)).toEqual(addr);
    expect(b.listen(8, () => {}, () => {})).toEqual(addr);
    const c = track(provider.createStream('ipv4'));
    expect(thrown(() => c.bind(addr, NO_FLAGS)).errno).toBe(E.EADDRINUSE);
  });
});

/** Ports below this need privileges (CAP_NET_BIND_SERVICE). */
const unprivilegedStart = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  } catch {
    return 1024;
  }
})();
const privileged = process.getuid?.() === 0 || unprivilegedStart <= 80;

describe.skipIf(privileged)('TCP bind permissions (needs an unprivileged user)', () => {
  it('maps a privileged port to EACCES', () => {
    expect(thrown(() => track(provider.createStream('ipv4')).bind(LOOP4(80), NO_FLAGS)).errno).toBe(E.EACCES);
  });
});

describe('TCP connect', () => {
  it('connects from the bound source port', async () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const ep = track(provider.createStream('ipv4'));
    const bound = ep.bind(LOOP4(), NO_FLAGS);
    const client = await connect(l.address, ep);
    const server = await l.accept();
    expect(client.localAddress).toEqual(bound);
    expect(server.remoteAddress).toEqual(bound);
    expect(client.remoteAddress).toEqual(l.address);
    expect(server.localAddress).toEqual(l.address);
    client.close();
    server.close();
  });

  it('reports ECONNREFUSED for a port nobody listens on', async () => {
    const probe = provider.createStream('ipv4');
    const free = probe.bind(LOOP4(), NO_FLAGS);
    probe.close();
    await expect(connect(free)).rejects.toMatchObject({ errno: E.ECONNREFUSED });
  });

  it('stops accepting once the listener is closed', async () => {
    const l = listen(LOOP4());
    l.endpoint.close();
    await expect(connect(l.address)).rejects.toMatchObject({ errno: E.ECONNREFUSED });
  });

  it('binds the wildcard when listening unbound', async () => {
    const ep = track(provider.createStream('ipv4'));
    const l = listen(LOOP4(), 16, ep);
    expect(l.address).toMatchObject({ family: 'ipv4', address: '0.0.0.0' });
    const port = l.address.family === 'ipv4' ? l.address.port : 0;
    expect(port).toBeGreaterThan(0);
    const c = await connect(LOOP4(port));
    (await l.accept()).close();
    c.close();
  });

  it('cancels a connect abandoned by close(): neither callback fires', async () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const ep = provider.createStream('ipv4');
    const calls: string[] = [];
    ep.connect(l.address, { onConnect: (c) => (calls.push('connect'), c.close()), onError: (e) => calls.push(`error:${e}`) });
    ep.close();
    await sleep(100);
    expect(calls).toEqual([]);
  });

  it('leaves an established connection alone when the endpoint is closed', async () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const ep = provider.createStream('ipv4');
    const client = await connect(l.address, ep);
    ep.close();
    const server = await l.accept();
    const s = new StreamRecorder();
    server.start(s);
    client.start(new StreamRecorder());
    client.write(Buffer.from('still here'));
    await s.until((r) => r.text() === 'still here', 'data after endpoint close');
    client.close();
    server.close();
  });
});

describe('TCP connection', () => {
  it('hands accepted connections over paused and echoes after start()', async () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const client = await connect(l.address);
    const c = new StreamRecorder();
    client.start(c);
    client.write(new TextEncoder().encode('ping'));
    const server = await l.accept();
    await sleep(100); // data is waiting in the host; nothing may be delivered yet
    const s = new StreamRecorder();
    const seenAtStart = s.received;
    server.start({
      onData: (chunk) => {
        s.onData(chunk);
        server.write(chunk);
      },
      onEnd: () => s.onEnd(),
      onWritten: (n) => s.onWritten(n),
      onError: (e) => s.onError(e),
      onClose: () => s.onClose(),
    });
    expect(seenAtStart).toBe(0);
    await c.until((r) => r.text() === 'ping', 'echo');
    expect(s.text()).toBe('ping');
    expect(c.written).toBe(4);
    await s.until((r) => r.written === 4, 'server onWritten');
    // Reported once, however the writes completed.
    await sleep(50);
    expect(c.written).toBe(4);
    expect(s.written).toBe(4);
    client.close();
    server.close();
    await c.until((r) => r.closed === 1, 'client close');
    await s.until((r) => r.closed === 1, 'server close');
  });

  it('half-closes in both directions and releases both handles', async () => {
    const { listener, client, server, c, s } = await pair(LOOP4());
    track(listener.endpoint);
    client.write(Buffer.from('request'));
    client.end();
    await s.until((r) => r.ended, 'server sees FIN');
    expect(s.text()).toBe('request');
    // The server can still send after the client's FIN.
    server.write(Buffer.from('response'));
    server.end();
    await c.until((r) => r.ended && r.text() === 'response', 'client sees data then FIN');
    await c.until((r) => r.closed === 1, 'client closed');
    await s.until((r) => r.closed === 1, 'server closed');
    expect(c.errors).toEqual([]);
    expect(s.errors).toEqual([]);
    client.close(); // idempotent after the host closed
    await sleep(20);
    expect(c.closed).toBe(1);
  });

  it('close() after the peer FIN releases the half-closed connection', async () => {
    const { listener, client, server, c, s } = await pair(LOOP4());
    track(listener.endpoint);
    client.end();
    await s.until((r) => r.ended, 'server sees FIN');
    server.close();
    await s.until((r) => r.closed === 1, 'server closed');
    await c.until((r) => r.ended && r.closed === 1, 'client sees FIN and closes');
  });

  it('close() does not lose bytes already written', async () => {
    const { listener, client, c, s } = await pair(LOOP4());
    track(listener.endpoint);
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    client.write(big);
    client.close();
    await s.until((r) => r.ended, 'all bytes then FIN', 15000);
    expect(s.received).toBe(big.length);
    await c.until((r) => r.closed === 1, 'client closed');
  });

  it('reset() gives the peer ECONNRESET', async () => {
    const { listener, client, c, s } = await pair(LOOP4());
    track(listener.endpoint);
    client.reset();
    await s.until((r) => r.closed === 1, 'server closed');
    expect(s.errors).toEqual([E.ECONNRESET]);
    expect(s.log.at(-1)).toBe('close');
    await c.until((r) => r.closed === 1, 'client closed');
    expect(c.errors).toEqual([]);
  });

  it('delivers nothing to a connecting side before start(), and reports writes made before start()', async () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const client = await connect(l.address);
    const server = await l.accept();
    server.write(Buffer.from('early'));
    await sleep(100);
    const c = new StreamRecorder();
    client.start(c);
    expect(c.received).toBe(0);
    const s = new StreamRecorder();
    server.start(s);
    await s.until((r) => r.written === 5, 'the early write reported written');
    await sleep(50);
    expect(s.written).toBe(5);
    await c.until((r) => r.text() === 'early', 'early data after start');
    client.close();
    server.close();
  });

  it('reports an error that happened before start() once started, then close', async () => {
    const l = listen(LOOP4());
    track(l.endpoint);
    const client = await connect(l.address);
    const server = await l.accept();
    client.start(new StreamRecorder());
    client.reset();
    await sleep(100);
    const s = new StreamRecorder();
    server.start(s);
    await s.until((r) => r.closed === 1, 'close');
    expect(s.log).toEqual([`error ${E.ECONNRESET}`, 'close']);
  });

  it('reset() of an accepted connection gives the connecting peer ECONNRESET', async () => {
    const { listener, server, c, s } = await pair(LOOP4());
    track(listener.endpoint);
    server.reset();
    await c.until((r) => r.closed === 1, 'client closed');
    expect(c.log).toEqual([`error ${E.ECONNRESET}`, 'close']);
    await s.until((r) => r.closed === 1, 'server closed');
  });

  it('lets an unbound endpoint connect again after a refused connect', async () => {
    const probe = provider.createStream('ipv4');
    const free = probe.bind(LOOP4(), NO_FLAGS);
    probe.close();
    const ep = track(provider.createStream('ipv4'));
    await expect(connect(free, ep)).rejects.toMatchObject({ errno: E.ECONNREFUSED });
    const l = listen(LOOP4());
    track(l.endpoint);
    const c = await connect(l.address, ep);
    (await l.accept()).close();
    c.close();
  });

  it('applies backpressure: writes stall while the peer is paused and all bytes arrive after resume', async () => {
    const { listener, client, server, c, s } = await pair(LOOP4());
    track(listener.endpoint);
    server.pause();
    const chunk = Buffer.alloc(256 * 1024, 1);
    const total = 128; // 32 MiB: more than socket buffers and Node's stream buffers hold
    for (let i = 0; i < total; i++) client.write(chunk);
    // onWritten stops advancing short of the total.
    let last = -1;
    for (let i = 0; i < 50 && c.written !== last; i++) {
      last = c.written;
      await sleep(100);
    }
    expect(c.written).toBe(last);
    expect(c.written).toBeLessThan(total * chunk.length);
    const receivedWhilePaused = s.received;
    expect(receivedWhilePaused).toBeLessThan(total * chunk.length);
    server.resume();
    await c.until((r) => r.written === total * chunk.length, 'all writes completed', 20000);
    await s.until((r) => r.received === total * chunk.length, 'all bytes received', 20000);
    // Every byte reported written once.
    await sleep(50);
    expect(c.written).toBe(total * chunk.length);
    client.close();
    server.close();
  });

  it('accepts socket options', async () => {
    const { listener, client, server } = await pair(LOOP4());
    track(listener.endpoint);
    client.setNoDelay(true);
    client.setKeepAlive(true, 30);
    client.setKeepAlive(false, 0);
    server.setNoDelay(false);
    client.close();
    server.close();
  });
});

describe.skipIf(!ipv6Available())('TCP over IPv6', () => {
  it('listens, connects and reports IPv6 addresses', async () => {
    const { listener, client, server, c, s } = await pair(LOOP6());
    track(listener.endpoint);
    expect(client.remoteAddress).toEqual(listener.address);
    expect(server.remoteAddress).toEqual(client.localAddress);
    expect(client.localAddress).toMatchObject({ family: 'ipv6', address: '::1' });
    client.write(Buffer.from('v6'));
    await s.until((r) => r.text() === 'v6', 'data over ::1');
    client.close();
    server.close();
    await c.until((r) => r.closed === 1, 'closed');
  });

  it('honours ipv6Only: a dual-stack listener sees IPv4 peers as mapped addresses', async () => {
    const dual = track(provider.createStream('ipv6'));
    const addr = dual.bind({ family: 'ipv6', address: '::', port: 0 }, NO_FLAGS);
    const l = listen(addr, 16, dual);
    const port = l.address.family === 'ipv6' ? l.address.port : 0;
    const c = await connect(LOOP4(port));
    const s = await l.accept();
    expect(s.remoteAddress).toMatchObject({ family: 'ipv6', address: '::ffff:127.0.0.1' });
    c.close();
    s.close();

    const only = track(provider.createStream('ipv6'));
    const addr6 = only.bind({ family: 'ipv6', address: '::', port: 0 }, { ...NO_FLAGS, ipv6Only: true });
    const l6 = listen(addr6, 16, only);
    const port6 = l6.address.family === 'ipv6' ? l6.address.port : 0;
    await expect(connect(LOOP4(port6))).rejects.toMatchObject({ errno: E.ECONNREFUSED });
  });
});
