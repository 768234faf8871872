/**
 * The sockaddr codec: Linux `struct sockaddr_in`, `sockaddr_in6` and
 * `sockaddr_un` bytes ↔ {@link SocketAddress} values.
 *
 * Layouts (x86-64/aarch64 Linux; checked with offsetof/sizeof under gcc):
 *
 * ```text
 * sockaddr_in   16 bytes  0 u16 family=2 (host order, LE)  2 u16 port (BE)
 *                         4 u8[4] addr   8 u8[8] sin_zero
 * sockaddr_in6  28 bytes  0 u16 family=10 (LE)  2 u16 port (BE)
 *                         4 u32 flowinfo (BE: Linux keeps it in network order)
 *                         8 u8[16] addr  24 u32 scope_id (host order, LE)
 * sockaddr_un  110 bytes  0 u16 family=1 (LE)  2 char sun_path[108]
 * sockaddr_storage is 128 bytes.
 * ```
 *
 * "Host order" means the byte order of the Linux ABI rawsock emulates, which
 * is little-endian (wasm32 and every Linux target we serve); every field is
 * read and written through a DataView with explicit endianness, so the host
 * running this code does not matter.
 *
 * Validation reproduces what the Linux kernel does (verified on Linux 6.18
 * with small C programs; see the fact table in each function's comment).
 * Two levels are offered:
 *
 * - {@link decodeSockaddr}: decode one address, optionally insisting on a
 *   family, with the length/family checks every protocol shares.
 * - {@link decodeSockaddrFor}: what bind(2)/connect(2)/sendto(2) on a given
 *   kind of socket make of the bytes, including Linux's AF_UNSPEC and
 *   dual-stack quirks and the exact errno each protocol returns.
 *
 * Encoding ({@link encodeSockaddr}, {@link writeSockaddr}) produces the bytes
 * and the length getsockname/getpeername/accept/recvfrom report.
 */
import {
  formatIPv4,
  formatIPv6,
  parseIPv4,
  parseIPv6,
  type Domain,
  type Inet4Address,
  type Inet6Address,
  type SocketAddress,
} from './address.js';
import { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, SOCK_DGRAM, SOCK_STREAM, SOCK_TYPE_MASK, UNIX_PATH_MAX } from './constants.js';
import { E, fail } from './errno.js';

/** sizeof(struct sockaddr_in). */
export const SOCKADDR_IN_LEN = 16;
/** sizeof(struct sockaddr_in6). */
export const SOCKADDR_IN6_LEN = 28;
/**
 * The RFC 2133 sockaddr_in6, without sin6_scope_id. Linux accepts it as the
 * minimum length for IPv6 (`SIN6_LEN_RFC2133` in include/linux/in6.h).
 */
export const SIN6_LEN_RFC2133 = 24;
/** offsetof(struct sockaddr_un, sun_path): the family field alone. */
export const SUN_PATH_OFFSET = 2;
/** sizeof(struct sockaddr_un): 2 + UNIX_PATH_MAX. */
export const SOCKADDR_UN_LEN = SUN_PATH_OFFSET + UNIX_PATH_MAX;
/**
 * sizeof(struct sockaddr_storage). The kernel copies at most this many bytes
 * of a user address (move_addr_to_kernel): a longer (or negative) addrlen is
 * EINVAL for every protocol, even ones that ignore the address.
 */
export const SOCKADDR_STORAGE_LEN = 128;

// ---------------------------------------------------------------------------
// Path bytes ↔ string

/**
 * Decodes unix-socket path bytes to a string. Valid UTF-8 decodes exactly
 * (NUL bytes included, as `'\0'`). Bytes that are not part of a valid UTF-8
 * sequence are not replaced by U+FFFD (which would lose them): each becomes
 * the lone surrogate U+DC80..U+DCFF (byte 0x80..0xFF), Python's
 * "surrogateescape" scheme, and {@link unixPathToBytes} turns those back into
 * the original bytes, so bytes → string → bytes is lossless for any input.
 * Such a string is not well-formed Unicode; handing it to a runtime API that
 * encodes paths as UTF-8 (Node, Deno, Bun) would name a different file.
 */
