/**
 * The synchronous API (worker bridge) on real sockets: calls that block the
 * calling thread for real. Runs the built package (npm test builds first):
 * the worker thread loads dist/sync-worker.js.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { SOL_SOCKET, SO_RCVTIMEO } from '@rawsock/core';
import { createSyncSockets } from '../dist/sync.js';

const net = createSyncSockets();
afterAll(() => net.terminate());
const v4 = (port = 0) => ({ family: 'ipv4' as const, address: '127.0.0.1', port });

/** A listener, a client connected to it and the accepted end, through the worker. */
function connectedPair(): { l: number; c: number; a: number } {
  const l = net.socket('ipv4', 'stream').value!;
  expect(net.bind(l, v4()).ok).toBe(true);
  expect(net.listen(l, 8).ok).toBe(true);
  const port = (net.getsockname(l).value as { port: number }).port;
  const c = net.socket('ipv4', 'stream').value!;
  expect(net.connect(c, v4(port)).ok).toBe(true);
  const a = net.accept(l);
  expect(a.ok).toBe(true);
  return { l, c, a: a.value!.fd };
}

describe('createSyncSockets (worker bridge)', () => {
  it('connect, send and recv block until done, against an echo server in another process that answers 200 ms late', async () => {
    const child = spawn(process.execPath, ['-e', "const s=require('net').createServer(c=>c.on('data',d=>setTimeout(()=>c.write(d),200))).listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const port = await new Promise<number>((r) => child.stdout.once('data', (d: Buffer) => r(Number(String(d).trim()))));
      const fd = net.socket('ipv4', 'stream').value!;
      expect(net.connect(fd, v4(port))).toEqual({ ok: true, value: 0 });
      expect(net.send(fd, new TextEncoder().encode('sync hello')).value).toBe(10);
      const started = Date.now();
      let reply = '';
      while (reply.length < 10) reply += new TextDecoder().decode(net.recv(fd, 100).value);
      expect(reply).toBe('sync hello');
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      net.close(fd);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a server accept loop and a client in one thread of JS, through the worker', () => {
    const { l, c, a } = connectedPair();
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    // Blocking send of 3 MiB in bridge-sized pieces while nobody reads yet would
    // deadlock a single thread; send in halves and read in between.
    expect(net.send(c, big.subarray(0, 100_000)).value).toBe(100_000);
    let got = 0;
    while (got < 100_000) got += net.recv(a, 65536).value!.byteLength;
    expect(got).toBe(100_000);
    expect(net.shutdown(c, 1).ok).toBe(true);
    expect(net.recv(a, 10).value!.byteLength).toBe(0);
    net.close(c);
    net.close(a);
    net.close(l);
  });

  it('SO_RCVTIMEO expires: recv blocks about the timeout, then EAGAIN', () => {
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 1);
    const c = net.socket('ipv4', 'stream').value!;
    net.connect(c, net.getsockname(l).value!);
    const tv = new Uint8Array(16);
    new DataView(tv.buffer).setBigInt64(8, 150_000n, true);
    expect(net.setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, tv).ok).toBe(true);
    const started = Date.now();
    expect(net.recv(c, 10)).toMatchObject({ ok: false, code: 'EAGAIN' });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(145);
    expect(waited).toBeLessThan(2000);
    net.close(c);
    net.close(l);
  });

  it('connect to a closed port blocks until ECONNREFUSED; poll waits its timeout; names resolve', () => {
    const probe = net.socket('ipv4', 'stream').value!;
    net.bind(probe, v4());
    const port = (net.getsockname(probe).value as { port: number }).port;
    net.close(probe);
    const fd = net.socket('ipv4', 'stream').value!;
    expect(net.connect(fd, v4(port))).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
    const u = net.socket('ipv4', 'dgram').value!;
    net.bind(u, v4());
    const started = Date.now();
    expect(net.poll([{ fd: u, events: 1 }], 100).value).toEqual([0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(net.lookup('localhost', 'ipv4').value).toContain('127.0.0.1');
    expect(net.lookup('no-such-host.invalid')).toMatchObject({ ok: false, code: 'ENOENT' });
    net.close(fd);
    net.close(u);
  });

  it('UDP round trip through the bridge with sender addresses', () => {
    const a = net.socket('ipv4', 'dgram').value!;
    const b = net.socket('ipv4', 'dgram').value!;
    net.bind(a, v4());
    net.bind(b, v4());
    expect(net.sendto(a, new Uint8Array([1, 2, 3]), net.getsockname(b).value!).value).toBe(3);
    const got = net.recvfrom(b, 100);
    expect([...got.value!.data]).toEqual([1, 2, 3]);
    expect(got.value!.from).toEqual(net.getsockname(a).value);
    net.close(a);
    net.close(b);
  });
});
