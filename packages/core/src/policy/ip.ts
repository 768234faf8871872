/**
 * IP parsing for policy checks: CIDR blocks, inet_aton's lenient IPv4 forms
 * and normalisation (IPv4-mapped IPv6 → IPv4, wildcard targets → loopback),
 * so one address cannot slip past a rule by being spelled differently.
 */
import { parseIPv4, parseIPv6 } from '../address.js';

/** An address as policy compares it: version and bytes. */
export interface IpBytes {
  /** IP version. */
  readonly v: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

/** A CIDR block. */
export interface Cidr extends IpBytes {
  /** Prefix length in bits. */
  readonly prefix: number;
}

/**
 * IPv4 text in any form inet_aton(3) accepts: 1 to 4 parts, each decimal,
 * octal (leading 0) or hex (0x); the last part fills the remaining bytes
 * (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`). Undefined if none.
 */
export function parseInetAton(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const values: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) n = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = parseInt(p, 10);
    else return undefined;
    values.push(n);
  }
  const last = values.pop() as number;
  if (values.some((v) => v > 255)) return undefined;
  const lastBytes = 4 - values.length;
  if (last >= 2 ** (8 * lastBytes)) return undefined;
  const out = new Uint8Array(4);
  values.forEach((v, i) => (out[i] = v));
  for (let i = 0; i < lastBytes; i++) out[3 - i] = Math.floor(last / 2 ** (8 * i)) & 0xff;
  return out;
}

/** Parses an IP literal (strict IPv6, lenient IPv4); mapped IPv6 becomes IPv4. */
export function parseIp(text: string): IpBytes | undefined {
  const v4 = parseIPv4(text) ?? (text.includes(':') ? undefined : parseInetAton(text));
  if (v4) return { v: 4, bytes: v4 };
  const v6 = parseIPv6(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text);
  if (!v6) return undefined;
  return unmap({ v: 6, bytes: v6 });
}

/** ::ffff:a.b.c.d → a.b.c.d (an IPv6 socket reaches IPv4 hosts that way). */
export function unmap(ip: IpBytes): IpBytes {
  if (ip.v === 6 && ip.bytes.subarray(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff) {
    return { v: 4, bytes: ip.bytes.slice(12) };
  }
  return ip;
}

/** True for 0.0.0.0 and ::. */
export function isUnspecified(ip: IpBytes): boolean {
  return ip.bytes.every((b) => b === 0);
}

/**
 * The host a connect/sendto really reaches: Linux routes 0.0.0.0 and :: to
 * the local host, so policy checks them as loopback.
 */
export function reachedAddress(ip: IpBytes): IpBytes {
  if (!isUnspecified(ip)) return ip;
  return ip.v === 4 ? { v: 4, bytes: Uint8Array.of(127, 0, 0, 1) } : { v: 6, bytes: Uint8Array.of(...new Array(15).fill(0), 1) };
}

/** Parses `a.b.c.d/n` or `x::y/n` (no prefix = a single host). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.lastIndexOf('/');
  const base = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIPv4(base) ? { v: 4 as const, bytes: parseIPv4(base) as Uint8Array } : parseIPv6(base) ? { v: 6 as const, bytes: parseIPv6(base) as Uint8Array } : undefined;
  if (!ip) return undefined;
  const max = ip.v === 4 ? 32 : 128;
  const prefix = slash === -1 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return undefined;
  // A mapped IPv6 block is the IPv4 block it maps.
  if (ip.v === 6 && prefix >= 96) {
    const un = unmap(ip);
    if (un.v === 4) return { ...un, prefix: prefix - 96 };
  }
  return { ...ip, prefix };
}

/** True if `ip` lies in `block`. */
export function inCidr(ip: IpBytes, block: Cidr): boolean {
  if (ip.v !== block.v) return false;
  let bits = block.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip.bytes[i] as number) & mask) !== ((block.bytes[i] as number) & mask)) return false;
  }
  return true;
}

/** Canonical host name for matching: lower case, no trailing dot. */
export function normalizeHostname(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}
