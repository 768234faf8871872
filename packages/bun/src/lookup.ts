/**
 * Name resolution through Bun.dns.lookup. The default backend is `system`
 * (getaddrinfo on Linux, the system resolver on macOS), so a name resolves as
 * a C program's getaddrinfo() would resolve it; Bun's own default is c-ares.
 * https://bun.com/docs/api/dns
 */
import { canonicalIP, E, ErrnoError, type LookupResult } from '@rawsock/core';
import { toErrno } from './errors.js';

/** Which of Bun's resolvers `lookup` uses (Bun.dns.lookup's `backend`). */
export type DnsBackend = 'system' | 'getaddrinfo' | 'c-ares' | 'libc';

const FAMILY = { ipv4: 4, ipv6: 6, any: 0 } as const;

export async function lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any', backend: DnsBackend): Promise<LookupResult[]> {
  // getaddrinfo("") is EAI_NONAME; Bun rejects it as an invalid argument.
  if (hostname === '') throw new ErrnoError(E.ENOENT, 'lookup: empty host name');
  let found: { address: string; family: 4 | 6 }[];
  try {
    found = await Bun.dns.lookup(hostname, { family: FAMILY[family], backend });
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    throw new ErrnoError(toErrno(err), `lookup ${hostname}: ${typeof code === 'string' ? code : String(err)}`);
  }
  const out: LookupResult[] = [];
  const seen = new Set<string>();
  for (const a of found) {
    const result: LookupResult =
      a.family === 6
        ? { family: 'ipv6', address: canonicalIP(a.address.split('%')[0] as string) }
        : { family: 'ipv4', address: a.address };
    // c-ares answers a literal of the other family as it is (127.0.0.1 for
    // IPv6); getaddrinfo has no such result.
    if (family !== 'any' && result.family !== family) continue;
    const key = `${result.family} ${result.address}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(result);
  }
  if (out.length === 0) throw new ErrnoError(E.ENOENT, `lookup ${hostname}: no ${family} address`);
  return out;
}
