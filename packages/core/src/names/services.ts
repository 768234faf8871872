/**
 * Service names (services(5)): "http" → 80/tcp. Parsing plus a small
 * built-in table used when the runtime cannot read /etc/services.
 * https://man7.org/linux/man-pages/man5/services.5.html
 */

/** One services(5) line: a service name's port for one protocol. */
export interface ServiceEntry {
  /** The official service name ("http"). */
  readonly name: string;
  /** Other names for it ("www"). */
  readonly aliases: readonly string[];
  /** The port number (0–65535). */
  readonly port: number;
  /** The protocol the port is for. */
  readonly protocol: 'tcp' | 'udp';
}

/** Lookups over parsed services lines (getservbyname/getservbyport's data); names compare exactly. */
export class ServicesTable {
  /** The lines, in file order (the first match wins). */
  readonly entries: readonly ServiceEntry[];

  constructor(entries: readonly ServiceEntry[]) {
    this.entries = entries;
  }

  /** The port of `name` for `protocol`, or undefined. */
  port(name: string, protocol: 'tcp' | 'udp'): number | undefined {
    return this.entries.find((e) => e.protocol === protocol && (e.name === name || e.aliases.includes(name)))?.port;
  }

  /** The name of `port` for `protocol`, or undefined. */
  name(port: number, protocol: 'tcp' | 'udp'): string | undefined {
    return this.entries.find((e) => e.protocol === protocol && e.port === port)?.name;
  }
}

/** Parses services(5) text; lines of other protocols (sctp, ddp) are skipped. */
export function parseServices(text: string): ServicesTable {
  const entries: ServiceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [name, portProto, ...aliases] = line.split(/\s+/);
    const m = /^(\d+)\/(tcp|udp)$/.exec(portProto ?? '');
    if (!name || !m) continue;
    const port = Number(m[1]);
    if (port > 65535) continue;
    entries.push({ name, aliases, port, protocol: m[2] as 'tcp' | 'udp' });
  }
  return new ServicesTable(entries);
}

/** Well-known services for hosts without /etc/services (IANA assignments). */
export const BUILTIN_SERVICES: ServicesTable = parseServices(
  [
    'echo 7/tcp', 'echo 7/udp', 'discard 9/tcp sink null', 'discard 9/udp sink null', 'daytime 13/tcp', 'daytime 13/udp',
    'ftp-data 20/tcp', 'ftp 21/tcp', 'ssh 22/tcp', 'telnet 23/tcp', 'smtp 25/tcp mail', 'time 37/tcp timserver', 'time 37/udp timserver',
    'domain 53/tcp', 'domain 53/udp', 'bootps 67/udp', 'bootpc 68/udp', 'tftp 69/udp', 'gopher 70/tcp', 'finger 79/tcp',
    'http 80/tcp www', 'kerberos 88/tcp kerberos5 krb5', 'kerberos 88/udp kerberos5 krb5', 'pop3 110/tcp pop-3', 'sunrpc 111/tcp portmapper',
    'sunrpc 111/udp portmapper', 'auth 113/tcp authentication tap ident', 'nntp 119/tcp readnews untp', 'ntp 123/udp',
    'imap2 143/tcp imap', 'snmp 161/udp', 'snmp-trap 162/udp snmptrap', 'ldap 389/tcp', 'ldap 389/udp', 'https 443/tcp',
    'https 443/udp', 'submission 587/tcp', 'ldaps 636/tcp', 'ldaps 636/udp', 'imaps 993/tcp', 'pop3s 995/tcp', 'socks 1080/tcp',
    'mysql 3306/tcp', 'postgresql 5432/tcp postgres', 'x11 6000/tcp x11-0', 'http-alt 8080/tcp webcache',
  ].join('\n'),
);
