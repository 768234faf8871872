import { describe, expect, it } from 'vitest';
import type { SocketAddress } from '../src/address.js';
import { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SOCK_NONBLOCK } from '../src/constants.js';
import { E, ErrnoError } from '../src/errno.js';
import {
  decodeSockaddr,
  decodeSockaddrFor,
  encodeSockaddr,
  ipv4MappedToIPv4,
  ipv4ToMapped,
  ipv4ToMappedAddress,
  mappedToIPv4Address,
  sockaddrLength,
  unixPathFromBytes,
  unixPathToBytes,
  writeSockaddr,
  type SockaddrTarget,
} from '../src/sockaddr.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Expects `fn` to throw an ErrnoError with `errno`. */
function errno(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ErrnoError);
    return (e as ErrnoError).errno;
  }
  throw new Error('did not throw');
}

/** A 128-byte sockaddr_storage with `family` (LE) and `rest` after it. */
function storage(family: number, rest: number[] | Uint8Array = []): Uint8Array {
  const b = new Uint8Array(128);
  new DataView(b.buffer).setUint16(0, family, true);
  b.set(rest, 2);
  return b;
}
const in4 = (family: number, ip: number[], port: number) => storage(family, [port >> 8, port & 0xff, ...ip]);
const in6 = (family: number, port: number, addr16: number[] = [...new Array(15).fill(0), 1], scope = 0) => {
  const b = storage(family, [port >> 8, port & 0xff, 0, 0, 0, 0, ...addr16]);
  new DataView(b.buffer).setUint32(24, scope, true);
  return b;
};
const un = (family: number, path: number[] | string) =>
  storage(family, typeof path === 'string' ? Array.from(path, (c) => c.charCodeAt(0)) : path);

// Bytes dumped from the real C structs with gcc on x86-64 Linux
// (memset 0, fill fields with htons/htonl/inet_pton, hexdump sizeof or the
// length the kernel reports).
const C = {
  in4_127_0_0_1_8080: '02001f907f0000010000000000000000',
  in4_192_168_1_254_65535: '0200ffffc0a801fe0000000000000000',
  in4_unbound: '02000000000000000000000000000000',
  in6_loop_8080: '0a001f90000000000000000000000000000000000000000100000000',
  in6_fe80_1_2_443_flow_abcde_scope_01020304: '0a0001bb000abcdefe80000000000000000000000001000204030201',
  in6_2001db8_53_flow_fedcba98_scope_deadbeef: '0a000035fedcba9820010db8000000000000ff0000428329efbeadde',
  in6_mapped_10_0_0_1_80: '0a0000500000000000000000000000000000ffff0a00000100000000',
  in6_unbound: '0a000000000000000000000000000000000000000000000000000000',
  un_run_rawsock: '01002f72756e2f726177736f636b2e736f636b00',
  un_tmp_ete_utf8: '01002f746d702fc3a974c3a900',
  un_abstract_rs_nul_x_nul: '0100007273007800',
  un_autobind: '0100006164386165',
  un_abstract_empty: '010000',
  un_unnamed: '0100',
};

