/**
 * Numeric hosts as getaddrinfo reads them: IPv4 in every inet_aton(3) form
 * ("127.1", "0x7f.0.0.1", "2130706433") and IPv6 with an optional numeric
 * or interface zone ("fe80::1%2"). Such hosts never touch a resolver.
 * https://man7.org/linux/man-pages/man3/inet_aton.3.html
 */
import { formatIPv4, formatIPv6, parseIPv6 } from '../address.js';

/** One part of an inet_aton address: decimal, 0x hex or 0 octal. */
function atonPart(p: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]*$/.test(p)) return p.length === 2 ? 0 : parseInt(p.slice(2), 16);
  if (/^0[0-7]*$/.test(p)) return parseInt(p, 8);
  if (/^[1-9][0-9]*$/.test(p)) return Number(p);
  return undefined;
}

/** inet_aton(3): the 4 bytes, or undefined if `text` is not an IPv4 address in any of its forms. */
export function inetAton(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    const n = atonPart(p);
    if (n === undefined) return undefined;
    nums.push(n);
  }
  // The last part fills the remaining bytes ("127.1" is 127.0.0.1).
  const lastBytes = 5 - nums.length;
  const last = nums[nums.length - 1] as number;
  if (last >= 2 ** (8 * lastBytes)) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < nums.length - 1; i++) {
    if ((nums[i] as number) > 255) return undefined;
    out[i] = nums[i] as number;
  }
  for (let i = 0; i < lastBytes; i++) out[3 - i] = Math.floor(last / 2 ** (8 * i)) & 0xff;
  return out;
}

/** A numeric host: family, canonical address text and IPv6 zone (scope id). */
export interface NumericHost {
  /** IPv4 (any inet_aton form) or IPv6. */
  readonly family: 'ipv4' | 'ipv6';
  /** The canonical text: dotted quad ("127.0.0.1" for "127.1") or RFC 5952 IPv6, without the zone. */
  readonly address: string;
  /** The IPv6 zone as an interface index (the "%2" or "%eth0" suffix); 0 if none, always 0 for IPv4. */
  readonly scopeId: number;
}

/**
 * Parses a numeric host. `ifIndex` maps an interface-name zone to its index
 * (undefined: unknown interface, which makes the host not numeric).
 */
export function parseNumericHost(text: string, ifIndex: (name: string) => number | undefined = () => undefined): NumericHost | undefined {
  const v4 = inetAton(text);
  if (v4) return { family: 'ipv4', address: formatIPv4(v4), scopeId: 0 };
  const pct = text.indexOf('%');
  const v6 = parseIPv6(pct === -1 ? text : text.slice(0, pct));
  if (!v6) return undefined;
  let scopeId = 0;
  if (pct !== -1) {
    const zone = text.slice(pct + 1);
    const index = /^[0-9]+$/.test(zone) ? Number(zone) : ifIndex(zone);
    if (index === undefined || index > 0xffffffff) return undefined;
    scopeId = index;
  }
  return { family: 'ipv6', address: formatIPv6(v6), scopeId };
}
