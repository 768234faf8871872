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
  /** Resolves `hostname`, blocking until answered (family 'any' if omitted). */
  lookup(
    hostname: string,
    family?: 'any' | 'ipv4' | 'ipv6',
  ): {
    /** The lookup succeeded. */
    readonly ok: boolean;
    /** The addresses found, as text (when ok). */
    readonly value?: readonly string[];
    /** The Linux errno of a failure (ENOENT: no such name; EAGAIN, ETIMEDOUT: try again). */
    readonly errno?: number;
  };
}

/**
 * A {@link SyncLookup} over the bridge's lookup: the addresses as
 * {@link LookupResult}s, or a throw of ErrnoError with the bridge's errno
 * (0 if it gave none), which getaddrinfo turns into an EAI_* code
 * ({@link lookupErrorToEai}).
 */
export function syncLookupFromBridge(source: BlockingLookupSource): SyncLookup {
  return (hostname, family) => {
    const r = source.lookup(hostname, family);
    if (!r.ok || !r.value) throw new ErrnoError(r.errno ?? 0, `lookup ${hostname}`);
    return r.value.map((address): LookupResult => ({ family: ipVersion(address) === 6 ? 'ipv6' : 'ipv4', address }));
  };
}
