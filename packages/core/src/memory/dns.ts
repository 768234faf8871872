/**
 * Name lookup on a memory network: IP literals resolve to themselves,
 * `localhost` to 127.0.0.1 then ::1, names added with
 * {@link MemoryNetwork.addHost} to their addresses; anything else is ENOENT.
 */
import { canonicalIP, ipVersion } from '../address.js';
import { E, ErrnoError } from '../errno.js';
import type { LookupResult } from '../provider.js';
import type { MemoryNetwork } from './network.js';

/**
 * `localhost` lists IPv4 first (Linux's getaddrinfo sorts ::1 first): a
 * program that tries only the first result then reaches both an IPv4 server
 * and a dual-stack IPv6 one.
 */
const LOCALHOST: readonly string[] = ['127.0.0.1', '::1'];

export function lookupHost(network: MemoryNetwork, hostname: string, family: 'ipv4' | 'ipv6' | 'any'): LookupResult[] {
  const literal = ipVersion(hostname);
  const name = hostname.toLowerCase().replace(/\.$/, '');
  const addresses =
    literal !== 0 ? [hostname] : (network.hostAddresses(name) ?? (name === 'localhost' ? LOCALHOST : undefined));
  const results: LookupResult[] = [];
  for (const address of addresses ?? []) {
    const v = ipVersion(address);
    const resultFamily = v === 4 ? 'ipv4' : 'ipv6';
    if (family === 'any' || family === resultFamily) results.push({ family: resultFamily, address: canonicalIP(address) });
  }
  if (results.length === 0) throw new ErrnoError(E.ENOENT, `lookup ${hostname}`);
  return results;
}