export function unixPathFromBytes(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      // Fast path for runs of ASCII.
      let j = i + 1;
      while (j < n && (bytes[j] as number) < 0x80) j++;
      out += String.fromCharCode(...bytes.subarray(i, j));
      i = j;
      continue;
    }
    let need = 0;
    let cp = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      if (b0 === 0xe0) lo = 0xa0; // no overlongs
      if (b0 === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      if (b0 === 0xf0) lo = 0x90; // no overlongs
      if (b0 === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    }
    let ok = need > 0 && i + need < n;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const b = bytes[i + k];
        if (b === undefined || b < (k === 1 ? lo : 0x80) || b > (k === 1 ? hi : 0xbf)) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3f);
      }
    }
    if (ok) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 | b0);
      i += 1;
    }
  }
  return out;
}

/**
 * Encodes a unix-socket path string to bytes: UTF-8, except that a lone
 * surrogate U+DC80..U+DCFF becomes the single byte 0x80..0xFF (the inverse
 * of {@link unixPathFromBytes}). Any other lone surrogate becomes U+FFFD
 * (EF BF BD), as TextEncoder does.
 */
export function unixPathToBytes(path: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < path.length; i++) {
    let c = path.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = path.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
        continue;
      }
      c = 0xfffd;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      if (c >= 0xdc80 && c <= 0xdcff) {
        out.push(c & 0xff);
        continue;
      }
      c = 0xfffd;
    }
    if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------
// IPv4-mapped IPv6 (::ffff:a.b.c.d)

/** `'1.2.3.4'` → `'::ffff:1.2.3.4'`. Throws EINVAL if the text is not IPv4. */
export function ipv4ToMapped(ipv4: string): string {
  const b = parseIPv4(ipv4);
  if (!b) fail(E.EINVAL, `not an IPv4 address: ${ipv4}`);
  return `::ffff:${formatIPv4(b)}`;
}

/**
 * `'::ffff:1.2.3.4'` (any spelling, e.g. `'0:0:0:0:0:ffff:102:304'`) →
 * `'1.2.3.4'`; undefined for text that is not an IPv4-mapped IPv6 address.
 */
export function ipv4MappedToIPv4(ipv6: string): string | undefined {
  const b = parseIPv6(ipv6);
  if (!b || !isMappedBytes(b, 0)) return undefined;
  return formatIPv4(b, 12);
}

/** An IPv4 endpoint as a dual-stack IPv6 socket sees it (`::ffff:a.b.c.d`). */
export function ipv4ToMappedAddress(addr: Inet4Address): Inet6Address {
  return { family: 'ipv6', address: ipv4ToMapped(addr.address), port: addr.port, flowinfo: 0, scopeId: 0 };
}

/** The IPv4 endpoint behind an IPv4-mapped IPv6 endpoint; undefined otherwise. */
export function mappedToIPv4Address(addr: Inet6Address): Inet4Address | undefined {
  const v4 = ipv4MappedToIPv4(addr.address);
  return v4 === undefined ? undefined : { family: 'ipv4', address: v4, port: addr.port };
}

function isMappedBytes(b: Uint8Array, off: number): boolean {
  for (let i = 0; i < 10; i++) if (b[off + i] !== 0) return false;
  return b[off + 10] === 0xff && b[off + 11] === 0xff;
}

