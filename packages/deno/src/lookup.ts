/**
 * Name resolution through the system resolver (getaddrinfo, via Deno's
 * node:dns), as a C program's getaddrinfo() sees it: /etc/hosts, nsswitch,
 * `localhost` without any network. Deno.resolveDns is a DNS client instead
 * (it needs --allow-net to the configured nameserver even for names in
 * /etc/hosts), so it is not used.
 *
 * Permissions: Deno checks each looked-up name against --allow-net, so
 * lookup('example.com') needs --allow-net=example.com (or a bare
 * --allow-net). A denied name is EACCES here.
 * https://docs.deno.com/api/node/dns/~/lookup
 */
import { canonicalIP, E, ErrnoError, type LookupResult } from '@rawsock/core';
import type { DenoNamespace } from './deno-api.ts';
import type { ErrorMapper } from './errors.ts';

interface DnsAddress {
  readonly address: string;
  readonly family: number;
}

interface NodeDns {
  lookup(
    hostname: string,
    options: { all: true; family: number; verbatim?: boolean },
    callback: (err: (Error & { code?: string }) | null, addresses: DnsAddress[]) => void,
  ): void;
}

const FAMILY = { ipv4: 4, ipv6: 6, any: 0 } as const;

let dnsModule: Promise<NodeDns> | undefined;

function loadDns(): Promise<NodeDns> {
  // Loaded on first use: the provider itself needs no Node compatibility layer.
  // @ts-ignore: node:dns is typed under Deno; plain tsc here has no Node types.
  dnsModule ??= import('node:dns').then((m: { default?: NodeDns } & NodeDns) => m.default ?? m);
  return dnsModule;
}

function permitted(deno: DenoNamespace, hostname: string): boolean {
  try {
    const status = deno.permissions?.querySync?.({ name: 'net', host: hostname });
    return status === undefined || status.state === 'granted';
  } catch {
    return true;
  }
}

export async function lookup(deno: DenoNamespace, errors: ErrorMapper, hostname: string, family: 'ipv4' | 'ipv6' | 'any'): Promise<LookupResult[]> {
  if (!permitted(deno, hostname)) {
    throw new ErrnoError(E.EACCES, `lookup ${hostname}: Deno needs --allow-net=${hostname} (or --allow-net) to resolve it`);
  }
  const dns = await loadDns();
  return new Promise((resolve, reject) => {
    dns.lookup(hostname, { all: true, family: FAMILY[family], verbatim: true }, (err, addresses) => {
      // ENOTFOUND (EAI_NONAME/EAI_NODATA) becomes ENOENT; see errors.ts.
      if (err) {
        reject(errors.error(err, `lookup ${hostname}`, E.EIO));
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
