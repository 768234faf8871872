/**
 * /etc/hosts as a table (hosts(5)): address, canonical name, aliases.
 * Parsing only; the runtime layer reads the file.
 * https://man7.org/linux/man-pages/man5/hosts.5.html
 */
import { parseNumericHost } from './numeric.js';

/** One host line. */
export interface HostsEntry {
  /** The address's family. */
  readonly family: 'ipv4' | 'ipv6';
  /** The address, canonical text (as written only if already canonical). */
  readonly address: string;
  /** The IPv6 zone of the address ("fe80::1%2"); 0 if none. */
  readonly scopeId: number;
  /** The first name on the line. */
  readonly canonical: string;
  /** The other names on the line. */
  readonly aliases: readonly string[];
}

/** Lookups over parsed hosts lines; names compare case-insensitively, as glibc's files backend does. */
export class HostsTable {
  /** The lines, in file order. */
  readonly entries: readonly HostsEntry[];

  constructor(entries: readonly HostsEntry[]) {
    this.entries = entries;
  }

  /** Lines naming `name` (canonical or alias), in file order. */
  byName(name: string): HostsEntry[] {
    const key = name.toLowerCase();
    return this.entries.filter((e) => e.canonical.toLowerCase() === key || e.aliases.some((a) => a.toLowerCase() === key));
  }

  /** The first line for `address` (canonical text). */
  byAddress(family: 'ipv4' | 'ipv6', address: string): HostsEntry | undefined {
    return this.entries.find((e) => e.family === family && e.address === address);
  }
}

/** Parses hosts(5) text; malformed lines are skipped, as glibc skips them. */
export function parseHosts(text: string): HostsTable {
  const entries: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [address, canonical, ...aliases] = line.split(/\s+/);
    if (!address || !canonical) continue;
    const host = parseNumericHost(address);
    // inet_aton's short forms are not valid in hosts files; only full addresses.
    if (!host || (host.family === 'ipv4' && !/^\d+\.\d+\.\d+\.\d+$/.test(address))) continue;
    entries.push({ family: host.family, address: host.address, scopeId: host.scopeId, canonical, aliases });
  }
  return new HostsTable(entries);
}