describe('byte layouts match the C structs', () => {
  const cases: [string, SocketAddress][] = [
    [C.in4_127_0_0_1_8080, { family: 'ipv4', address: '127.0.0.1', port: 8080 }],
    [C.in4_192_168_1_254_65535, { family: 'ipv4', address: '192.168.1.254', port: 65535 }],
    [C.in4_unbound, { family: 'ipv4', address: '0.0.0.0', port: 0 }],
    [C.in6_loop_8080, { family: 'ipv6', address: '::1', port: 8080, flowinfo: 0, scopeId: 0 }],
    [
      C.in6_fe80_1_2_443_flow_abcde_scope_01020304,
      { family: 'ipv6', address: 'fe80::1:2', port: 443, flowinfo: 0xabcde, scopeId: 0x01020304 },
    ],
    [
      C.in6_2001db8_53_flow_fedcba98_scope_deadbeef,
      { family: 'ipv6', address: '2001:db8::ff00:42:8329', port: 53, flowinfo: 0xfedcba98, scopeId: 0xdeadbeef },
    ],
    [C.in6_mapped_10_0_0_1_80, { family: 'ipv6', address: '::ffff:10.0.0.1', port: 80, flowinfo: 0, scopeId: 0 }],
    [C.in6_unbound, { family: 'ipv6', address: '::', port: 0, flowinfo: 0, scopeId: 0 }],
    [C.un_run_rawsock, { family: 'unix', path: '/run/rawsock.sock' }],
    [C.un_tmp_ete_utf8, { family: 'unix', path: '/tmp/été' }],
    [C.un_abstract_rs_nul_x_nul, { family: 'unix', path: '\0rs\0x\0' }],
    [C.un_autobind, { family: 'unix', path: '\0ad8ae' }],
    [C.un_abstract_empty, { family: 'unix', path: '\0' }],
    [C.un_unnamed, { family: 'unix', path: '' }],
  ];
  it.each(cases)('%s', (bytes, addr) => {
    expect(toHex(encodeSockaddr(addr))).toBe(bytes);
    expect(sockaddrLength(addr)).toBe(bytes.length / 2);
    const b = hex(bytes);
    expect(decodeSockaddr(b, b.length)).toEqual(addr);
    expect(decodeSockaddr(b, b.length, addr.family)).toEqual(addr);
  });

  it('omitted flowinfo/scopeId encode as 0', () => {
    expect(toHex(encodeSockaddr({ family: 'ipv6', address: '::1', port: 8080 }))).toBe(C.in6_loop_8080);
  });

  it('encodes non-canonical IPv6 text to the same bytes', () => {
    expect(toHex(encodeSockaddr({ family: 'ipv6', address: '0:0:0:0:0:ffff:a00:1', port: 80 }))).toBe(
      C.in6_mapped_10_0_0_1_80,
    );
  });

  it('is independent of where the view sits in its buffer', () => {
    const big = new Uint8Array(300);
    big.set(hex(C.in6_2001db8_53_flow_fedcba98_scope_deadbeef), 37);
    const a = decodeSockaddr(big.subarray(37), 28);
    expect(a).toEqual({ family: 'ipv6', address: '2001:db8::ff00:42:8329', port: 53, flowinfo: 0xfedcba98, scopeId: 0xdeadbeef });
    const dest = new Uint8Array(100);
    expect(writeSockaddr(a, dest.subarray(13), 28)).toBe(28);
    expect(toHex(dest.subarray(13, 41))).toBe(C.in6_2001db8_53_flow_fedcba98_scope_deadbeef);
    expect(dest[12]).toBe(0);
    expect(dest[41]).toBe(0);
  });
});

describe('decodeSockaddr: IPv4', () => {
  it('accepts addrlen 16..128 and ignores sin_zero', () => {
    const b = in4(AF_INET, [10, 1, 2, 3], 1);
    b.fill(0xaa, 8, 16);
    for (const len of [16, 17, 28, 128]) {
      expect(decodeSockaddr(b, len)).toEqual({ family: 'ipv4', address: '10.1.2.3', port: 1 });
    }
  });
  it('addrlen < 16 is EINVAL', () => {
    for (const len of [2, 8, 15]) {
      expect(errno(() => decodeSockaddr(in4(AF_INET, [1, 2, 3, 4], 1), len))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddr(in4(AF_INET, [1, 2, 3, 4], 1), len, 'ipv4'))).toBe(E.EINVAL);
    }
  });
  it('length is checked before family when expecting ipv4', () => {
    expect(errno(() => decodeSockaddr(in6(AF_INET6, 1), 8, 'ipv4'))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddr(in6(AF_INET6, 1), 28, 'ipv4'))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddr(in4(AF_UNSPEC, [0, 0, 0, 0], 1), 16, 'ipv4'))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddr(in4(AF_UNIX, [0, 0, 0, 0], 1), 16, 'ipv4'))).toBe(E.EAFNOSUPPORT);
  });
});

describe('decodeSockaddr: IPv6', () => {
  it('accepts SIN6_LEN_RFC2133 (24): scope id then 0', () => {
    const b = in6(AF_INET6, 7, [0xfe, 0x80, ...new Array(13).fill(0), 1], 5);
    expect(decodeSockaddr(b, 24)).toEqual({ family: 'ipv6', address: 'fe80::1', port: 7, flowinfo: 0, scopeId: 0 });
    expect(decodeSockaddr(b, 27)).toMatchObject({ scopeId: 0 });
    expect(decodeSockaddr(b, 28)).toMatchObject({ scopeId: 5 });
    expect(decodeSockaddr(b, 128)).toMatchObject({ scopeId: 5 });
  });
  it('keeps flowinfo as the raw big-endian u32', () => {
    const b = in6(AF_INET6, 1);
    b.set([0xff, 0xff, 0xff, 0xff], 4);
    expect(decodeSockaddr(b, 28)).toMatchObject({ flowinfo: 0xffffffff });
    b.set([0x00, 0x0a, 0xbc, 0xde], 4);
    expect(decodeSockaddr(b, 28)).toMatchObject({ flowinfo: 0xabcde });
  });
  it('addrlen < 24 is EINVAL', () => {
    for (const len of [2, 16, 23]) {
      expect(errno(() => decodeSockaddr(in6(AF_INET6, 1), len))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddr(in6(AF_INET6, 1), len, 'ipv6'))).toBe(E.EINVAL);
    }
  });
  it('family mismatch is EAFNOSUPPORT, after the length check', () => {
    expect(errno(() => decodeSockaddr(in4(AF_INET, [127, 0, 0, 1], 1), 16, 'ipv6'))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddr(in4(AF_INET, [127, 0, 0, 1], 1), 28, 'ipv6'))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddr(in6(AF_UNSPEC, 1), 28, 'ipv6'))).toBe(E.EAFNOSUPPORT);
  });
});

