/**
 * Core policy that needs a controlled provider: late UDP send errors, the
 * accept-queue bound, bind registry, state traces, readiness coalescing.
 */
import { describe, expect, it } from 'vitest';
import { RawSockets } from '../src/api.js';
import { E } from '../src/errno.js';
import { MemoryProvider } from '../src/memory/index.js';
import type { DatagramHandle, RawSocketProvider } from '../src/provider.js';
import type { StateTransition } from '../src/socket/state.js';
import { AF_UNIX, POLLIN, POLLOUT, SOCK_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_ERROR } from '../src/constants.js';

const v4 = (port = 0) => ({ family: 'ipv4' as const, address: '127.0.0.1', port });

/** MemoryProvider whose datagram sends all fail with `errno`, like an unreachable network. */
function failingSends(errno: number): RawSocketProvider {
  const inner = new MemoryProvider();
  return {
    name: 'failing-sends',
    capabilities: inner.capabilities,
    createStream: (d) => inner.createStream(d),
    lookup: (h, f) => inner.lookup(h, f),
    createDatagram(family) {
      const h = inner.createDatagram(family);
      return new Proxy(h, {
        get(target, prop) {
          if (prop === 'send') return ((_d, _to, done) => queueMicrotask(() => done(errno))) as DatagramHandle['send'];
          const v = Reflect.get(target, prop);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
}

/** A table over MemoryProvider with one connection: client `c`, accepted `a`. */
async function connectedPair(): Promise<{ net: RawSockets; c: number; a: number }> {
  const net = new RawSockets({ provider: new MemoryProvider() });
  const l = net.socket('ipv4', 'stream').value!;
  net.bind(l, v4());
  net.listen(l, 4);
  const c = net.socket('ipv4', 'stream').value!;
  await net.connectAsync(c, net.getsockname(l).value!, 2000);
  const a = (await net.acceptAsync(l)).value!.fd;
  return { net, c, a };
}

describe('core policy', () => {
  it('a UDP send error the host reports late reaches the next call and SO_ERROR (deviation)', async () => {
    const net = new RawSockets({ provider: failingSends(E.ENETUNREACH) });
    const fd = net.socket('ipv4', 'dgram').value!;
    expect(net.sendto(fd, new Uint8Array(4), v4(9))).toEqual({ ok: true, value: 4 });
    await new Promise((r) => setTimeout(r, 0));
    expect(net.sendto(fd, new Uint8Array(4), v4(9))).toMatchObject({ ok: false, code: 'ENETUNREACH' });
    expect(net.sendto(fd, new Uint8Array(4), v4(9)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(net.getsockopt(fd, SOL_SOCKET, SO_ERROR)).toEqual({ ok: true, value: E.ENETUNREACH });
    net.closeAll();
  });

  it('connections beyond limits.maxAcceptQueue are reset (deviation: backlog itself is not the bound)', async () => {
    const net = new RawSockets({ provider: new MemoryProvider(), limits: { maxAcceptQueue: 2 } });
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 1);
    const port = (net.getsockname(l).value as { port: number }).port;
    const results = await Promise.all(
      [0, 1, 2].map(async () => {
        const c = net.socket('ipv4', 'stream').value!;
        const r = await net.connectAsync(c, v4(port), 2000);
        await new Promise((res) => setTimeout(res, 20));
        return r.ok ? net.recv(c, 1) : r;
      }),
    );
    // Two wait in the queue (recv: EAGAIN); the third was reset.
    expect(results.filter((r) => !r.ok && r.code === 'EAGAIN')).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.code === 'ECONNRESET')).toHaveLength(1);
    net.closeAll();
  });

  it('every state change is traced', async () => {
    const seen: StateTransition[] = [];
    const net = new RawSockets({ provider: new MemoryProvider(), trace: (t) => seen.push(t) });
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 4);
    const c = net.socket('ipv4', 'stream').value!;
    await net.connectAsync(c, net.getsockname(l).value!, 2000);
    net.closeAll();
    const path = seen.map((t) => `${t.from}>${t.to}`);
    expect(path).toEqual(expect.arrayContaining(['fresh>bound', 'bound>listening', 'fresh>connecting', 'connecting>connected', 'listening>closed']));
  });

  it('onChange is called synchronously, inside the call that changed the socket, and once at close', () => {
    const net = new RawSockets({ provider: new MemoryProvider() });
    const [x, y] = net.table.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const sy = net.table.get(y);
    const seen: string[] = [];
    sy.onChange = () => seen.push(`${sy.state}:${sy.pollMask() & POLLIN ? 'in' : '-'}`);
    expect(net.send(x, new Uint8Array([1, 2, 3])).ok).toBe(true);
    // socketpair delivers at once: the hook has already seen the data.
    expect(seen.at(-1)).toBe('connected:in');
    const n = seen.length;
    expect(net.recv(y, 8).ok).toBe(true);
    expect(seen.length).toBeGreaterThan(n);
    expect(seen.at(-1)).toBe('connected:-');
    seen.length = 0;
    net.close(y);
    expect(seen.at(-1)).toBe('closed:-');
    expect(seen.filter((e) => e.startsWith('closed')).length).toBe(1);
    net.closeAll();
  });

  it('readiness notifications are coalesced: one callback per job', async () => {
    const { net, c, a } = await connectedPair();
    const masks: number[] = [];
    net.subscribe(a, (m) => masks.push(m));
    for (let i = 0; i < 10; i++) net.send(c, new Uint8Array([i]));
    await new Promise((r) => setTimeout(r, 20));
    expect(masks.length).toBeGreaterThan(0);
    expect(masks.length).toBeLessThan(10);
    expect(masks.at(-1)! & POLLIN).toBe(POLLIN);
    net.closeAll();
  });

  it('risesOnly listeners skip what cannot make a socket ready (a read, a write done while writable); others see every change', async () => {
    const { net, c, a } = await connectedPair();
    net.setNonBlocking(c, true);
    net.setNonBlocking(a, true);
    const every: number[] = [];
    const rises: number[] = [];
    net.subscribe(a, (m) => every.push(m));
    net.subscribe(a, (m) => rises.push(m), { risesOnly: true });
    const settle = () => new Promise((r) => setTimeout(r, 20));
    const clear = () => {
      every.length = 0;
      rises.length = 0;
    };
    // Data arriving makes the socket readable: both hear of it.
    net.send(c, new Uint8Array(8));
    await settle();
    expect(rises.at(-1)! & POLLIN).toBe(POLLIN);
    expect(every.at(-1)! & POLLIN).toBe(POLLIN);
    // A read that drains it only lowers readiness.
    clear();
    expect(net.recv(a, 64).value?.byteLength).toBe(8);
    await settle();
    expect(every.length).toBeGreaterThan(0);
    expect(every.at(-1)! & POLLIN).toBe(0);
    expect(rises).toEqual([]);
    // A send from a writable socket, written by the host later: nothing rises.
    clear();
    expect(net.send(a, new Uint8Array(8)).value).toBe(8);
    await settle();
    expect(every.length).toBeGreaterThan(0);
    expect(rises).toEqual([]);
    // New data: readable again, and the rises-only listener hears of it.
    clear();
    net.send(c, new Uint8Array(4));
    await settle();
    expect(rises.length).toBeGreaterThan(0);
    expect(rises.at(-1)! & POLLIN).toBe(POLLIN);
    // Out of send room, then room again: POLLOUT rises, and is reported.
    expect(net.recv(a, 64).value?.byteLength).toBe(4);
    let sent = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = net.send(a, new Uint8Array(65536));
      if (!r.ok) break;
      sent += r.value;
    }
    expect(sent).toBeGreaterThan(0);
    expect(net.poll([{ fd: a, events: POLLOUT }])).toEqual([0]);
    clear();
    for (let i = 0; i < 200 && !(net.poll([{ fd: a, events: POLLOUT }])[0]! & POLLOUT); i++) {
      while (net.recv(c, 1 << 20).ok);
      await settle();
    }
    expect(rises.some((m) => (m & POLLOUT) !== 0)).toBe(true);
    net.closeAll();
  });

  it('sockets close cleanly: the provider holds nothing afterwards', async () => {
    const provider = new MemoryProvider();
    const net = new RawSockets({ provider });
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 4);
    const c = net.socket('ipv4', 'stream').value!;
    await net.connectAsync(c, net.getsockname(l).value!, 2000);
    const u = net.socket('ipv4', 'dgram').value!;
    net.bind(u, v4());
    net.closeAll();
    await new Promise((r) => setTimeout(r, 20));
    const stats = provider.network.stats();
    expect(Object.values(stats).every((n) => n === 0)).toBe(true);
  });
});

describe('errno numbering', () => {
  it('maps Linux errno to WASI and to Emscripten libc numbers (checked against emcc 3.1.6 headers)', async () => {
    const { linuxToWasiErrno, linuxToEmscriptenErrno, wasiToLinuxErrno, E } = await import('../src/errno.js');
    expect(linuxToWasiErrno(-E.EAGAIN)).toBe(-6);
    expect(linuxToWasiErrno(-E.ECONNREFUSED)).toBe(-14);
    expect(linuxToWasiErrno(-E.EOPNOTSUPP)).toBe(-58);
    expect(linuxToEmscriptenErrno(-E.EOPNOTSUPP)).toBe(-138);
    expect(linuxToEmscriptenErrno(-E.ESOCKTNOSUPPORT)).toBe(-137);
    expect(linuxToEmscriptenErrno(-E.EINPROGRESS)).toBe(-26);
    expect(wasiToLinuxErrno(-28)).toBe(-E.EINVAL);
  });
});
