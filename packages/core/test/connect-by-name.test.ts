/** connect() to a placeholder: the name resolves asynchronously, the real address is connected (SocketSyscalls.connectName). */
import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, POLLERR, POLLOUT, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_ERROR } from '../src/constants.js';
import { E, ErrnoError } from '../src/errno.js';
import { MemoryProvider } from '../src/memory/index.js';
import type { LookupResult } from '../src/provider.js';
import { decodeSockaddr, encodeSockaddr } from '../src/sockaddr.js';
import { SocketSyscalls } from '../src/syscalls.js';
import { SocketTable } from '../src/table.js';

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

function setup() {
  const sys = new SocketSyscalls(new SocketTable({ provider: new MemoryProvider() }));
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  const any = encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 0 });
  sys.bind(l, any, any.byteLength);
  sys.listen(l, 8);
  const name = new Uint8Array(16);
  sys.getsockname(l, name, 16);
  const port = (decodeSockaddr(name, 16) as { port: number }).port;
  const asked: string[] = [];
  const lookup = async (host: string, family: string): Promise<LookupResult[]> => {
    asked.push(`${host} ${family}`);
    await new Promise((r) => setTimeout(r, 10));
    if (host === 'svc.test') return [{ family: 'ipv4', address: '127.0.0.1' }];
    throw new ErrnoError(E.ENOENT, host);
  };
  const revents = (fd: number) => sys.table.revents({ fd, events: POLLOUT });
  const soError = (fd: number) => {
    const v = new Uint8Array(4);
    sys.getsockopt(fd, SOL_SOCKET, SO_ERROR, v, 4);
    return new DataView(v.buffer).getInt32(0, true);
  };
  return { sys, port, lookup, asked, revents, soError };
}

describe('connectName', () => {
  it('resolves, then connects to the real address: getpeername is the real peer', async () => {
    const { sys, port, lookup, asked, revents } = setup();
    const c = sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(sys.connectName(c, 'svc.test', port, lookup)).toBe(-E.EINPROGRESS);
    expect(sys.connectName(c, 'svc.test', port, lookup)).toBe(-E.EALREADY);
    expect(revents(c) & POLLOUT).toBe(0);
    await until(() => (revents(c) & POLLOUT) !== 0);
    const peer = new Uint8Array(16);
    expect(sys.getpeername(c, peer, 16)).toBe(0);
    expect(decodeSockaddr(peer, 16)).toEqual({ family: 'ipv4', address: '127.0.0.1', port });
    expect(asked).toEqual(['svc.test ipv4']);
  });

  it('an IPv6 socket asks for any family and connects to the mapped IPv4 address', async () => {
    const { sys, port, lookup, asked, revents } = setup();
    const c = sys.socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(sys.connectName(c, 'svc.test', port, lookup)).toBe(-E.EINPROGRESS);
    await until(() => (revents(c) & POLLOUT) !== 0);
    const peer = new Uint8Array(28);
    expect(sys.getpeername(c, peer, 28)).toBe(0);
    expect(decodeSockaddr(peer, 28)).toMatchObject({ family: 'ipv6', address: '::ffff:127.0.0.1', port });
    expect(asked).toEqual(['svc.test any']);
  });

  it('a name that does not resolve fails the connect with EHOSTUNREACH (SO_ERROR, POLLERR); nothing is connected', async () => {
    const { sys, port, lookup, revents, soError } = setup();
    const c = sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    expect(sys.connectName(c, 'nx.test', port, lookup)).toBe(-E.EINPROGRESS);
    await until(() => (revents(c) & POLLERR) !== 0);
    expect(soError(c)).toBe(E.EHOSTUNREACH);
    expect(sys.getpeername(c, new Uint8Array(16), 16)).toBe(-E.ENOTCONN);
  });

  it('datagram sockets cannot wait for a name: EHOSTUNREACH at once', () => {
    const { sys, port, lookup, asked } = setup();
    const u = sys.socket(AF_INET, SOCK_DGRAM, 0);
    expect(sys.connectName(u, 'svc.test', port, lookup)).toBe(-E.EHOSTUNREACH);
    expect(asked).toEqual([]);
  });
});
