/**
 * rawsock address objects ↔ the (host, port) strings Node takes and gives.
 * Node writes an IPv6 zone as a `%ifname` suffix; rawsock keeps it as a
 * numeric scopeId, as sockaddr_in6 does.
 */
import { networkInterfaces } from 'node:os';
import { canonicalIP, type InetAddress, type SocketAddress } from '@rawsock/core';

/** Interface name for an IPv6 scope id (libuv resolves `%name`, not `%index`, on Unix). */
function interfaceName(scopeId: number): string | undefined {
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    if (infos?.some((i) => i.family === 'IPv6' && i.scopeid === scopeId)) return name;
  }
  return undefined;
}

/** Scope id for a `%zone` suffix Node reported (an interface name or a number). */
function scopeIdOf(zone: string): number {
  if (/^\d+$/.test(zone)) return Number(zone);
  const infos = networkInterfaces()[zone];
  return infos?.find((i) => i.family === 'IPv6' && i.scopeid !== undefined)?.scopeid ?? 0;
}

/** An InetAddress from a host string as Node reports it (family from the text). */
export function inetFromHost(host: string, port: number): InetAddress {
  if (!host.includes(':')) return { family: 'ipv4', address: host, port };
  const pct = host.indexOf('%');
  if (pct === -1) return { family: 'ipv6', address: canonicalIP(host), port };
  return {
    family: 'ipv6',
    address: canonicalIP(host.slice(0, pct)),
    port,
    scopeId: scopeIdOf(host.slice(pct + 1)),
  };
}

/** The host string to hand to Node for an InetAddress. */
export function hostOf(addr: InetAddress): string {
  if (addr.family === 'ipv6' && addr.scopeId) {
    return `${addr.address}%${interfaceName(addr.scopeId) ?? addr.scopeId}`;
  }
  return addr.address;
}

/** Same endpoint? (used to recognise the peer of a connected datagram socket). */
export function sameInet(a: InetAddress, b: InetAddress): boolean {
  return a.family === b.family && a.port === b.port && canonicalIP(a.address) === canonicalIP(b.address);
}

/** `{address, port}` from Node's address()/getsockname() into a SocketAddress. */
export function fromNodeAddress(info: { address?: string; port?: number } | string | null | undefined): SocketAddress {
  if (typeof info === 'string') return { family: 'unix', path: info };
  return inetFromHost(info?.address ?? '0.0.0.0', info?.port ?? 0);
}

/** The unspecified address of a family, for an endpoint the kernel could not report. */
export function unspecified(family: 'ipv4' | 'ipv6'): InetAddress {
  return family === 'ipv4' ? { family, address: '0.0.0.0', port: 0 } : { family, address: '::', port: 0 };
}
