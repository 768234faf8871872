/**
 * What the glue's netdb functions (lib/library_rawsock_names.js) call: the
 * core's answers with addresses as bytes and families as AF_* numbers, so
 * the library only copies them into wasm memory. No name policy here.
 */
import { AF_INET, AF_INET6, parseIPv4, parseIPv6, formatIPv4, formatIPv6, type AsyncLookup, type LookupResult, type NameResolver } from '@rawsock/core';

/** One struct addrinfo's fields. */
export interface AddrinfoRecord {
  readonly family: number;
  readonly socktype: number;
  readonly protocol: number;
  readonly port: number;
  readonly scopeId: number;
  /** 4 or 16 bytes, network order. */
  readonly addr: Uint8Array;
}

export type NetdbHostent =
  | { readonly hErrno: number }
  | { readonly hErrno: 0; readonly name: string; readonly aliases: readonly string[]; readonly family: number; readonly addrs: readonly Uint8Array[] };

/** A lookup settled before the call (Asyncify/JSPI builds wait for it in C first). */
export interface SettledLookup {
  readonly found?: readonly LookupResult[];
  readonly error?: unknown;
}

export interface Netdb {
  /** The name getaddrinfo would need DNS for (undefined: answered locally). */
  needsLookup(node: string, flags: number, family: number): string | undefined;
  /** Looks `name` up with the runtime's lookup and settles (never rejects). */
  settle(name: string): Promise<SettledLookup>;
  getaddrinfo(node: string | null, service: string | null, flags: number, family: number, socktype: number, protocol: number, settled?: SettledLookup): { error: number; records?: AddrinfoRecord[]; canonname?: string };
  getnameinfo(family: number, addr: Uint8Array, port: number, scopeId: number, flags: number): { error: number; host?: string; service?: string };
  gethostbyname(name: string, family: number, settled?: SettledLookup): NetdbHostent;
  gethostbyaddr(family: number, addr: Uint8Array): NetdbHostent;
}

const bytesOf = (family: 'ipv4' | 'ipv6', text: string): Uint8Array => (family === 'ipv4' ? parseIPv4(text) : parseIPv6(text)) ?? new Uint8Array(family === 'ipv4' ? 4 : 16);
const afOf = (family: 'ipv4' | 'ipv6') => (family === 'ipv4' ? AF_INET : AF_INET6);

export function createNetdb(names: NameResolver, lookup: AsyncLookup): Netdb {
  const within = <T>(settled: SettledLookup | undefined, fn: () => T): T => (settled ? names.answeringWith(settled, fn) : fn());
  const hostent = (a: ReturnType<NameResolver['gethostbyname']>): NetdbHostent =>
    a.hErrno !== 0 || !('name' in a) ? { hErrno: a.hErrno } : { hErrno: 0, name: a.name, aliases: a.aliases, family: afOf(a.family), addrs: a.addresses.map((t) => bytesOf(a.family, t)) };
  return {
    needsLookup: (node, flags, family) => names.needsLookup(node, flags, family),
    settle: (name) => lookup(name, 'any').then((found) => ({ found }), (error: unknown) => ({ error })),
    getaddrinfo(node, service, flags, family, socktype, protocol, settled) {
      const a = within(settled, () => names.getaddrinfo(node, service, { flags, family, socktype, protocol }));
      if (a.error !== 0 || !a.results) return { error: a.error };
      const records = a.results.map((r) => ({ family: afOf(r.family), socktype: r.socktype, protocol: r.protocol, port: r.port, scopeId: r.scopeId, addr: bytesOf(r.family, r.address) }));
      return a.canonname !== undefined ? { error: 0, records, canonname: a.canonname } : { error: 0, records };
    },
    getnameinfo(family, addr, port, scopeId, flags) {
      const fam = family === AF_INET ? 'ipv4' : 'ipv6';
      const address = fam === 'ipv4' ? formatIPv4(addr) : formatIPv6(addr);
      return names.getnameinfo({ family: fam, address, port, scopeId }, flags);
    },
    gethostbyname(name, family, settled) {
      return hostent(within(settled, () => names.gethostbyname(name, family === AF_INET6 ? 'ipv6' : 'ipv4')));
    },
    gethostbyaddr(family, addr) {
      const fam = family === AF_INET ? 'ipv4' : 'ipv6';
      return hostent(names.gethostbyaddr(fam, fam === 'ipv4' ? formatIPv4(addr) : formatIPv6(addr)));
    },
  };
}
