/**
 * @rawsock/bun/sync: the shared synchronous-API case list
 * (core/conformance/sync.ts) through a BunProvider in a worker, from the
 * sources (the worker runs src/sync-worker.ts), plus data that arrives
 * late from a peer in another process.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { runSyncCase, syncCases } from '../../core/conformance/sync.js';
import { createSyncSockets } from '../src/sync.js';

const net = createSyncSockets();
afterAll(() => net.terminate());

describe('sync API (BunProvider in a worker)', () => {
  for (const c of syncCases) test(c.name, () => runSyncCase(c, net), 20_000);

  test('recv blocks until a peer in another process answers 200 ms late', async () => {
    const peer = Bun.spawn([process.execPath, '-e', "const s=Bun.listen({hostname:'127.0.0.1',port:0,socket:{data(c,d){setTimeout(()=>c.write(d),200)}}});console.log(s.port)"], { stdout: 'pipe' });
    try {
      const reader = peer.stdout.getReader();
      const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
      const fd = net.socket('ipv4', 'stream').value!;
      expect(net.connect(fd, { family: 'ipv4', address: '127.0.0.1', port }).ok).toBe(true);
      expect(net.send(fd, new TextEncoder().encode('late')).value).toBe(4);
      const started = Date.now();
      let reply = '';
      while (reply.length < 4) reply += new TextDecoder().decode(net.recv(fd, 100).value);
      expect(reply).toBe('late');
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      net.close(fd);
    } finally {
      peer.kill();
    }
  }, 20_000);
});
