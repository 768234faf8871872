/**
 * rawsock address objects ↔ the (hostname, port) strings Bun takes and
 * gives; the parsing is core's, the interface list for `%zone` names is
 * node:os's (Bun implements it).
 */
import { networkInterfaces } from 'node:os';
import {
  hostOf as coreHostOf,
  inetFromHost as coreInetFromHost,
  unspecifiedAddress,
  zonesFromInterfaces,
  type InetAddress,
  type SocketAddress,
} from '@rawsock/core';

export { unspecifiedAddress as unspecified } from '@rawsock/core';

const zones = zonesFromInterfaces(networkInterfaces);

/** Interface name for an IPv6 scope id. */
export const interfaceName = (scopeId: number): string | undefined => zones.nameOf(scopeId);

/** An InetAddress from a host string as Bun reports it (family from the text). */
export const inetFromHost = (host: string, port: number): InetAddress => coreInetFromHost(host, port, zones);

/** The hostname to hand to Bun for an InetAddress. */
export const hostOf = (addr: InetAddress): string => coreHostOf(addr, zones);

/** An endpoint of a connected Bun socket, or the unspecified address if the host has none. */
export function endpointOf(host: string | undefined, port: number | undefined, family: 'ipv4' | 'ipv6'): InetAddress {
  return host ? inetFromHost(host, port ?? 0) : unspecifiedAddress(family);
}

/** The unnamed unix address (an unbound client, the peer of an accepted connection). */
export const UNNAMED: SocketAddress = { family: 'unix', path: '' };