describe('decodeSockaddr: unix', () => {
  it('pathname stops at the first NUL within addrlen - 2', () => {
    const b = un(AF_UNIX, 'u1\0garbage');
    expect(decodeSockaddr(b, 13)).toEqual({ family: 'unix', path: 'u1' });
    expect(decodeSockaddr(un(AF_UNIX, 'u2'), 4)).toEqual({ family: 'unix', path: 'u2' }); // no NUL
    expect(decodeSockaddr(un(AF_UNIX, '/tmp/abc'), 5)).toEqual({ family: 'unix', path: '/tm' }); // addrlen cuts
  });
  it('max-length pathname: 108 bytes without terminator, addrlen 110', () => {
    const path = '/tmp/sa/' + 'a'.repeat(100);
    const b = un(AF_UNIX, path);
    b[110] = 0x41; // beyond addrlen: must not be read
    const a = decodeSockaddr(b, 110, 'unix');
    expect(a).toEqual({ family: 'unix', path });
    // Linux then reports 111 from getsockname (2 + 108 + NUL).
    const enc = encodeSockaddr(a);
    expect(enc.length).toBe(111);
    expect(enc[110]).toBe(0);
    expect(toHex(enc.subarray(0, 110))).toBe(toHex(b.subarray(0, 110)));
  });
  it('abstract names keep every byte, NULs included', () => {
    const name = [0, 0x72, 0x73, 0, 0x78, 0, 0, 0];
    const b = un(AF_UNIX, name);
    expect(decodeSockaddr(b, 10)).toEqual({ family: 'unix', path: '\0rs\0x\0\0\0' });
    expect(decodeSockaddr(b, 8)).toEqual({ family: 'unix', path: '\0rs\0x\0' });
    expect(decodeSockaddr(b, 3)).toEqual({ family: 'unix', path: '\0' });
    const max = un(AF_UNIX, [0, ...new Array(107).fill(0x7a)]);
    const a = decodeSockaddr(max, 110);
    expect(a).toEqual({ family: 'unix', path: '\0' + 'z'.repeat(107) });
    expect(encodeSockaddr(a).length).toBe(110);
  });
  it('addrlen 2 is the unnamed address (bind: autobind)', () => {
    expect(decodeSockaddr(un(AF_UNIX, 'x'), 2)).toEqual({ family: 'unix', path: '' });
    expect(decodeSockaddr(un(AF_UNIX, 'x'), 2, 'unix')).toEqual({ family: 'unix', path: '' });
  });
  it('addrlen > 110 is EINVAL', () => {
    expect(errno(() => decodeSockaddr(un(AF_UNIX, 'x'), 111))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddr(un(AF_UNIX, 'x'), 128, 'unix'))).toBe(E.EINVAL);
  });
  it('a wrong family on a unix socket is EINVAL, as on Linux', () => {
    for (const fam of [AF_INET, AF_INET6, AF_UNSPEC, 99]) {
      expect(errno(() => decodeSockaddr(un(fam, 'u1'), 5, 'unix'))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddr(un(fam, ''), 2, 'unix'))).toBe(E.EINVAL);
    }
  });
  it('invalid UTF-8 round-trips through lone surrogates', () => {
    const raw = [0x2f, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0x41, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf, 0xc3];
    const b = un(AF_UNIX, raw);
    const a = decodeSockaddr(b, 2 + raw.length);
    expect(a).toEqual({
      family: 'unix',
      path: '/\udcff\udcfe\udcc3(\udce2\udc82A\udced\udca0\udc80\udcf4\udc90\udc80\udc80\udcc0\udcaf\udcc3',
    });
    expect(Array.from(encodeSockaddr(a))).toEqual([1, 0, ...raw, 0]);
  });
});