// ---------------------------------------------------------------------------
// Decoding

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The checks the syscall layer makes before any protocol sees the address:
 * the kernel rejects addrlen < 0 or > sizeof(sockaddr_storage) = 128 with
 * EINVAL (move_addr_to_kernel; verified: bind/sendto with addrlen 129 or
 * (socklen_t)-1 → EINVAL, 128 → accepted). An addrlen beyond the bytes we
 * were handed is EINVAL too (the caller's view is the whole user buffer).
 */
function checkLength(bytes: Uint8Array, addrlen: number): void {
  if (!Number.isInteger(addrlen) || addrlen < 0 || addrlen > SOCKADDR_STORAGE_LEN) {
    fail(E.EINVAL, `bad addrlen ${addrlen}`);
  }
  if (addrlen > bytes.byteLength) fail(E.EINVAL, `addrlen ${addrlen} exceeds the ${bytes.byteLength}-byte buffer`);
}

/** sockaddr_in; the caller has checked addrlen >= 16. sin_zero is not checked (Linux ignores it). */
function readIn4(bytes: Uint8Array): Inet4Address {
  const dv = view(bytes);
  return { family: 'ipv4', address: formatIPv4(bytes, 4), port: dv.getUint16(2, false) };
}

/**
 * sockaddr_in6; the caller has checked addrlen >= 24. sin6_scope_id is read
 * only when addrlen >= 28, as inet6_bind/ip6_datagram_connect do (verified:
 * bind fe80::1 with scope 1 and addrlen 27 → EINVAL "link-local needs a
 * scope", same bytes with addrlen 28 → EADDRNOTAVAIL, i.e. the scope was
 * used).
 */
function readIn6(bytes: Uint8Array, addrlen: number): Inet6Address {
  const dv = view(bytes);
  return {
    family: 'ipv6',
    address: formatIPv6(bytes, 8),
    port: dv.getUint16(2, false),
    flowinfo: dv.getUint32(4, false),
    scopeId: addrlen >= SOCKADDR_IN6_LEN ? dv.getUint32(24, true) : 0,
  };
}

/**
 * sockaddr_un, after unix_validate_addr-style checks (2 <= addrlen <= 110).
 *
 * - addrlen == 2: no sun_path at all → the unnamed address (`path: ''`).
 *   Linux accepts this only for bind(2), where it means autobind: the kernel
 *   picks an abstract name of 5 hex digits (verified: getsockname then
 *   reports addrlen 8, `"\0" + "%05x"`). connect/sendto reject it (EINVAL).
 * - sun_path[0] == 0: abstract name. The name is all addrlen - 3 bytes after
 *   the leading NUL, taken literally, NULs included (verified: bind of
 *   "\0rs\0x\0" with addrlen 8 → getsockname returns those 8 bytes). An empty
 *   abstract name (addrlen 3) is legal (verified).
 * - otherwise a pathname: the bytes up to the first NUL within the addrlen - 2
 *   bytes of sun_path, or all of them if there is none — Linux allows a
 *   108-byte path with no terminator (addrlen 110). Bytes after a NUL are
 *   ignored (verified: bind "u1\0garbage" addrlen 13 binds "u1").
 */
function readUnix(bytes: Uint8Array, addrlen: number): SocketAddress {
  if (addrlen === SUN_PATH_OFFSET) return { family: 'unix', path: '' };
  const sunPath = bytes.subarray(SUN_PATH_OFFSET, addrlen);
  if (sunPath[0] === 0) return { family: 'unix', path: unixPathFromBytes(sunPath) };
  const nul = sunPath.indexOf(0);
  return { family: 'unix', path: unixPathFromBytes(nul === -1 ? sunPath : sunPath.subarray(0, nul)) };
}

/**
 * unix_validate_addr: 2 < addrlen <= 110 and sun_family == AF_UNIX, else
 * EINVAL (verified: a wrong family — AF_INET, AF_INET6, AF_UNSPEC, 99 — is
 * EINVAL on unix sockets, not EAFNOSUPPORT; addrlen 111 → EINVAL even for
 * bind/connect/sendto). `allowUnnamed` admits addrlen == 2.
 */
function decodeUnixStrict(bytes: Uint8Array, addrlen: number, family: number, allowUnnamed: boolean): SocketAddress {
  if (addrlen < SUN_PATH_OFFSET || addrlen > SOCKADDR_UN_LEN) fail(E.EINVAL, `bad sockaddr_un length ${addrlen}`);
  if (addrlen === SUN_PATH_OFFSET && !allowUnnamed) fail(E.EINVAL, 'sockaddr_un without a path');
  if (family !== AF_UNIX) fail(E.EINVAL, `sun_family ${family} on a unix socket`);
  return readUnix(bytes, addrlen);
}

/**
 * Decodes `addrlen` bytes of a Linux sockaddr.
 *
 * Without `expect`, the family field chooses the layout: AF_INET needs
 * addrlen >= 16, AF_INET6 >= 24 (scope id 0 below 28), AF_UNIX <= 110 (2
 * means unnamed); anything else, AF_UNSPEC included, is EAFNOSUPPORT.
 *
 * With `expect`, the order of checks is the protocol's own: for 'ipv4' the
 * length (< 16 → EINVAL) before the family (≠ AF_INET → EAFNOSUPPORT), for
 * 'ipv6' likewise with 24; for 'unix' a wrong family is EINVAL, as on Linux.
 * This is the strict form; Linux's AF_UNSPEC and IPv4-on-IPv6-socket
 * leniencies are in {@link decodeSockaddrFor}.
 *
 * Always: addrlen < 2, > 128 (sockaddr_storage) or > bytes.length → EINVAL.
 *
 * | case (Linux 6.18, verified)                        | errno        |
 * |----------------------------------------------------|--------------|
 * | AF_INET socket, addrlen 0/1/2/15                   | EINVAL       |
 * | AF_INET socket, addrlen 16/17/28/128               | ok           |
 * | any socket, addrlen 129 or (socklen_t)-1           | EINVAL       |
 * | AF_INET socket, AF_INET6 family, addrlen 28        | EAFNOSUPPORT |
 * | AF_INET socket, AF_INET6 family, addrlen 8         | EINVAL       |
 * | AF_INET socket, AF_UNIX / 99 family, addrlen 16    | EAFNOSUPPORT |
 * | AF_INET6 socket, addrlen 23 / 24 / 28              | EINVAL/ok/ok |
 * | AF_INET6 socket, AF_INET family, addrlen 16 / 28   | EINVAL/EAFNOSUPPORT |
 * | AF_UNIX socket, addrlen 0/1/111                    | EINVAL       |
 * | AF_UNIX socket, family AF_INET/AF_INET6/AF_UNSPEC/99 | EINVAL     |
 */
export function decodeSockaddr(bytes: Uint8Array, addrlen: number, expect?: Domain): SocketAddress {
  checkLength(bytes, addrlen);
  if (addrlen < 2) fail(E.EINVAL, `addrlen ${addrlen} holds no family`);
  const family = view(bytes).getUint16(0, true);
  const want = expect ?? (family === AF_INET ? 'ipv4' : family === AF_INET6 ? 'ipv6' : family === AF_UNIX ? 'unix' : undefined);
  switch (want) {
    case 'ipv4':
      if (addrlen < SOCKADDR_IN_LEN) fail(E.EINVAL, `addrlen ${addrlen} < sizeof(sockaddr_in)`);
      if (family !== AF_INET) fail(E.EAFNOSUPPORT, `family ${family} is not AF_INET`);
      return readIn4(bytes);
    case 'ipv6':
      if (addrlen < SIN6_LEN_RFC2133) fail(E.EINVAL, `addrlen ${addrlen} < SIN6_LEN_RFC2133`);
      if (family !== AF_INET6) fail(E.EAFNOSUPPORT, `family ${family} is not AF_INET6`);
      return readIn6(bytes, addrlen);
    case 'unix':
      return decodeUnixStrict(bytes, addrlen, family, true);
    default:
      return fail(E.EAFNOSUPPORT, `unsupported address family ${family}`);
  }
}

/** The syscalls that take an address from the program. */
export type SockaddrOp = 'bind' | 'connect' | 'sendto';

/** What {@link decodeSockaddrFor} needs to know about the socket. */
export interface SockaddrTarget {
  /** The socket's domain (AF_INET → 'ipv4', AF_INET6 → 'ipv6', AF_UNIX → 'unix'). */
  readonly domain: Domain;
  /** SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET (flag bits are masked off). */
  readonly type: number;
  /** IPV6_V6ONLY is set (IPv6 datagram sockets only care). */
  readonly v6only?: boolean;
  /** The socket is connected (unix stream sendto only cares). */
  readonly connected?: boolean;
}

/** What the kernel makes of the address argument of bind/connect/sendto. */
export type SockaddrArgument =
  /**
   * Use this address. On an IPv6 datagram socket an AF_INET sockaddr is
   * accepted by connect/sendto and comes back here as its IPv4-mapped IPv6
   * form (`::ffff:a.b.c.d`), which is what Linux then reports (verified:
   * getpeername after connect(AF_INET 127.0.0.1) on an AF_INET6 UDP socket
   * returns a sockaddr_in6 for ::ffff:127.0.0.1).
   */
  | {
      /** Discriminant. */
      readonly kind: 'address';
      /** The decoded address. */
      readonly address: SocketAddress;
    }
  /**
   * AF_UNSPEC. connect: dissolve the association (UDP, unix datagram) or
   * disconnect (TCP; on a fresh socket it just succeeds). sendto: proceed as
   * if no address was given (EDESTADDRREQ when unconnected).
   */
  | {
      /** Discriminant. */
      readonly kind: 'unspec';
    }
  /** bind of a bare `sa_family = AF_UNIX` (addrlen 2): autobind. */
  | {
      /** Discriminant. */
      readonly kind: 'autobind';
    }
  /** sendto on a connection-mode socket (TCP, unix seqpacket) ignores the address. */
  | {
      /** Discriminant. */
      readonly kind: 'ignored';
    };

const ADDRESS = (address: SocketAddress): SockaddrArgument => ({ kind: 'address', address });
const UNSPEC: SockaddrArgument = { kind: 'unspec' };
const AUTOBIND: SockaddrArgument = { kind: 'autobind' };
const IGNORED: SockaddrArgument = { kind: 'ignored' };

/**
 * What bind(2), connect(2) or sendto(2) on `target` makes of `addrlen` bytes
 * at `bytes` (the program passed a non-NULL address pointer), with Linux's
 * checks in Linux's order, throwing the errno Linux returns. Every row was
 * verified on Linux 6.18 (gcc probe programs):
 *
 * AF_INET sockets (inet_bind, inet_stream_connect/inet_dgram_connect,
 * tcp_v4_connect, ip4_datagram_connect, udp_sendmsg):
 * | op            | rule                                                       |
 * |---------------|------------------------------------------------------------|
 * | bind          | addrlen < 16 → EINVAL; AF_INET ok; AF_UNSPEC *with sin_addr 0.0.0.0* is taken as AF_INET ("compatibility games"; getsockname then says AF_INET); AF_UNSPEC with another address, AF_INET6, AF_UNIX, unknown → EAFNOSUPPORT |
 * | connect       | addrlen < 2 → EINVAL; AF_UNSPEC (any addrlen ≥ 2, any address) → disconnect; addrlen < 16 → EINVAL; family ≠ AF_INET → EAFNOSUPPORT (TCP and UDP alike) |
 * | sendto UDP    | addrlen < 16 → EINVAL; AF_INET or AF_UNSPEC → send to that address (AF_UNSPEC really delivers); other → EAFNOSUPPORT |
 * | sendto TCP    | address ignored (only the 0..128 addrlen check applies)    |
 *
 * AF_INET6 sockets (inet6_bind, tcp_v6_connect, __ip6_datagram_connect,
 * udpv6_sendmsg):
 * | op            | rule                                                       |
 * |---------------|------------------------------------------------------------|
 * | bind          | addrlen < 24 → EINVAL; family ≠ AF_INET6 (AF_UNSPEC too) → EAFNOSUPPORT |
 * | connect TCP   | addrlen < 2 → EINVAL; AF_UNSPEC → disconnect; addrlen < 24 → EINVAL; family ≠ AF_INET6 → EAFNOSUPPORT (so AF_INET with addrlen 16 is EINVAL, with 28 EAFNOSUPPORT) |
 * | connect UDP   | addrlen < 2 → EINVAL; AF_UNSPEC → dissolve; AF_INET: V6ONLY → EAFNOSUPPORT, addrlen < 16 → EINVAL, else connect to ::ffff:a.b.c.d; then addrlen < 24 → EINVAL; family ≠ AF_INET6 → EAFNOSUPPORT |
 * | sendto UDP    | addrlen < 2 → EINVAL; AF_INET6: addrlen < 24 → EINVAL; AF_INET: V6ONLY → ENETUNREACH, addrlen < 16 → EINVAL, else send to ::ffff:a.b.c.d; AF_UNSPEC → as if no address (EDESTADDRREQ unconnected); any other family → EINVAL (not EAFNOSUPPORT) |
 * | sendto TCP    | address ignored                                            |
 *
 * AF_UNIX sockets (unix_bind, unix_stream_connect, unix_dgram_connect,
 * unix_dgram_sendmsg, unix_stream_sendmsg, unix_seqpacket_sendmsg):
 * | op                | rule                                                   |
 * |-------------------|--------------------------------------------------------|
 * | bind              | addrlen == 2 and family AF_UNIX → autobind; else 2 < addrlen ≤ 110 and family AF_UNIX, or EINVAL |
 * | connect stream/seqpacket | 2 < addrlen ≤ 110 and AF_UNIX, else EINVAL (AF_UNSPEC too) |
 * | connect dgram     | addrlen < 2 → EINVAL; AF_UNSPEC → dissolve; else as stream |
 * | sendto dgram      | addrlen 0 → no address; else as connect stream (AF_UNSPEC → EINVAL) |
 * | sendto stream     | addrlen 0 → ignored; else EISCONN if connected, EOPNOTSUPP if not |
 * | sendto seqpacket  | address ignored                                        |
 *
 * Always first: addrlen < 0, > 128 or > bytes.length → EINVAL.
 */
export function decodeSockaddrFor(
  op: SockaddrOp,
  target: SockaddrTarget,
  bytes: Uint8Array,
  addrlen: number,
): SockaddrArgument {
  checkLength(bytes, addrlen);
  const type = target.type & SOCK_TYPE_MASK;
  const family = addrlen >= 2 ? view(bytes).getUint16(0, true) : -1;

  if (target.domain === 'unix') {
    if (op === 'sendto' && type !== SOCK_DGRAM) {
      if (type === SOCK_STREAM && addrlen > 0) fail(target.connected ? E.EISCONN : E.EOPNOTSUPP);
      return IGNORED;
    }
    if (op === 'bind' && addrlen === SUN_PATH_OFFSET && family === AF_UNIX) return AUTOBIND;
    if (op === 'connect' && type === SOCK_DGRAM) {
      if (addrlen < 2) fail(E.EINVAL);
      if (family === AF_UNSPEC) return UNSPEC;
    }
    if (op === 'sendto' && addrlen === 0) return UNSPEC;
    return ADDRESS(decodeUnixStrict(bytes, addrlen, family, false));
  }

  const dgram = type === SOCK_DGRAM;
  if (op === 'sendto' && !dgram) return IGNORED;

  if (target.domain === 'ipv4') {
    if (op === 'connect') {
      if (addrlen < 2) fail(E.EINVAL);
      if (family === AF_UNSPEC) return UNSPEC;
    }
    if (addrlen < SOCKADDR_IN_LEN) fail(E.EINVAL, `addrlen ${addrlen} < sizeof(sockaddr_in)`);
    if (family === AF_INET) return ADDRESS(readIn4(bytes));
    if (family === AF_UNSPEC) {
      if (op === 'sendto') return ADDRESS(readIn4(bytes));
      // op === 'bind': only INADDR_ANY passes.
      if (view(bytes).getUint32(4, false) === 0) return ADDRESS(readIn4(bytes));
    }
    return fail(E.EAFNOSUPPORT, `family ${family} on an AF_INET socket`);
  }

  // AF_INET6
  if (op === 'bind') {
    if (addrlen < SIN6_LEN_RFC2133) fail(E.EINVAL, `addrlen ${addrlen} < SIN6_LEN_RFC2133`);
    if (family !== AF_INET6) fail(E.EAFNOSUPPORT, `family ${family} on an AF_INET6 socket`);
    return ADDRESS(readIn6(bytes, addrlen));
  }
  if (addrlen < 2) fail(E.EINVAL);
  if (family === AF_UNSPEC) return UNSPEC;
  if (dgram && family === AF_INET) {
    if (target.v6only) fail(op === 'connect' ? E.EAFNOSUPPORT : E.ENETUNREACH);
    if (addrlen < SOCKADDR_IN_LEN) fail(E.EINVAL, `addrlen ${addrlen} < sizeof(sockaddr_in)`);
    return ADDRESS(ipv4ToMappedAddress(readIn4(bytes)));
  }
  if (op === 'sendto' && family !== AF_INET6) fail(E.EINVAL, `family ${family} on an AF_INET6 socket`);
  if (addrlen < SIN6_LEN_RFC2133) fail(E.EINVAL, `addrlen ${addrlen} < SIN6_LEN_RFC2133`);
  if (family !== AF_INET6) fail(E.EAFNOSUPPORT, `family ${family} on an AF_INET6 socket`);
  return ADDRESS(readIn6(bytes, addrlen));
}

// ---------------------------------------------------------------------------
// Encoding

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) fail(E.EINVAL, `bad port ${port}`);
  return port;
}

