/**
 * Faults on real loopback sockets: resets mid-stream, a killed peer process,
 * a server closing under a writer, a connect that times out, bind races,
 * EMFILE and recovery. Every failure must surface as an errno, never an
 * exception, and leave nothing open.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MSG_DONTWAIT, MSG_NOSIGNAL, RawSockets, SOL_SOCKET, SO_LINGER, SHUT_WR, type SocketAddress } from '@rawsock/core';
import { NodeProvider } from '../src/index.js';

const v4 = (port = 0): SocketAddress => ({ family: 'ipv4', address: '127.0.0.1', port });
const portOf = (net: RawSockets, fd: number) => (net.getsockname(fd).value as { port: number }).port;

async function pair(net: RawSockets) {
  const l = net.socket('ipv4', 'stream').value!;
  net.bind(l, v4());
  net.listen(l, 16);
  const c = net.socket('ipv4', 'stream').value!;
  expect((await net.connectAsync(c, v4(portOf(net, l)), 5000)).ok).toBe(true);
  const s = (await net.acceptAsync(l, 5000)).value!.fd;
  return { l, c, s };
}

/** Sends until the call fails; returns the failure code (bounded). */
async function sendUntilError(net: RawSockets, fd: number, flags = 0): Promise<string> {
  const chunk = new Uint8Array(64 * 1024);
  for (let i = 0; i < 10_000; i++) {
    const r = net.send(fd, chunk, flags | MSG_DONTWAIT);
    if (r.ok) continue;
    if (r.code !== 'EAGAIN') return r.code;
    await net.wait([{ fd, events: 0x004 }], 100);
  }
  return 'no error';
}

describe('faults', () => {
  it('peer resets mid-stream: the sender gets ECONNRESET or EPIPE, the reader stops cleanly', async () => {
    const net = new RawSockets({ provider: new NodeProvider() });
    const { c, s } = await pair(net);
    const sending = sendUntilError(net, s);
    await net.recvAsync(c, 1000, 5000);
    net.setsockopt(c, SOL_SOCKET, SO_LINGER, { onoff: 1, linger: 0 });
    net.close(c);
    expect(['ECONNRESET', 'EPIPE']).toContain(await sending);
    net.closeAll();
  });

  it('server closes while the client writes: EPIPE/ECONNRESET with MSG_NOSIGNAL, no crash', async () => {
    const net = new RawSockets({ provider: new NodeProvider() });
    const { c, s, l } = await pair(net);
    const writing = sendUntilError(net, c, MSG_NOSIGNAL);
    await new Promise((r) => setTimeout(r, 20));
    net.close(s);
    net.close(l);
    expect(['ECONNRESET', 'EPIPE']).toContain(await writing);
    net.closeAll();
  });

  it('the peer process is killed: reads end with EOF or ECONNRESET', async () => {
    const net = new RawSockets({ provider: new NodeProvider() });
    const l = net.socket('ipv4', 'stream').value!;
    net.bind(l, v4());
    net.listen(l, 4);
    const child = spawn(process.execPath, ['-e', `require('net').connect(${portOf(net, l)}, '127.0.0.1', function () { this.write('alive'); setInterval(() => this.write('.'), 5); })`], { stdio: 'ignore' });
    try {
      const s = (await net.acceptAsync(l, 10_000)).value!.fd;
      expect(new TextDecoder().decode((await net.recvAsync(s, 5, 5000)).value)).toMatch(/^alive/);
      child.kill('SIGKILL');
      let outcome = '';
      for (let i = 0; i < 100_000 && !outcome; i++) {
        const r = await net.recvAsync(s, 65536, 5000);
        if (!r.ok) outcome = r.code;
        else if (r.value.byteLength === 0) outcome = 'EOF';
      }
      expect(['EOF', 'ECONNRESET']).toContain(outcome);
    } finally {
      child.kill('SIGKILL');
      net.closeAll();
    }
  });

  it('connect with a timeout to a listener that never accepts (full backlog) gives ETIMEDOUT', async () => {
    // A python listener with backlog 0 that never accepts: once its queue is
    // full the kernel drops SYNs, so a connect hangs — on loopback only.
    const py = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(30)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        py.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
        py.once('error', reject);
      });
      const net = new RawSockets({ provider: new NodeProvider() });
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const fd = net.socket('ipv4', 'stream', { nonBlocking: true }).value!;
        const r = await net.connectAsync(fd, v4(port), 300);
        outcomes.push(r.ok ? 'ok' : r.code);
      }
      expect(outcomes).toContain('ETIMEDOUT');
      net.closeAll();
    } finally {
      py.kill('SIGKILL');
    }
  });

  it('bind race: many sockets bind one port at once, exactly one wins', () => {
    const net = new RawSockets({ provider: new NodeProvider() });
    const probe = net.socket('ipv4', 'stream').value!;
    net.bind(probe, v4());
    const port = portOf(net, probe);
    net.close(probe);
    const results = Array.from({ length: 20 }, () => {
      const fd = net.socket('ipv4', 'stream').value!;
      const r = net.bind(fd, v4(port));
      return r.ok ? 'ok' : r.code;
    });
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(new Set(results.filter((r) => r !== 'ok'))).toEqual(new Set(['EADDRINUSE']));
    net.closeAll();
  });

  it('EMFILE at the limit, recovery after closing', async () => {
    const net = new RawSockets({ provider: new NodeProvider(), limits: { maxSockets: 8 } });
    const { l } = await pair(net);
    const extra: number[] = [];
    for (;;) {
      const r = net.socket('ipv4', 'stream');
      if (!r.ok) {
        expect(r.code).toBe('EMFILE');
        break;
      }
      extra.push(r.value);
    }
    expect(net.table.size).toBe(8);
    // accept() of a waiting connection also hits the limit...
    const outside = new RawSockets({ provider: new NodeProvider() });
    const c = outside.socket('ipv4', 'stream').value!;
    await outside.connectAsync(c, v4(portOf(net, l)), 5000);
    await net.wait([{ fd: l, events: 0x001 }], 5000);
    expect(net.accept(l)).toMatchObject({ ok: false, code: 'EMFILE' });
    // ...and works again once an fd is closed; the connection waited.
    net.close(extra.pop()!);
    expect(net.accept(l).ok).toBe(true);
    net.closeAll();
    outside.closeAll();
  });

  it('half-open: one side shuts down writing, the other keeps sending, then both close', async () => {
    const net = new RawSockets({ provider: new NodeProvider() });
    const { c, s } = await pair(net);
    net.shutdown(c, SHUT_WR);
    expect((await net.recvAsync(s, 10, 5000)).value!.byteLength).toBe(0);
    for (let i = 0; i < 50; i++) expect((await net.sendAllAsync(s, new Uint8Array(1000), 5000)).ok).toBe(true);
    let got = 0;
    while (got < 50_000) got += (await net.recvAsync(c, 65536, 5000)).value!.byteLength;
    expect(got).toBe(50_000);
    net.close(s);
    expect((await net.recvAsync(c, 10, 5000)).value!.byteLength).toBe(0);
    net.closeAll();
  });
});