describe('decodeSockaddr: common errors', () => {
  it('addrlen < 2 is EINVAL', () => {
    for (const len of [0, 1]) {
      expect(errno(() => decodeSockaddr(in4(AF_INET, [1, 2, 3, 4], 1), len))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddr(un(AF_UNIX, 'x'), len, 'unix'))).toBe(E.EINVAL);
    }
  });
  it('addrlen beyond the buffer, beyond 128, negative or fractional is EINVAL', () => {
    expect(errno(() => decodeSockaddr(hex(C.in4_127_0_0_1_8080), 17))).toBe(E.EINVAL);
    const big = new Uint8Array(200);
    big[0] = AF_INET;
    expect(errno(() => decodeSockaddr(big, 129))).toBe(E.EINVAL);
    expect(decodeSockaddr(big, 128)).toMatchObject({ family: 'ipv4' });
    expect(errno(() => decodeSockaddr(big, -1))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddr(big, 16.5))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddr(big, Number.NaN))).toBe(E.EINVAL);
  });
  it('unknown family (AF_UNSPEC included) is EAFNOSUPPORT', () => {
    for (const fam of [AF_UNSPEC, 3, 17, 99, 0xffff]) {
      expect(errno(() => decodeSockaddr(storage(fam), 16))).toBe(E.EAFNOSUPPORT);
    }
  });
  it('the family field is little-endian', () => {
    const b = storage(0);
    b[1] = AF_INET; // big-endian 2 = 512 in LE
    expect(errno(() => decodeSockaddr(b, 16))).toBe(E.EAFNOSUPPORT);
  });
});

