/** The UDP destination memo (SendtoMemo) and writeSockaddr's reuse of the last encoding. */
import { describe, expect, it } from 'vitest';
import { SOCK_DGRAM, SOCK_STREAM } from '../src/constants.js';
import { E, ErrnoError } from '../src/errno.js';
import { SendtoMemo } from '../src/sendto-memo.js';
import { encodeSockaddr, writeSockaddr } from '../src/sockaddr.js';

const udp4 = { domain: 'ipv4', type: SOCK_DGRAM } as const;
const a = encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 4000 });
const b = encodeSockaddr({ family: 'ipv4', address: '127.0.0.2', port: 4000 });

describe('SendtoMemo', () => {
  it('gives back the same address object for the same bytes, and a new one when they change', () => {
    const memo = new SendtoMemo();
    const first = memo.decode(udp4, a, 16);
    expect(first).toEqual({ kind: 'address', address: { family: 'ipv4', address: '127.0.0.1', port: 4000 } });
    expect(memo.decode(udp4, a.slice(), 16)).toBe(first);
    const other = memo.decode(udp4, b, 16);
    expect(other).toEqual({ kind: 'address', address: { family: 'ipv4', address: '127.0.0.2', port: 4000 } });
    const again = memo.decode(udp4, a, 16);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('a different port, addrlen or IPV6_V6ONLY decodes again', () => {
    const memo = new SendtoMemo();
    const udp6 = { domain: 'ipv6', type: SOCK_DGRAM, v6only: false } as const;
    const mapped = memo.decode(udp6, a, 16);
    expect(mapped).toMatchObject({ kind: 'address', address: { family: 'ipv6', address: '::ffff:127.0.0.1', port: 4000 } });
    // The same bytes on a v6-only socket: Linux refuses an IPv4 destination (ENETUNREACH).
    expect(() => memo.decode({ ...udp6, v6only: true }, a, 16)).toThrow(ErrnoError);
    const port = a.slice();
    port[3] = (port[3] ?? 0) + 1; // sin_port is big-endian: 4000 → 4001
    expect(memo.decode(udp4, port, 16)).toMatchObject({ address: { port: 4001 } });
    expect(() => memo.decode(udp4, a, 15)).toThrow(expect.objectContaining({ errno: E.EINVAL }));
  });

  it('errors are never remembered, and stream sockets are not memoized', () => {
    const memo = new SendtoMemo();
    const bad = a.slice();
    bad[0] = 99; // unknown family
    expect(() => memo.decode(udp4, bad, 16)).toThrow(expect.objectContaining({ errno: E.EAFNOSUPPORT }));
    expect(() => memo.decode(udp4, bad, 16)).toThrow(expect.objectContaining({ errno: E.EAFNOSUPPORT }));
    expect(memo.decode({ domain: 'ipv4', type: SOCK_STREAM }, a, 16)).toEqual({ kind: 'ignored' });
  });
});

describe('writeSockaddr', () => {
  it('writes the same bytes for a repeated address, truncated or whole, and follows a new address', () => {
    const addr = { family: 'ipv4', address: '10.1.2.3', port: 53 } as const;
    const whole = new Uint8Array(16);
    expect(writeSockaddr(addr, whole, 16)).toBe(16);
    expect(whole).toEqual(encodeSockaddr(addr));
    const short = new Uint8Array(16).fill(0xee);
    expect(writeSockaddr(addr, short, 6)).toBe(16);
    expect([...short.subarray(0, 6)]).toEqual([...whole.subarray(0, 6)]);
    expect(short[6]).toBe(0xee);
    const again = new Uint8Array(16);
    writeSockaddr(addr, again, 16);
    expect(again).toEqual(whole);
    const next = { family: 'ipv4', address: '10.1.2.4', port: 53 } as const;
    writeSockaddr(next, again, 16);
    expect(again).toEqual(encodeSockaddr(next));
  });
});
