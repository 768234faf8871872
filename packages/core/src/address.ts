/**
 * Socket addresses as JS values, shared by the provider interface, the
 * plain-JS API and the sockaddr codec. IP addresses are kept in their
 * canonical textual form (`'127.0.0.1'`, `'::1'`), which every runtime API
 * takes and returns.
 */

/** An IPv4 endpoint. */
export interface Inet4Address {
  /** Always `'ipv4'`. */
  readonly family: 'ipv4';
  /** Dotted quad, canonical (`'127.0.0.1'`). */
  readonly address: string;
  /** Port, 0 to 65535 (0: any, when binding). */
  readonly port: number;
}

/** An IPv6 endpoint. */
export interface Inet6Address {
  /** Always `'ipv6'`. */
  readonly family: 'ipv6';
  /** Canonical RFC 5952 text (`'::1'`), without a zone suffix. */
  readonly address: string;
  /** Port, 0 to 65535 (0: any, when binding). */
  readonly port: number;
  /** sin6_flowinfo; 0 when unset. */
  readonly flowinfo?: number;
  /** sin6_scope_id; 0 when unset. */
  readonly scopeId?: number;
}

/**
 * A Unix-domain endpoint. `path` is a filesystem path; an abstract-namespace
 * name (Linux) starts with `'\0'`. An unnamed socket has `path === ''`.
 */
export interface UnixAddress {
  /** Always `'unix'`. */
  readonly family: 'unix';
  /** The socket's path (see above). */
  readonly path: string;
}

/** Any endpoint rawsock handles. */
export type SocketAddress = Inet4Address | Inet6Address | UnixAddress;
/** An IP endpoint. */
export type InetAddress = Inet4Address | Inet6Address;

/** Which address family a socket was created for. */
export type Domain = 'ipv4' | 'ipv6' | 'unix';

/** Parses dotted-quad text into 4 bytes; undefined if it is not one. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p[0] === '0')) return undefined;
    out[i] = n;
  }
  return out;
}

/** Formats 4 bytes as dotted-quad text. */
export function formatIPv4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/**
 * Parses IPv6 text (with `::` compression and an optional embedded IPv4
 * tail, no zone) into 16 bytes; undefined if malformed.
 */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > 45 || text.includes('%')) return undefined;
  let head = text;
  let v4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) !== -1) {
    v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl !== -1 && head.indexOf('::', dbl + 1) !== -1) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[] | undefined;
  if (dbl === -1) {
    groups = groupsOf(head);
    if (!groups || groups.length !== 8) return undefined;
  } else {
    const left = groupsOf(head.slice(0, dbl));
    const right = groupsOf(head.slice(dbl + 2));
    if (!left || !right || left.length + right.length > 7) return undefined;
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

/** Formats 16 bytes as canonical RFC 5952 IPv6 text. */
export function formatIPv6(b: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[offset + i * 2] as number) << 8) | (b[offset + i * 2 + 1] as number));
  // IPv4-mapped addresses print their tail as a dotted quad, as inet_ntop does.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, offset + 12)}`;
  }
  // Longest run of two or more zero groups, first one on ties (RFC 5952 §4.2).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** 4 for an IPv4 literal, 6 for an IPv6 literal, 0 otherwise (like net.isIP). */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (parseIPv4(text)) return 4;
  if (parseIPv6(text)) return 6;
  return 0;
}

/** Canonical text of an IP literal (`'0:0::1'` → `'::1'`); the input if not one. */
export function canonicalIP(text: string): string {
  const v6 = text.includes(':') ? parseIPv6(text) : undefined;
  return v6 ? formatIPv6(v6) : text;
}

/** True for 0.0.0.0 or :: — the wildcard a bind uses for "any address". */
export function isWildcard(addr: InetAddress): boolean {
  return addr.family === 'ipv4' ? addr.address === '0.0.0.0' : canonicalIP(addr.address) === '::';
}

/** A short human form: `127.0.0.1:80`, `[::1]:80`, `unix:/tmp/s`. */
export function formatAddress(addr: SocketAddress): string {
  if (addr.family === 'unix') {
    return addr.path.startsWith('\0') ? `unix:@${addr.path.slice(1)}` : `unix:${addr.path}`;
  }
  return addr.family === 'ipv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
}