describe('decodeSockaddrFor: per-syscall Linux rules', () => {
  const T = (domain: SockaddrTarget['domain'], type: number, extra: Partial<SockaddrTarget> = {}): SockaddrTarget => ({
    domain,
    type,
    ...extra,
  });
  const tcp4 = T('ipv4', SOCK_STREAM);
  const udp4 = T('ipv4', SOCK_DGRAM | SOCK_NONBLOCK);
  const tcp6 = T('ipv6', SOCK_STREAM);
  const udp6 = T('ipv6', SOCK_DGRAM);
  const udp6only = T('ipv6', SOCK_DGRAM, { v6only: true });
  const lo4 = in4(AF_INET, [127, 0, 0, 1], 9);
  const lo6 = in6(AF_INET6, 9);
  const mapped = { family: 'ipv6', address: '::ffff:127.0.0.1', port: 9, flowinfo: 0, scopeId: 0 };

  it('AF_INET bind', () => {
    expect(decodeSockaddrFor('bind', tcp4, lo4, 16)).toEqual({ kind: 'address', address: { family: 'ipv4', address: '127.0.0.1', port: 9 } });
    for (const len of [0, 1, 2, 15]) expect(errno(() => decodeSockaddrFor('bind', tcp4, lo4, len))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('bind', tcp4, lo4, 129))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('bind', tcp4, lo6, 28))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('bind', udp4, lo6, 28))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('bind', tcp4, lo6, 8))).toBe(E.EINVAL);
    // AF_UNSPEC + INADDR_ANY is taken as AF_INET; with another address it is not.
    expect(decodeSockaddrFor('bind', tcp4, in4(AF_UNSPEC, [0, 0, 0, 0], 80), 16)).toEqual({
      kind: 'address',
      address: { family: 'ipv4', address: '0.0.0.0', port: 80 },
    });
    expect(errno(() => decodeSockaddrFor('bind', tcp4, in4(AF_UNSPEC, [127, 0, 0, 1], 80), 16))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('bind', tcp4, in4(AF_UNIX, [127, 0, 0, 1], 80), 16))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('bind', tcp4, in4(99, [127, 0, 0, 1], 80), 16))).toBe(E.EAFNOSUPPORT);
  });

  it('AF_INET connect (TCP and UDP alike)', () => {
    for (const t of [tcp4, udp4]) {
      expect(decodeSockaddrFor('connect', t, lo4, 16)).toMatchObject({ kind: 'address' });
      expect(errno(() => decodeSockaddrFor('connect', t, lo6, 28))).toBe(E.EAFNOSUPPORT);
      expect(errno(() => decodeSockaddrFor('connect', t, lo6, 8))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddrFor('connect', t, lo4, 15))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddrFor('connect', t, lo4, 1))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddrFor('connect', t, in4(99, [1, 2, 3, 4], 1), 16))).toBe(E.EAFNOSUPPORT);
      expect(decodeSockaddrFor('connect', t, storage(AF_UNSPEC), 2)).toEqual({ kind: 'unspec' });
      expect(decodeSockaddrFor('connect', t, in4(AF_UNSPEC, [127, 0, 0, 1], 9), 16)).toEqual({ kind: 'unspec' });
      expect(errno(() => decodeSockaddrFor('connect', t, storage(AF_UNSPEC), 1))).toBe(E.EINVAL);
    }
  });

  it('AF_INET sendto', () => {
    expect(decodeSockaddrFor('sendto', udp4, lo4, 16)).toMatchObject({ kind: 'address', address: { address: '127.0.0.1' } });
    // AF_UNSPEC is sent to as if AF_INET (Linux delivers it).
    expect(decodeSockaddrFor('sendto', udp4, in4(AF_UNSPEC, [127, 0, 0, 1], 9), 16)).toEqual({
      kind: 'address',
      address: { family: 'ipv4', address: '127.0.0.1', port: 9 },
    });
    expect(errno(() => decodeSockaddrFor('sendto', udp4, in4(AF_UNSPEC, [127, 0, 0, 1], 9), 2))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', udp4, lo6, 28))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('sendto', udp4, in4(AF_UNIX, [127, 0, 0, 1], 9), 16))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('sendto', udp4, in4(99, [127, 0, 0, 1], 9), 16))).toBe(E.EAFNOSUPPORT);
    for (const len of [0, 1, 15, 129]) expect(errno(() => decodeSockaddrFor('sendto', udp4, lo4, len))).toBe(E.EINVAL);
    // TCP ignores the address, but the generic length check still applies.
    expect(decodeSockaddrFor('sendto', tcp4, lo6, 28)).toEqual({ kind: 'ignored' });
    expect(decodeSockaddrFor('sendto', tcp4, lo4, 1)).toEqual({ kind: 'ignored' });
    expect(errno(() => decodeSockaddrFor('sendto', tcp4, lo4, 129))).toBe(E.EINVAL);
  });

  it('AF_INET6 bind', () => {
    for (const len of [24, 27, 28, 128]) expect(decodeSockaddrFor('bind', tcp6, lo6, len)).toMatchObject({ kind: 'address' });
    for (const len of [0, 2, 23, 129]) expect(errno(() => decodeSockaddrFor('bind', tcp6, lo6, len))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('bind', tcp6, lo4, 16))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('bind', tcp6, lo4, 28))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('bind', udp6, lo4, 28))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('bind', tcp6, in6(AF_UNSPEC, 0, new Array(16).fill(0)), 28))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('bind', tcp6, in6(99, 0), 28))).toBe(E.EAFNOSUPPORT);
  });

  it('AF_INET6 TCP connect', () => {
    expect(decodeSockaddrFor('connect', tcp6, lo6, 24)).toMatchObject({ kind: 'address', address: { address: '::1' } });
    expect(errno(() => decodeSockaddrFor('connect', tcp6, lo4, 16))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('connect', tcp6, lo4, 28))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('connect', tcp6, lo6, 23))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('connect', tcp6, in6(99, 1), 28))).toBe(E.EAFNOSUPPORT);
    expect(decodeSockaddrFor('connect', tcp6, storage(AF_UNSPEC), 2)).toEqual({ kind: 'unspec' });
    expect(errno(() => decodeSockaddrFor('connect', tcp6, storage(AF_UNSPEC), 1))).toBe(E.EINVAL);
  });

  it('AF_INET6 UDP connect takes AF_INET as v4-mapped unless V6ONLY', () => {
    expect(decodeSockaddrFor('connect', udp6, lo4, 16)).toEqual({ kind: 'address', address: mapped });
    expect(decodeSockaddrFor('connect', udp6, lo4, 28)).toEqual({ kind: 'address', address: mapped });
    expect(errno(() => decodeSockaddrFor('connect', udp6, lo4, 8))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('connect', udp6only, lo4, 16))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('connect', udp6only, lo4, 8))).toBe(E.EAFNOSUPPORT);
    expect(errno(() => decodeSockaddrFor('connect', udp6, lo6, 23))).toBe(E.EINVAL);
    expect(decodeSockaddrFor('connect', udp6, lo6, 24)).toMatchObject({ kind: 'address' });
    expect(errno(() => decodeSockaddrFor('connect', udp6, in6(99, 1), 28))).toBe(E.EAFNOSUPPORT);
    expect(decodeSockaddrFor('connect', udp6, storage(AF_UNSPEC), 2)).toEqual({ kind: 'unspec' });
    expect(errno(() => decodeSockaddrFor('connect', udp6, storage(AF_UNSPEC), 1))).toBe(E.EINVAL);
  });

  it('AF_INET6 UDP sendto', () => {
    expect(decodeSockaddrFor('sendto', udp6, lo4, 16)).toEqual({ kind: 'address', address: mapped });
    expect(errno(() => decodeSockaddrFor('sendto', udp6, lo4, 15))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', udp6, lo4, 8))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', udp6only, lo4, 16))).toBe(E.ENETUNREACH);
    expect(errno(() => decodeSockaddrFor('sendto', udp6only, lo4, 8))).toBe(E.ENETUNREACH);
    expect(decodeSockaddrFor('sendto', udp6, in6(AF_UNSPEC, 9), 28)).toEqual({ kind: 'unspec' });
    expect(decodeSockaddrFor('sendto', udp6, in6(AF_UNSPEC, 9), 2)).toEqual({ kind: 'unspec' });
    expect(errno(() => decodeSockaddrFor('sendto', udp6, in6(99, 9), 28))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', udp6, in6(AF_UNIX, 9), 28))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', udp6, lo6, 23))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', udp6, lo6, 1))).toBe(E.EINVAL);
    expect(decodeSockaddrFor('sendto', udp6, lo6, 24)).toMatchObject({ kind: 'address', address: { address: '::1', scopeId: 0 } });
    expect(decodeSockaddrFor('sendto', tcp6, lo4, 1)).toEqual({ kind: 'ignored' });
  });

  it('AF_UNIX bind', () => {
    const us = T('unix', SOCK_STREAM);
    const ud = T('unix', SOCK_DGRAM);
    expect(decodeSockaddrFor('bind', us, un(AF_UNIX, ''), 2)).toEqual({ kind: 'autobind' });
    expect(decodeSockaddrFor('bind', ud, un(AF_UNIX, ''), 2)).toEqual({ kind: 'autobind' });
    for (const fam of [AF_INET, AF_UNSPEC]) expect(errno(() => decodeSockaddrFor('bind', us, un(fam, ''), 2))).toBe(E.EINVAL);
    for (const len of [0, 1, 111]) expect(errno(() => decodeSockaddrFor('bind', us, un(AF_UNIX, 'u'), len))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('bind', us, un(AF_INET, 'u1'), 5))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('bind', us, un(AF_INET6, 'u1'), 28))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('bind', us, un(99, 'u1'), 5))).toBe(E.EINVAL);
    expect(decodeSockaddrFor('bind', us, un(AF_UNIX, 'u1\0garbage'), 13)).toEqual({ kind: 'address', address: { family: 'unix', path: 'u1' } });
    expect(decodeSockaddrFor('bind', us, un(AF_UNIX, [0]), 3)).toEqual({ kind: 'address', address: { family: 'unix', path: '\0' } });
  });

  it('AF_UNIX connect', () => {
    for (const type of [SOCK_STREAM, SOCK_SEQPACKET]) {
      const t = T('unix', type);
      expect(decodeSockaddrFor('connect', t, un(AF_UNIX, 'srv'), 5)).toEqual({ kind: 'address', address: { family: 'unix', path: 'srv' } });
      expect(errno(() => decodeSockaddrFor('connect', t, un(AF_UNIX, ''), 2))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddrFor('connect', t, un(AF_UNSPEC, ''), 2))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddrFor('connect', t, un(AF_INET, 'srv'), 6))).toBe(E.EINVAL);
      expect(errno(() => decodeSockaddrFor('connect', t, un(AF_UNIX, 'srv'), 111))).toBe(E.EINVAL);
    }
    const ud = T('unix', SOCK_DGRAM);
    expect(decodeSockaddrFor('connect', ud, un(AF_UNSPEC, ''), 2)).toEqual({ kind: 'unspec' });
    expect(errno(() => decodeSockaddrFor('connect', ud, un(AF_UNSPEC, ''), 1))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('connect', ud, un(AF_UNIX, ''), 2))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('connect', ud, un(AF_INET, 'srv'), 6))).toBe(E.EINVAL);
  });

  it('AF_UNIX sendto', () => {
    const ud = T('unix', SOCK_DGRAM);
    expect(decodeSockaddrFor('sendto', ud, un(AF_UNIX, 'dsrv'), 7)).toEqual({ kind: 'address', address: { family: 'unix', path: 'dsrv' } });
    expect(decodeSockaddrFor('sendto', ud, un(AF_UNIX, 'dsrv'), 0)).toEqual({ kind: 'unspec' });
    for (const fam of [AF_INET, AF_UNSPEC]) expect(errno(() => decodeSockaddrFor('sendto', ud, un(fam, 'dsrv'), 7))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', ud, un(AF_UNIX, ''), 2))).toBe(E.EINVAL);
    expect(errno(() => decodeSockaddrFor('sendto', ud, un(AF_UNIX, 'dsrv'), 111))).toBe(E.EINVAL);
    // Stream: any address is an error, which depends on the connection state.
    expect(errno(() => decodeSockaddrFor('sendto', T('unix', SOCK_STREAM, { connected: true }), un(AF_UNIX, 'a'), 4))).toBe(E.EISCONN);
    expect(errno(() => decodeSockaddrFor('sendto', T('unix', SOCK_STREAM), un(AF_UNIX, 'a'), 4))).toBe(E.EOPNOTSUPP);
    expect(decodeSockaddrFor('sendto', T('unix', SOCK_STREAM, { connected: true }), un(AF_UNIX, 'a'), 0)).toEqual({ kind: 'ignored' });
    // Seqpacket ignores it, whatever it holds.
    expect(decodeSockaddrFor('sendto', T('unix', SOCK_SEQPACKET), un(AF_INET, 'a'), 111)).toEqual({ kind: 'ignored' });
    expect(errno(() => decodeSockaddrFor('sendto', T('unix', SOCK_SEQPACKET), un(AF_INET, 'a'), 129))).toBe(E.EINVAL);
  });
});