function checkU32(v: number | undefined, what: string): number {
  const n = v ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) fail(E.EINVAL, `bad ${what} ${v}`);
  return n;
}

/**
 * sun_path bytes of a unix address and whether a NUL terminator follows.
 * Throws EINVAL for what no sockaddr_un can hold: a pathname with a NUL in
 * it, longer than 108 bytes, or an abstract name longer than 107 bytes.
 */
function unixPathBytes(path: string): { bytes: Uint8Array; nul: boolean } {
  const bytes = unixPathToBytes(path);
  if (bytes.length > UNIX_PATH_MAX) fail(E.EINVAL, `unix path of ${bytes.length} bytes exceeds ${UNIX_PATH_MAX}`);
  if (bytes.length === 0 || bytes[0] === 0) return { bytes, nul: false };
  if (bytes.indexOf(0) !== -1) fail(E.EINVAL, 'unix pathname contains a NUL byte');
  return { bytes, nul: true };
}

/**
 * The length Linux reports for `addr` (what getsockname & co. store into
 * *addrlen): 16 for IPv4, 28 for IPv6; for unix 2 + strlen(path) + 1 for a
 * pathname, 2 + the name length (leading NUL included) for an abstract name,
 * 2 for an unnamed socket. Note a 108-byte pathname reports 111, one more
 * than sizeof(sockaddr_un) (verified: the kernel terminates the path in its
 * sockaddr_storage-sized copy and counts the NUL; a getsockname into a
 * 110-byte buffer gets 110 bytes and addrlen 111).
 */
