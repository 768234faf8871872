/**
 * accept4(2)'s answers through SocketSyscalls, including the empty-queue
 * fast path (answered without throwing). Linux: accept(2) — EAGAIN on an
 * empty non-blocking listener, EINVAL when not listening, EOPNOTSUPP on a
 * datagram socket, EBADF on a closed fd.
 */
import { describe, expect, it } from 'vitest';
import { AF_INET, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM } from '../src/constants.js';
import { E } from '../src/errno.js';
import { MemoryProvider } from '../src/memory/index.js';
import { encodeSockaddr } from '../src/sockaddr.js';
import { SocketSyscalls } from '../src/syscalls.js';
import { SocketTable } from '../src/table.js';

const loopback = encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 0 });
const tick = () => new Promise((r) => setTimeout(r, 0));

function listener() {
  const sys = new SocketSyscalls(new SocketTable({ provider: new MemoryProvider() }));
  const l = sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  expect(sys.bind(l, loopback, loopback.byteLength)).toBe(0);
  expect(sys.listen(l, 8)).toBe(0);
  const name = new Uint8Array(16);
  expect(sys.getsockname(l, name, 16)).toBe(0);
  return { sys, l, name };
}

describe('accept4', () => {
  it('an empty queue answers EAGAIN, every time, and a queued connection is then accepted', async () => {
    const { sys, l, name } = listener();
    expect(sys.accept4(l, null, 0, SOCK_NONBLOCK)).toBe(-E.EAGAIN);
    expect(sys.accept4(l, null, 0, 0)).toBe(-E.EAGAIN);
    const c = sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(sys.connect(c, name, 16)).toBe(-E.EINPROGRESS);
    for (let i = 0; i < 20 && sys.table.stream(l, E.EOPNOTSUPP).pendingConnections === 0; i++) await tick();
    const peer = new Uint8Array(16);
    const a = sys.accept4(l, peer, 16, SOCK_NONBLOCK);
    expect(a).toBeGreaterThan(0);
    expect(sys.out.addrlen).toBe(16);
    expect(sys.accept4(l, null, 0, 0)).toBe(-E.EAGAIN);
  });

  it('not listening is EINVAL, a datagram socket EOPNOTSUPP, a closed fd EBADF, bad flags EINVAL', () => {
    const { sys, l } = listener();
    const fresh = sys.socket(AF_INET, SOCK_STREAM, 0);
    expect(sys.accept4(fresh, null, 0, 0)).toBe(-E.EINVAL);
    const udp = sys.socket(AF_INET, SOCK_DGRAM, 0);
    expect(sys.accept4(udp, null, 0, 0)).toBe(-E.EOPNOTSUPP);
    expect(sys.accept4(l, null, 0, 0x40)).toBe(-E.EINVAL);
    expect(sys.close(l)).toBe(0);
    expect(sys.accept4(l, null, 0, 0)).toBe(-E.EBADF);
  });
});