describe('encodeSockaddr', () => {
  it('pathname length is 2 + strlen + 1, abstract 2 + name, unnamed 2', () => {
    expect(encodeSockaddr({ family: 'unix', path: 'srv' }).length).toBe(6);
    expect(encodeSockaddr({ family: 'unix', path: '\0srv' }).length).toBe(6);
    expect(encodeSockaddr({ family: 'unix', path: '' }).length).toBe(2);
    expect(sockaddrLength({ family: 'unix', path: '/tmp/été' })).toBe(13);
  });
  it('round-trips IPv6 with flowinfo and scope id', () => {
    const a = { family: 'ipv6', address: 'fe80::dead:beef', port: 65535, flowinfo: 0x12345678, scopeId: 0xffffffff } as const;
    const b = encodeSockaddr(a);
    expect(decodeSockaddr(b, b.length, 'ipv6')).toEqual(a);
  });
  it('round-trips abstract names with embedded NULs and non-ASCII', () => {
    for (const path of ['\0', '\0\0\0', '\0a\0b\0', '\0名前\0', '\0' + '\0'.repeat(107)]) {
      const b = encodeSockaddr({ family: 'unix', path });
      expect(b.length).toBe(2 + unixPathToBytes(path).length);
      expect(decodeSockaddr(b, b.length)).toEqual({ family: 'unix', path });
    }
  });
  it('rejects what no sockaddr can hold', () => {
    const bad: SocketAddress[] = [
      { family: 'ipv4', address: '256.0.0.1', port: 1 },
      { family: 'ipv4', address: '::1', port: 1 },
      { family: 'ipv4', address: '1.2.3.4', port: 65536 },
      { family: 'ipv4', address: '1.2.3.4', port: -1 },
      { family: 'ipv4', address: '1.2.3.4', port: 1.5 },
      { family: 'ipv6', address: '1.2.3.4', port: 1 },
      { family: 'ipv6', address: 'fe80::1%eth0', port: 1 },
      { family: 'ipv6', address: '::1', port: 1, flowinfo: 2 ** 32 },
      { family: 'ipv6', address: '::1', port: 1, scopeId: -1 },
      { family: 'unix', path: 'a'.repeat(109) },
      { family: 'unix', path: '\0' + 'a'.repeat(108) },
      { family: 'unix', path: 'é'.repeat(55) }, // 110 bytes
      { family: 'unix', path: 'a\0b' },
    ];
    for (const a of bad) expect(errno(() => encodeSockaddr(a))).toBe(E.EINVAL);
    expect(errno(() => encodeSockaddr({ family: 'ipx' } as unknown as SocketAddress))).toBe(E.EAFNOSUPPORT);
  });
});