export function sockaddrLength(addr: SocketAddress): number {
  if (addr.family === 'ipv4') return SOCKADDR_IN_LEN;
  if (addr.family === 'ipv6') return SOCKADDR_IN6_LEN;
  const { bytes, nul } = unixPathBytes(addr.path);
  return SUN_PATH_OFFSET + bytes.length + (nul ? 1 : 0);
}

/**
 * The exact bytes Linux writes for `addr`, as long as the length it reports
 * (see {@link sockaddrLength}): sin_zero and padding are zero; flowinfo and
 * scopeId default to 0. Throws EINVAL for an address that is not a valid
 * literal of its family, a port outside 0..65535, a flowinfo/scopeId outside
 * u32, or a unix path no sockaddr_un can hold.
 */
export function encodeSockaddr(addr: SocketAddress): Uint8Array {
  if (addr.family === 'ipv4') {
    const ip = parseIPv4(addr.address);
    if (!ip) fail(E.EINVAL, `not an IPv4 address: ${addr.address}`);
    const out = new Uint8Array(SOCKADDR_IN_LEN);
    const dv = view(out);
    dv.setUint16(0, AF_INET, true);
    dv.setUint16(2, checkPort(addr.port), false);
    out.set(ip, 4);
    return out;
  }
  if (addr.family === 'ipv6') {
    const ip = parseIPv6(addr.address);
    if (!ip) fail(E.EINVAL, `not an IPv6 address: ${addr.address}`);
    const out = new Uint8Array(SOCKADDR_IN6_LEN);
    const dv = view(out);
    dv.setUint16(0, AF_INET6, true);
    dv.setUint16(2, checkPort(addr.port), false);
    dv.setUint32(4, checkU32(addr.flowinfo, 'flowinfo'), false);
    out.set(ip, 8);
    dv.setUint32(24, checkU32(addr.scopeId, 'scopeId'), true);
    return out;
  }
  if (addr.family !== 'unix') fail(E.EAFNOSUPPORT, `unknown family ${(addr as { family: unknown }).family}`);
  const { bytes, nul } = unixPathBytes(addr.path);
  const out = new Uint8Array(SUN_PATH_OFFSET + bytes.length + (nul ? 1 : 0));
  view(out).setUint16(0, AF_UNIX, true);
  out.set(bytes, SUN_PATH_OFFSET);
  return out;
}

