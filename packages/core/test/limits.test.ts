/** Resource limits: sockets per table, received bytes per table, datagram size. */
import { describe, expect, it } from 'vitest';
import { RawSockets } from '../src/api.js';
import { MemoryProvider } from '../src/memory/index.js';

const v4 = (port = 0) => ({ family: 'ipv4' as const, address: '127.0.0.1', port });

describe('limits', () => {
  it('EMFILE at maxSockets, and room again after a close', () => {
    const net = new RawSockets({ provider: new MemoryProvider(), limits: { maxSockets: 3 } });
    const fds = [0, 1, 2].map(() => net.socket('ipv4', 'stream').value!);
    expect(net.socket('ipv4', 'dgram')).toMatchObject({ ok: false, code: 'EMFILE' });
    expect(net.socketpair()).toMatchObject({ ok: false, code: 'EMFILE' });
    net.close(fds[0]!);
    expect(net.socket('ipv4', 'dgram').ok).toBe(true);
    net.closeAll();
  });

  it('EMSGSIZE above maxDatagramBytes', () => {
    const net = new RawSockets({ provider: new MemoryProvider(), limits: { maxDatagramBytes: 1200 } });
    const fd = net.socket('ipv4', 'dgram').value!;
    expect(net.sendto(fd, new Uint8Array(1200), v4(9)).ok).toBe(true);
    expect(net.sendto(fd, new Uint8Array(1201), v4(9))).toMatchObject({ ok: false, code: 'EMSGSIZE' });
    net.closeAll();
  });

  it('maxBufferedBytes bounds what all sockets hold together; every byte still arrives', async () => {
    const budget = 64 * 1024;
    const peer = new MemoryProvider();
    const net = new RawSockets({ provider: peer, limits: { maxBufferedBytes: budget } });
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 8);
    const port = (net.getsockname(l).value as { port: number }).port;
    // Senders live in their own table so their queues do not count here.
    const senders = new RawSockets({ provider: new MemoryProvider({ network: peer.network }) });
    const size = 512 * 1024;
    const conns = await Promise.all(
      [0, 1, 2].map(async () => {
        const c = senders.socket('ipv4', 'stream').value!;
        await senders.connectAsync(c, v4(port), 2000);
        const a = (await net.acceptAsync(l, 2000)).value!;
        return { c, a: a.fd };
      }),
    );
    const sending = conns.map(({ c }) => senders.sendAllAsync(c, new Uint8Array(size).fill(7), 10_000));
    await new Promise((r) => setTimeout(r, 100));
    // Nobody read yet: the table holds about the budget, not 3 × 512 KiB.
    const held = conns.reduce((n, { a }) => n + net.available(a).value!, 0);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(budget + 3 * 256 * 1024 /* at most one late chunk per connection */);
    expect(held).toBeLessThan(3 * size);
    const received = await Promise.all(
      conns.map(async ({ a }) => {
        let got = 0;
        while (got < size) {
          const r = await net.recvAsync(a, 65536, 5000);
          if (!r.ok || r.value.byteLength === 0) break;
          got += r.value.byteLength;
        }
        return got;
      }),
    );
    expect(received).toEqual([size, size, size]);
    expect((await Promise.all(sending)).every((r) => r.ok)).toBe(true);
    net.closeAll();
    senders.closeAll();
  });
});