describe('writeSockaddr', () => {
  const v6 = { family: 'ipv6', address: '::1', port: 0xbe4f } as const;
  it('truncates like getsockname and returns the full length', () => {
    // gcc: getsockname(AF_INET6 bound to [::1]:48719) with addrlen 10 → 10 bytes, addrlen 28.
    const dest = new Uint8Array(64).fill(0xee);
    expect(writeSockaddr(v6, dest, 10)).toBe(28);
    expect(toHex(dest.subarray(0, 16))).toBe('0a00be4f000000000000eeeeeeeeeeee');
    dest.fill(0xee);
    expect(writeSockaddr(v6, dest, 0)).toBe(28);
    expect(dest.every((x) => x === 0xee)).toBe(true);
    dest.fill(0xee);
    expect(writeSockaddr(v6, dest, 64)).toBe(28);
    expect(toHex(dest.subarray(0, 32))).toBe('0a00be4f000000000000000000000000000000000000000100000000eeeeeeee');
  });
  it('abstract and 108-byte pathnames truncate the same way', () => {
    const dest = new Uint8Array(8).fill(0xee);
    // gcc: getsockname of "\0rs\0x\0" with addrlen 5 → 5 bytes, addrlen 8.
    expect(writeSockaddr({ family: 'unix', path: '\0rs\0x\0' }, dest, 5)).toBe(8);
    expect(toHex(dest)).toBe('0100007273eeeeee');
    // gcc: getsockname of a 108-byte path with addrlen 110 → 110 bytes, addrlen 111.
    const path = '/tmp/sa/' + 'a'.repeat(100);
    const big = new Uint8Array(128).fill(0xee);
    expect(writeSockaddr({ family: 'unix', path }, big, 110)).toBe(111);
    expect(big[109]).toBe(0x61);
    expect(big[110]).toBe(0xee);
    expect(writeSockaddr({ family: 'unix', path }, big, 128)).toBe(111);
    expect(big[110]).toBe(0);
    expect(big[111]).toBe(0xee);
  });
  it('unnamed unix writes just the family', () => {
    const dest = new Uint8Array(4).fill(0xee);
    expect(writeSockaddr({ family: 'unix', path: '' }, dest, 4)).toBe(2);
    expect(toHex(dest)).toBe('0100eeee');
  });
  it('errors: negative destLen EINVAL, overrunning dest EFAULT', () => {
    expect(errno(() => writeSockaddr(v6, new Uint8Array(64), -1))).toBe(E.EINVAL);
    expect(errno(() => writeSockaddr(v6, new Uint8Array(64), 0.5))).toBe(E.EINVAL);
    expect(errno(() => writeSockaddr(v6, new Uint8Array(20), 28))).toBe(E.EFAULT);
    // A generous destLen is fine when the bytes written fit.
    expect(writeSockaddr(v6, new Uint8Array(28), 1000)).toBe(28);
  });
});

