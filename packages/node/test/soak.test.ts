/**
 * Soak: many connection cycles and many concurrent connections through
 * rawsock on real sockets, with fds, host handles and heap staying flat.
 * `npm run soak` runs the long version (RAWSOCK_SOAK=full); `npm test`
 * runs a short one.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RawSockets, type SocketAddress } from '@rawsock/core';
import { NodeProvider } from '../src/index.js';

const full = process.env.RAWSOCK_SOAK === 'full';
const cycles = full ? 10_000 : 1_000;
const concurrent = full ? 1_000 : 200;
const v4 = (port = 0): SocketAddress => ({ family: 'ipv4', address: '127.0.0.1', port });
// A real collection before each heap reading, so garbage is not mistaken for a leak.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapNow = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const handles = () => process.getActiveResourcesInfo().filter((r) => /TCP|Pipe|UDP/.test(r)).length;

async function settle(baseline: number) {
  const deadline = Date.now() + 5000;
  while (handles() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('soak', () => {
  it(`${cycles} connect / round trip / close cycles leave fds, handles and heap flat`, async () => {
    const net = new RawSockets({ provider: new NodeProvider() });
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 128);
    const port = (net.getsockname(l).value as { port: number }).port;
    const baseHandles = handles();
    const ping = new Uint8Array(64).fill(1);
    let heapAfterWarmup = 0;
    for (let i = 0; i < cycles; i++) {
      const c = net.socket('ipv4', 'stream', { nonBlocking: true }).value!;
      expect((await net.connectAsync(c, v4(port), 5000)).ok).toBe(true);
      const s = (await net.acceptAsync(l, 5000)).value!.fd;
      await net.sendAllAsync(c, ping, 5000);
      let got = 0;
      while (got < 64) got += (await net.recvAsync(s, 64 - got, 5000)).value!.byteLength;
      await net.sendAllAsync(s, ping, 5000);
      got = 0;
      while (got < 64) got += (await net.recvAsync(c, 64 - got, 5000)).value!.byteLength;
      net.close(c);
      net.close(s);
      if (i === Math.floor(cycles / 10)) heapAfterWarmup = heapNow();
    }
    expect(net.table.size).toBe(1);
    await settle(baseHandles);
    expect(handles()).toBeLessThanOrEqual(baseHandles);
    // What survives a full GC stays flat: a fixed amount for caches and JIT, not a
    // per-cycle cost (the full soak's 10,000 cycles would show 200 B/cycle as 2 MiB).
    const growth = heapNow() - heapAfterWarmup;
    expect(growth).toBeLessThan(2 * 1024 * 1024);
    net.closeAll();
  }, 300_000);

  it(`${concurrent} concurrent connections, each echoing, all complete`, async () => {
    const net = new RawSockets({ provider: new NodeProvider() });
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 1024);
    const port = (net.getsockname(l).value as { port: number }).port;
    const server = (async () => {
      const conns: Promise<void>[] = [];
      for (let i = 0; i < concurrent; i++) {
        const fd = (await net.acceptAsync(l, 10_000)).value!.fd;
        conns.push(
          (async () => {
            for (;;) {
              const r = await net.recvAsync(fd, 4096, 10_000);
              if (!r.ok || r.value.byteLength === 0) break;
              await net.sendAllAsync(fd, r.value, 10_000);
            }
            net.close(fd);
          })(),
        );
      }
      await Promise.all(conns);
    })();
    const clients = Array.from({ length: concurrent }, async (_, i) => {
      const c = net.socket('ipv4', 'stream', { nonBlocking: true }).value!;
      expect((await net.connectAsync(c, v4(port), 10_000)).ok).toBe(true);
      const msg = new TextEncoder().encode(`client ${i}`);
      await net.sendAllAsync(c, msg, 10_000);
      let echoed = '';
      while (echoed.length < msg.length) echoed += new TextDecoder().decode((await net.recvAsync(c, 100, 10_000)).value);
      net.close(c);
      return echoed === `client ${i}`;
    });
    expect((await Promise.all(clients)).every(Boolean)).toBe(true);
    await server;
    expect(net.table.size).toBe(1);
    net.closeAll();
  }, 300_000);
});
