/** rawsock address objects ↔ the `{hostname, port}` / `{path}` records Deno takes and gives. */
import { canonicalIP, type InetAddress, type SocketAddress } from '@rawsock/core';
import type { DenoAddr } from './deno-api.ts';

export const UNNAMED: SocketAddress = { family: 'unix', path: '' };

/** The unspecified address of a family. */
export function unspecified(family: 'ipv4' | 'ipv6'): InetAddress {
  return family === 'ipv4' ? { family, address: '0.0.0.0', port: 0 } : { family, address: '::', port: 0 };
}

/**
 * The hostname to hand to Deno. A scoped IPv6 address keeps its numeric
 * zone (`fe80::1%2`), which Rust's SocketAddrV6 parser accepts.
 */
export function hostnameOf(addr: InetAddress): string {
  if (addr.family === 'ipv6' && addr.scopeId) return `${addr.address}%${addr.scopeId}`;
  return addr.address;
}

/** An InetAddress from a hostname Deno reported (family from the text). */
export function inetFromHost(hostname: string, port: number): InetAddress {
  if (!hostname.includes(':')) return { family: 'ipv4', address: hostname, port };
  const bare = hostname.startsWith('[') ? hostname.slice(1, hostname.indexOf(']')) : hostname;
  const pct = bare.indexOf('%');
  if (pct === -1) return { family: 'ipv6', address: canonicalIP(bare), port };
  const zone = bare.slice(pct + 1);
  return { family: 'ipv6', address: canonicalIP(bare.slice(0, pct)), port, scopeId: /^\d+$/.test(zone) ? Number(zone) : 0 };
}

/** A SocketAddress from a Deno address record; `fallback` when Deno has none. */
export function fromDenoAddr(addr: DenoAddr | undefined, fallback: SocketAddress): SocketAddress {
  if (!addr) return fallback;
  if ('path' in addr) return { family: 'unix', path: addr.path ?? '' };
  return inetFromHost(addr.hostname, addr.port);
}

/** A key naming one exact local address, for the in-process reservation table. */
export function addressKey(addr: SocketAddress): string {
  if (addr.family === 'unix') return `unix|${addr.path}`;
  const scope = addr.family === 'ipv6' ? (addr.scopeId ?? 0) : 0;
  return `${addr.family}|${canonicalIP(addr.address)}|${scope}|${addr.port}`;
}
