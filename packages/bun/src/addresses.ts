/**
 * rawsock address objects ↔ the (hostname, port) strings Bun takes and
 * gives. Bun, like Node, writes an IPv6 zone as a `%ifname` suffix; rawsock
 * keeps it as a numeric scopeId, as sockaddr_in6 does.
 */
import { networkInterfaces } from 'node:os';
import { canonicalIP, type InetAddress, type SocketAddress } from '@rawsock/core';

/** Interface name for an IPv6 scope id. */
export function interfaceName(scopeId: number): string | undefined {
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    if (infos?.some((i) => i.family === 'IPv6' && i.scopeid === scopeId)) return name;
  }
  return undefined;
}

/** Scope id for a `%zone` suffix (an interface name or a number). */
function scopeIdOf(zone: string): number {
  if (/^\d+$/.test(zone)) return Number(zone);
  const infos = networkInterfaces()[zone];
  return infos?.find((i) => i.family === 'IPv6' && i.scopeid !== undefined)?.scopeid ?? 0;
}

/** An InetAddress from a host string as Bun reports it (family from the text). */
export function inetFromHost(host: string, port: number): InetAddress {
  if (!host.includes(':')) return { family: 'ipv4', address: host, port };
  const pct = host.indexOf('%');
  if (pct === -1) return { family: 'ipv6', address: canonicalIP(host), port };
  return { family: 'ipv6', address: canonicalIP(host.slice(0, pct)), port, scopeId: scopeIdOf(host.slice(pct + 1)) };
}

/** The hostname to hand to Bun for an InetAddress. */
export function hostOf(addr: InetAddress): string {
  if (addr.family === 'ipv6' && addr.scopeId) return `${addr.address}%${interfaceName(addr.scopeId) ?? addr.scopeId}`;
  return addr.address;
}

/** The unspecified address of a family, for an endpoint the host could not report. */
export function unspecified(family: 'ipv4' | 'ipv6'): InetAddress {
  return family === 'ipv4' ? { family, address: '0.0.0.0', port: 0 } : { family, address: '::', port: 0 };
}

/** An endpoint of a connected Bun socket, or the unspecified address if the host has none. */
export function endpointOf(host: string | undefined, port: number | undefined, family: 'ipv4' | 'ipv6'): InetAddress {
  return host ? inetFromHost(host, port ?? 0) : unspecified(family);
}

/** The unnamed unix address (an unbound client, the peer of an accepted connection). */
export const UNNAMED: SocketAddress = { family: 'unix', path: '' };
