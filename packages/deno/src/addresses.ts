/** rawsock address objects ↔ the `{hostname, port}` / `{path}` records Deno takes and gives. */
import { canonicalIP, hostOf, inetFromHost, NUMERIC_ZONES, type InetAddress, type SocketAddress } from '@rawsock/core';
import type { DenoAddr } from './deno-api.ts';

export { unspecifiedAddress as unspecified } from '@rawsock/core';

export const UNNAMED: SocketAddress = { family: 'unix', path: '' };

/**
 * The hostname to hand to Deno. A scoped IPv6 address keeps its numeric
 * zone (`fe80::1%2`), which Rust's SocketAddrV6 parser accepts.
 */
export const hostnameOf = (addr: InetAddress): string => hostOf(addr, NUMERIC_ZONES);

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