/** The last address {@link writeSockaddr} encoded, and its bytes (never handed out). */
const lastEncoded: { addr: SocketAddress | null; bytes: Uint8Array | undefined } = { addr: null, bytes: undefined };

/**
 * Writes `addr` the way getsockname/getpeername/accept/recvfrom do: the
 * first min(actual, destLen) bytes of {@link encodeSockaddr} go to `dest`
 * (nothing beyond them is touched), and the FULL actual length is returned —
 * the value to store into *addrlen, so a result > destLen tells the program
 * it was truncated (verified: getsockname of an AF_INET6 socket with
 * addrlen 10 writes 10 bytes and sets addrlen 28; with 0 writes nothing and
 * sets 28; with (socklen_t)-1 fails EINVAL).
 *
 * destLen < 0 (or not an integer) → EINVAL; a write that would run past
 * `dest` → EFAULT. A destLen larger than `dest` is fine as long as the
 * bytes actually written fit.
 *
 * Linux quirk for callers: recvfrom on a unix datagram socket from an
 * unbound sender reports addrlen 0 (nothing written), not the 2 that
 * getsockname/getpeername/accept report for an unnamed socket (verified);
 * the recvfrom path should skip this call in that case.
 */
export function writeSockaddr(addr: SocketAddress, dest: Uint8Array, destLen: number): number {
  if (!Number.isInteger(destLen) || destLen < 0) fail(E.EINVAL, `bad addrlen ${destLen}`);
  // Addresses are immutable, and a UDP server answers recvfrom with the same
  // sender object datagram after datagram (providers reuse it for a repeated
  // peer): encode it once.
  let bytes = lastEncoded.addr === addr ? lastEncoded.bytes : undefined;
  if (!bytes) {
    bytes = encodeSockaddr(addr);
    lastEncoded.addr = addr;
    lastEncoded.bytes = bytes;
  }
  const n = Math.min(bytes.length, destLen);
  if (n > dest.byteLength) fail(E.EFAULT, `sockaddr of ${n} bytes does not fit a ${dest.byteLength}-byte buffer`);
  dest.set(n === bytes.length ? bytes : bytes.subarray(0, n), 0);
  return bytes.length;
}

