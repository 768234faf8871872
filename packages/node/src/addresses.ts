/**
 * rawsock address objects ↔ the (host, port) strings Node takes and gives;
 * the parsing is core's, the interface list for `%zone` names is node:os's.
 */
import { networkInterfaces } from 'node:os';
import { hostOf as coreHostOf, inetFromHost as coreInetFromHost, zonesFromInterfaces, type InetAddress, type SocketAddress } from '@rawsock/core';

export { sameInet, unspecifiedAddress as unspecified } from '@rawsock/core';

const zones = zonesFromInterfaces(networkInterfaces);

/** An InetAddress from a host string as Node reports it (family from the text). */
export const inetFromHost = (host: string, port: number): InetAddress => coreInetFromHost(host, port, zones);

/** The host string to hand to Node for an InetAddress. */
export const hostOf = (addr: InetAddress): string => coreHostOf(addr, zones);

/** `{address, port}` from Node's address()/getsockname() into a SocketAddress. */
export function fromNodeAddress(info: { address?: string; port?: number } | string | null | undefined): SocketAddress {
  if (typeof info === 'string') return { family: 'unix', path: info };
  return inetFromHost(info?.address ?? '0.0.0.0', info?.port ?? 0);
}
