/**
 * The real address behind a placeholder connect: the name is resolved
 * (asynchronously, through the provider's lookup or a test's) and the
 * first address that fits the socket is the one connected to. A name that
 * does not resolve ends the connect with EHOSTUNREACH, as the kernel ends
 * a connect to a host it cannot reach; the program sees it through
 * SO_ERROR, poll and the socket error callback.
 */
import type { InetAddress } from '../address.js';
import { E, ErrnoError } from '../errno.js';
import type { LookupResult } from '../provider.js';

/** An asynchronous lookup (RawSocketProvider.lookup's shape). */
export type AsyncLookup = (hostname: string, family: 'ipv4' | 'ipv6' | 'any') => Promise<readonly LookupResult[]>;

/** Resolves `name` for a socket of `domain`; rejects with an ErrnoError. */
export async function resolveConnectTarget(lookup: AsyncLookup, name: string, port: number, domain: 'ipv4' | 'ipv6'): Promise<InetAddress> {
  let found: readonly LookupResult[];
  try {
    found = await lookup(name, domain === 'ipv4' ? 'ipv4' : 'any');
  } catch (e) {
    const errno = e instanceof ErrnoError ? e.errno : 0;
    // A denied lookup (Deno without --allow-net) stays EACCES; any other failure is an unreachable host.
    throw new ErrnoError(errno === E.EACCES ? E.EACCES : E.EHOSTUNREACH, `resolving ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (domain === 'ipv4') {
    const v4 = found.find((r) => r.family === 'ipv4');
    if (v4) return { family: 'ipv4', address: v4.address, port };
  } else {
    const v6 = found.find((r) => r.family === 'ipv6');
    if (v6) return { family: 'ipv6', address: v6.address, port, flowinfo: 0, scopeId: 0 };
    const v4 = found.find((r) => r.family === 'ipv4');
    if (v4) return { family: 'ipv6', address: `::ffff:${v4.address}`, port, flowinfo: 0, scopeId: 0 };
  }
  throw new ErrnoError(E.EHOSTUNREACH, `resolving ${name}: no ${domain} address`);
}
