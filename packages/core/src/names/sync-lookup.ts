/**
 * Blocking lookups for blocking modes. The worker bridge already resolves
 * names in its worker (SyncSockets.lookup, op 'lookup'); this adapts it to
 * {@link SyncLookup} so `NameResolver.setSyncLookup(syncLookupFromBridge(sockets))`
 * gives getaddrinfo real answers for every name.
 */
import { ipVersion } from '../address.js';
import { ErrnoError } from '../errno.js';
import type { LookupResult } from '../provider.js';
import type { SyncLookup } from './resolver.js';

/** What the bridge client offers (SyncSockets.lookup's shape). */
export interface BlockingLookupSource {
  lookup(hostname: string, family?: 'any' | 'ipv4' | 'ipv6'): { readonly ok: boolean; readonly value?: readonly string[]; readonly errno?: number };
}

export function syncLookupFromBridge(source: BlockingLookupSource): SyncLookup {
  return (hostname, family) => {
    const r = source.lookup(hostname, family);
    if (!r.ok || !r.value) throw new ErrnoError(r.errno ?? 0, `lookup ${hostname}`);
    return r.value.map((address): LookupResult => ({ family: ipVersion(address) === 6 ? 'ipv6' : 'ipv4', address }));
  };
}