describe('IPv4-mapped helpers', () => {
  it('maps and unmaps', () => {
    expect(ipv4ToMapped('127.0.0.1')).toBe('::ffff:127.0.0.1');
    expect(errno(() => ipv4ToMapped('::1'))).toBe(E.EINVAL);
    expect(ipv4MappedToIPv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(ipv4MappedToIPv4('0:0:0:0:0:FFFF:a00:1')).toBe('10.0.0.1');
    expect(ipv4MappedToIPv4('::1')).toBeUndefined();
    expect(ipv4MappedToIPv4('::10.0.0.1')).toBeUndefined(); // IPv4-compatible, not mapped
    expect(ipv4MappedToIPv4('64:ff9b::10.0.0.1')).toBeUndefined();
    expect(ipv4MappedToIPv4('10.0.0.1')).toBeUndefined();
    const a4 = { family: 'ipv4', address: '10.0.0.1', port: 80 } as const;
    const a6 = ipv4ToMappedAddress(a4);
    expect(toHex(encodeSockaddr(a6))).toBe(C.in6_mapped_10_0_0_1_80);
    expect(mappedToIPv4Address(a6)).toEqual(a4);
    expect(mappedToIPv4Address({ family: 'ipv6', address: '::1', port: 1 })).toBeUndefined();
  });
});

describe('unix path text codec', () => {
  it('is UTF-8 for well-formed text', () => {
    const s = 'a\0é€😀';
    const b = unixPathToBytes(s);
    expect(toHex(b)).toBe('6100c3a9e282acf09f9880');
    expect(unixPathFromBytes(b)).toBe(s);
  });
  it('escapes every byte of invalid UTF-8 and restores it', () => {
    for (let x = 0x80; x <= 0xff; x++) {
      const b = Uint8Array.of(x);
      expect(unixPathFromBytes(b)).toBe(String.fromCharCode(0xdc00 | x));
      expect(Array.from(unixPathToBytes(unixPathFromBytes(b)))).toEqual([x]);
    }
    // Overlong, surrogate, > U+10FFFF, truncated sequences.
    for (const raw of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98], [0xe2, 0x82]]) {
      const s = unixPathFromBytes(Uint8Array.from(raw));
      expect(s.length).toBe(raw.length);
      expect(Array.from(unixPathToBytes(s))).toEqual(raw);
    }
  });
  it('other lone surrogates encode as U+FFFD', () => {
    expect(toHex(unixPathToBytes('\ud800x\udfff'))).toBe('efbfbd78efbfbd');
  });
});

it('uses the expected AF_* numbers', () => {
  expect([AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6]).toEqual([0, 1, 2, 10]);
});
