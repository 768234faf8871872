/**
 * Name resolution through the system resolver (getaddrinfo), as a C
 * program's getaddrinfo() would see it. https://nodejs.org/api/dns.html#dnslookuphostname-options-callback
 */
import dns from 'node:dns';
import { canonicalIP, ErrnoError, type LookupResult } from '@rawsock/core';
import { toErrno } from './errors.js';

const FAMILY = { ipv4: 4, ipv6: 6, any: 0 } as const;

export function lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any'): Promise<LookupResult[]> {
  return new Promise((resolve, reject) => {
    dns.lookup(hostname, { all: true, family: FAMILY[family] }, (err, addresses) => {
      // ENOTFOUND (EAI_NONAME/EAI_NODATA) becomes ENOENT; see errors.ts.
      if (err) {
        reject(new ErrnoError(toErrno(err), `lookup ${hostname}: ${err.code ?? err.message}`));
        return;
      }
      resolve(
        addresses.map((a) =>
          a.family === 6
            ? { family: 'ipv6', address: canonicalIP(a.address.split('%')[0] as string) }
            : { family: 'ipv4', address: a.address },
        ),
      );
    });
  });
}
