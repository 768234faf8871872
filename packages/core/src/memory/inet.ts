/**
 * How the memory network reads addresses: one host whose only interface is
 * loopback (127.0.0.0/8 and ::1). IPv4-mapped IPv6 addresses are unfolded to
 * IPv4, since an IPv6 socket uses them to speak IPv4.
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, type InetAddress } from '../address.js';
import { E } from '../errno.js';

export type IpVersion = 4 | 6;

/** An IP address as the network routes it: IPv4 or native IPv6, canonical text. */
export interface Ip {
  readonly v: IpVersion;
  readonly addr: string;
}

export const ANY4 = '0.0.0.0';
export const ANY6 = '::';
export const LOOPBACK4 = '127.0.0.1';
export const LOOPBACK6 = '::1';
export const BROADCAST4 = '255.255.255.255';

/** Largest UDP payloads: 65535 minus the IPv4 (20) / IPv6 (0, jumbograms aside) and UDP (8) headers. */
export const MAX_UDP4_PAYLOAD = 65507;
export const MAX_UDP6_PAYLOAD = 65527;

/** sun_path is 108 bytes: a pathname needs its NUL, an abstract name may use them all. */
export const UNIX_PATH_MAX = 107;
export const UNIX_ABSTRACT_MAX = 108;

/**
 * Reads an address handed to a socket of `family`. Returns an errno for a
 * family mismatch (EAFNOSUPPORT) or malformed text (EINVAL).
 */
export function toIp(address: InetAddress, family: 'ipv4' | 'ipv6'): Ip | number {
  if (address.family !== family) return E.EAFNOSUPPORT;
  if (family === 'ipv4') {
    const b = parseIPv4(address.address);
    return b ? { v: 4, addr: formatIPv4(b) } : E.EINVAL;
  }
  const b = parseIPv6(address.address);
  if (!b) return E.EINVAL;
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return { v: 4, addr: formatIPv4(b, 12) };
  }
  return { v: 6, addr: formatIPv6(b) };
}

/** A port a socket may name: an integer 0–65535. */
export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535;
}

export function isUnspecified(ip: Ip): boolean {
  return ip.addr === (ip.v === 4 ? ANY4 : ANY6);
}

/** An address of this host: 127.0.0.0/8 or ::1. */
export function isLoopback(ip: Ip): boolean {
  return ip.v === 4 ? ip.addr.startsWith('127.') : ip.addr === LOOPBACK6;
}

/** 224.0.0.0/4 or ff00::/8. */
export function isMulticast(ip: Ip): boolean {
  if (ip.v === 4) {
    const first = Number(ip.addr.slice(0, ip.addr.indexOf('.')));
    return first >= 224 && first <= 239;
  }
  return (parseIPv6(ip.addr)?.[0] ?? 0) === 0xff;
}

export function loopbackOf(v: IpVersion): Ip {
  return { v, addr: v === 4 ? LOOPBACK4 : LOOPBACK6 };
}

/** The address a destination stands for: the unspecified address means this host, as on Linux. */
export function routeTarget(ip: Ip): Ip {
  return isUnspecified(ip) ? loopbackOf(ip.v) : ip;
}

/** Shows `ip:port` to a socket of `family` (IPv4 to an IPv6 socket as `::ffff:a.b.c.d`). */
export function present(ip: Ip, port: number, family: 'ipv4' | 'ipv6'): InetAddress {
  if (family === 'ipv4') return { family: 'ipv4', address: ip.addr, port };
  return { family: 'ipv6', address: ip.v === 4 ? `::ffff:${ip.addr}` : ip.addr, port };
}

export function sameIp(a: Ip, b: Ip): boolean {
  return a.v === b.v && a.addr === b.addr;
}

/** Bytes of `text` in UTF-8, as it would sit in sun_path. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** 0 if `path` fits in sun_path, else EINVAL. */
export function checkUnixPath(path: string): number {
  const max = path.startsWith('\0') ? UNIX_ABSTRACT_MAX : UNIX_PATH_MAX;
  return utf8Length(path) > max ? E.EINVAL : 0;
}
