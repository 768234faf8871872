/**
 * rawsock addresses ↔ the host strings runtimes take and give (`'::1'`,
 * `'fe80::1%eth0'`, `'[::1]'`). rawsock keeps an IPv6 zone as a numeric
 * scopeId, as sockaddr_in6 does; runtimes write it as a `%zone` suffix, by
 * interface name (libuv on Unix resolves `%name`, not `%index`) or by number.
 * Mapping names ↔ indexes needs the host's interface list, so a provider
 * passes a `ZoneNames` built from it; the parsing itself is shared here.
 */
import { canonicalIP, type InetAddress } from './address.js';

/** Resolves IPv6 zones between their `%zone` text and sockaddr_in6's scope id. */
export interface ZoneNames {
  /** Scope id for a `%zone` suffix (an interface name or a number); 0 if unknown. */
  scopeIdOf(zone: string): number;
  /** Interface name for a scope id; undefined to write the number. */
  nameOf(scopeId: number): string | undefined;
}

/** Zones written as numbers only (no interface list; Rust's SocketAddrV6 parser, e.g. Deno). */
export const NUMERIC_ZONES: ZoneNames = {
  scopeIdOf: (zone) => (/^\d+$/.test(zone) ? Number(zone) : 0),
  nameOf: () => undefined,
};

/** One interface address as `os.networkInterfaces()` lists it. */
export interface InterfaceAddressInfo {
  /** `'IPv4'`/`'IPv6'` (or 4/6, as some Node versions report it). */
  readonly family: string | number;
  /** The IPv6 scope id (interface index), when the runtime reports one. */
  readonly scopeid?: number | null;
}

/**
 * ZoneNames over an interface list shaped like Node's `os.networkInterfaces()`
 * (Node and Bun have it), read on each lookup so interfaces may come and go.
 */
export function zonesFromInterfaces(list: () => Record<string, readonly InterfaceAddressInfo[] | undefined>): ZoneNames {
  const isV6 = (i: InterfaceAddressInfo) => i.family === 'IPv6' || i.family === 6;
  return {
    scopeIdOf(zone) {
      if (/^\d+$/.test(zone)) return Number(zone);
      return list()[zone]?.find((i) => isV6(i) && typeof i.scopeid === 'number')?.scopeid ?? 0;
    },
    nameOf(scopeId) {
      for (const [name, infos] of Object.entries(list())) {
        if (infos?.some((i) => isV6(i) && i.scopeid === scopeId)) return name;
      }
      return undefined;
    },
  };
}

/** An InetAddress from a host string a runtime reported (family from the text; `[...]` accepted). */
export function inetFromHost(host: string, port: number, zones: ZoneNames = NUMERIC_ZONES): InetAddress {
  if (!host.includes(':')) return { family: 'ipv4', address: host, port };
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host;
  const pct = bare.indexOf('%');
  if (pct === -1) return { family: 'ipv6', address: canonicalIP(bare), port };
  return { family: 'ipv6', address: canonicalIP(bare.slice(0, pct)), port, scopeId: zones.scopeIdOf(bare.slice(pct + 1)) };
}

/** The host string to hand to a runtime for an InetAddress. */
export function hostOf(addr: InetAddress, zones: ZoneNames = NUMERIC_ZONES): string {
  if (addr.family === 'ipv6' && addr.scopeId) return `${addr.address}%${zones.nameOf(addr.scopeId) ?? addr.scopeId}`;
  return addr.address;
}

/** The unspecified address of a family, for an endpoint the host could not report. */
export function unspecifiedAddress(family: 'ipv4' | 'ipv6'): InetAddress {
  return family === 'ipv4' ? { family, address: '0.0.0.0', port: 0 } : { family, address: '::', port: 0 };
}

/** Same endpoint? (recognises the peer of a connected datagram socket). */
export function sameInet(a: InetAddress, b: InetAddress): boolean {
  return a.family === b.family && a.port === b.port && canonicalIP(a.address) === canonicalIP(b.address);
}
