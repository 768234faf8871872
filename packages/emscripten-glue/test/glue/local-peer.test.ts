/**
 * peerMayBeHere: which connected streams' posted sends must hold the
 * program's board answers in worker mode. Two tables over one in-memory
 * network stand for this program and another process.
 */
import { describe, expect, it } from 'vitest';
import { MemoryProvider, RawSockets } from '@rawsock/core';
import { peerMayBeHere } from '../../src/runtime/blocking/local-peer.js';

const v4 = (port = 0) => ({ family: 'ipv4' as const, address: '127.0.0.1', port });

async function listening(net: RawSockets): Promise<{ fd: number; port: number }> {
  const fd = net.socket('ipv4', 'stream').value!;
  net.bind(fd, v4());
  net.listen(fd, 8);
  const name = net.getsockname(fd).value!;
  return { fd, port: name.family === 'ipv4' ? name.port : 0 };
}

/** A connection from `program` to a listener of `server` (one table, or two on the same network). */
async function connection(program: RawSockets, server: RawSockets): Promise<{ port: number; c: number; s: number }> {
  const l = await listening(server);
  const c = program.socket('ipv4', 'stream').value!;
  await program.connectAsync(c, v4(l.port), 2000);
  const s = (await server.acceptAsync(l.fd)).value!.fd;
  return { port: l.port, c, s };
}

describe('peerMayBeHere (worker mode: which posted sends hold board answers)', () => {
  it('a connection between two sockets of this program: both ends, and a socketpair', async () => {
    const net = new RawSockets({ provider: new MemoryProvider() });
    const { c, s } = await connection(net, net);
    expect(peerMayBeHere(net.table, net.table.get(c))).toBe(true);
    expect(peerMayBeHere(net.table, net.table.get(s))).toBe(true);
    const [a, b] = net.socketpair().value!;
    expect(peerMayBeHere(net.table, net.table.get(a))).toBe(true);
    expect(peerMayBeHere(net.table, net.table.get(b))).toBe(true);
    net.closeAll();
  });

  it('a connection to another process: not here, on either side', async () => {
    const provider = new MemoryProvider();
    const server = new RawSockets({ provider });
    const program = new RawSockets({ provider });
    const { c, s } = await connection(program, server);
    expect(peerMayBeHere(program.table, program.table.get(c))).toBe(false);
    expect(peerMayBeHere(server.table, server.table.get(s))).toBe(false);
    program.closeAll();
    server.closeAll();
  });

  it('while one of the program’s sockets is still connecting (its port not known yet), the answer is not settled', async () => {
    const provider = new MemoryProvider();
    const server = new RawSockets({ provider });
    const program = new RawSockets({ provider });
    const { port, c } = await connection(program, server);
    const pending = program.socket('ipv4', 'stream').value!;
    program.setNonBlocking(pending, true);
    program.connect(pending, v4(port));
    expect(program.table.get(pending).state).toBe('connecting');
    expect(peerMayBeHere(program.table, program.table.get(c))).toBe('unsettled');
    program.closeAll();
    server.closeAll();
  });
});
