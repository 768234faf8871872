/**
 * getaddrinfo/getnameinfo/gethostbyname/gethostbyaddr policy, the way glibc
 * answers (checked against glibc by the C suite's names.c run natively):
 * flag and hint validation, numeric hosts (never resolved), /etc/hosts,
 * localhost, service names, AI_V4MAPPED/AI_ALL/AI_ADDRCONFIG/AI_CANONNAME,
 * and the EAI_* / h_errno results. Runtime-agnostic: the files come from
 * {@link NameSources}, a blocking lookup from {@link NameResolver.setSyncLookup}.
 *
 * A name that needs DNS when no blocking lookup is installed (event-driven
 * builds) gets a placeholder address ({@link PlaceholderNames}); a connect
 * to it resolves the name for real (see connect-by-name.ts).
 */
import { AF_INET, AF_INET6, AF_UNSPEC, IPPROTO_TCP, IPPROTO_UDP, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM } from '../constants.js';
import { E, ErrnoError } from '../errno.js';
import type { LookupResult } from '../provider.js';
import type { AsyncLookup } from './connect-by-name.js';
import {
  AI_ADDRCONFIG,
  AI_ALL,
  AI_CANONNAME,
  AI_KNOWN,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  EAI_ADDRFAMILY,
  EAI_AGAIN,
  EAI_BADFLAGS,
  EAI_FAIL,
  EAI_FAMILY,
  EAI_NONAME,
  EAI_SERVICE,
  EAI_SOCKTYPE,
  HOST_NOT_FOUND,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NOFQDN,
  NI_NUMERICHOST,
  NI_NUMERICSCOPE,
  NI_NUMERICSERV,
  NO_RECOVERY,
  TRY_AGAIN,
} from './constants.js';
import type { HostsTable } from './hosts.js';
import { parseNumericHost, type NumericHost } from './numeric.js';
import { PlaceholderNames } from './placeholders.js';
import type { ServicesTable } from './services.js';

/** Where the resolver reads the system's name data (the runtime layer supplies it). */
export interface NameSources {
  /** /etc/hosts, parsed (an empty table if unreadable). */
  hosts(): HostsTable;
  /** /etc/services, parsed (or {@link BUILTIN_SERVICES}). */
  services(): ServicesTable;
  /**
   * Families with a configured non-loopback address, for AI_ADDRCONFIG;
   * undefined when the runtime cannot tell (then nothing is filtered).
   */
  configuredFamilies?():
    | {
        /** The host has a non-loopback IPv4 address. */
        readonly ipv4: boolean;
        /** The host has a non-loopback IPv6 address. */
        readonly ipv6: boolean;
      }
    | undefined;
  /** Interface index of a name, for IPv6 zones ("fe80::1%eth0"). */
  ifIndex?(name: string): number | undefined;
}

/** A lookup that blocks until answered (blocking modes); throws an ErrnoError (ENOENT: no such name). */
export type SyncLookup = (hostname: string, family: 'ipv4' | 'ipv6' | 'any') => readonly LookupResult[];

/** getaddrinfo hints (struct addrinfo's ai_flags, ai_family, ai_socktype, ai_protocol). */
export interface AddrinfoHints {
  /** AI_* bits (ai_flags); unknown bits give EAI_BADFLAGS. */
  readonly flags: number;
  /** AF_UNSPEC, AF_INET or AF_INET6 (ai_family); others give EAI_FAMILY. */
  readonly family: number;
  /** SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, or 0 for each of them (ai_socktype); others give EAI_SOCKTYPE. */
  readonly socktype: number;
  /** IPPROTO_* (ai_protocol), or 0 for the socket type's own. */
  readonly protocol: number;
}

/** One struct addrinfo, before marshalling. */
export interface AddrinfoResult {
  /** The address family (ai_family AF_INET or AF_INET6). */
  readonly family: 'ipv4' | 'ipv6';
  /** The address, canonical text ("127.0.0.1", "::ffff:10.0.0.1"). */
  readonly address: string;
  /** The IPv6 zone (sin6_scope_id); 0 for IPv4 and unzoned IPv6. */
  readonly scopeId: number;
  /** The port (0 when no service was given). */
  readonly port: number;
  /** ai_socktype: SOCK_STREAM, SOCK_DGRAM or SOCK_RAW. */
  readonly socktype: number;
  /** ai_protocol: IPPROTO_TCP, IPPROTO_UDP, or the raw socket's protocol (0 if none was asked for). */
  readonly protocol: number;
}

/** getaddrinfo's answer: an EAI_* code, or the list (and ai_canonname of the first). */
export type AddrinfoAnswer =
  | {
      /** The EAI_* code (negative). */
      readonly error: number;
      /** No results on failure. */
      readonly results?: undefined;
      /** No canonical name on failure. */
      readonly canonname?: undefined;
    }
  | {
      /** 0: success. */
      readonly error: 0;
      /** The struct addrinfo list, in order (at least one). */
      readonly results: readonly AddrinfoResult[];
      /** ai_canonname of the first result; only with AI_CANONNAME. */
      readonly canonname?: string;
    };

/** getnameinfo's answer: an EAI_* code, or the host and service strings. */
export type NameinfoAnswer =
  | {
      /** The EAI_* code (negative). */
      readonly error: number;
    }
  | {
      /** 0: success. */
      readonly error: 0;
      /** The host's name, or its numeric address (IPv6 with "%zone" when it has one). */
      readonly host: string;
      /** The service name, or the decimal port. */
      readonly service: string;
    };

/** A struct hostent, before marshalling; or an h_errno. */
export type HostentAnswer =
  | {
      /** The h_errno: HOST_NOT_FOUND, TRY_AGAIN or NO_RECOVERY. */
      readonly hErrno: number;
    }
  | {
      /** 0: success. */
      readonly hErrno: 0;
      /** h_name: the official (canonical) name. */
      readonly name: string;
      /** h_aliases: the other names. */
      readonly aliases: readonly string[];
      /** h_addrtype: AF_INET or AF_INET6. */
      readonly family: 'ipv4' | 'ipv6';
      /** h_addr_list: the addresses, canonical text. */
      readonly addresses: readonly string[];
    };

interface Addr {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly scopeId: number;
}

type HostAnswer = { readonly error: number } | { readonly error: 0; readonly canonical: string; readonly aliases: readonly string[]; readonly addrs: readonly Addr[] };

const LOCALHOST: readonly Addr[] = [
  { family: 'ipv6', address: '::1', scopeId: 0 },
  { family: 'ipv4', address: '127.0.0.1', scopeId: 0 },
];

/** RFC 6761 §6.3: localhost and names under it are the loopback host. */
function isLocalhost(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'localhost' || n.endsWith('.localhost');
}

/** Could be a DNS name at all (RFC 1035 lengths, no empty label but a final dot). */
function validName(name: string): boolean {
  return name !== '' && name.length <= 253 && !name.split('.').some((l, i, all) => l.length > 63 || (l === '' && i !== all.length - 1));
}

/**
 * Names no DNS server can answer: under `.invalid` (RFC 6761 §6.4), or
 * with an all-numeric last label (RFC 3696 §2: "1.2.3.4.5"). glibc asks
 * DNS and gets EAI_NONAME; here the answer is known without asking.
 */
function cannotExist(name: string): boolean {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  const last = labels[labels.length - 1] as string;
  return last === 'invalid' || /^[0-9]+$/.test(last);
}

/** A lookup's outcome, for all families (the caller filters). */
async function settle(lookup: AsyncLookup, name: string): Promise<{ found?: readonly LookupResult[]; error?: unknown }> {
  try {
    return { found: await lookup(name, 'any') };
  } catch (error) {
    return { error };
  }
}

function mapped(a: Addr): Addr {
  return { family: 'ipv6', address: `::ffff:${a.address}`, scopeId: 0 };
}

/** An error of a lookup (ErrnoError) as an EAI_* code. */
export function lookupErrorToEai(error: unknown): number {
  // An ErrnoError, or any object with a Linux `errno` (a lookup given through Module.rawsock).
  const errno = error instanceof ErrnoError ? error.errno : typeof (error as { errno?: unknown } | null)?.errno === 'number' ? (error as { errno: number }).errno : 0;
  if (errno === E.ENOENT || errno === E.EHOSTUNREACH) return EAI_NONAME;
  if (errno === E.EAGAIN || errno === E.ETIMEDOUT) return EAI_AGAIN;
  return EAI_FAIL;
}

function eaiToHErrno(eai: number): number {
  return eai === EAI_NONAME ? HOST_NOT_FOUND : eai === EAI_AGAIN ? TRY_AGAIN : NO_RECOVERY;
}

/**
 * Answers the libc name calls (getaddrinfo, getnameinfo, gethostbyname2,
 * gethostbyaddr) as glibc does, from {@link NameSources} and, in blocking
 * modes, a {@link SyncLookup}. Calls return their error codes (EAI_* or
 * h_errno) in the answer rather than throwing.
 */
export class NameResolver {
  /** The placeholder addresses handed out for names that need DNS when nothing can block (event-driven builds). */
  readonly placeholders: PlaceholderNames;
  private readonly sources: NameSources;
  private syncLookup: SyncLookup | undefined;

  constructor(sources: NameSources, placeholders: PlaceholderNames = new PlaceholderNames()) {
    this.sources = sources;
    this.placeholders = placeholders;
  }

  /**
   * Installs (or removes) a blocking lookup. With one, names that need DNS
   * get real answers (blocking modes); without, they get placeholders.
   */
  setSyncLookup(lookup: SyncLookup | undefined): void {
    this.syncLookup = lookup;
  }

  /** True when names that need DNS are resolved synchronously. */
  get blocking(): boolean {
    return this.syncLookup !== undefined;
  }

  /**
   * `text` as a numeric host (any inet_aton form, or IPv6 with a zone; an
   * interface-name zone is mapped by {@link NameSources.ifIndex}), or
   * undefined when it is not numeric.
   */
  numeric(text: string): NumericHost | undefined {
    return parseNumericHost(text, (n) => this.sources.ifIndex?.(n));
  }

  /**
   * getaddrinfo(3): the addresses of `node` (null: the loopback, or with
   * AI_PASSIVE the wildcard addresses) with the ports of `service`, one
   * result per address and socket type the hints allow.
   *
   * Errors, in the answer: EAI_BADFLAGS (unknown flags, AI_CANONNAME with a
   * null node), EAI_FAMILY, EAI_SOCKTYPE, EAI_SERVICE (no such service for
   * the socket type), EAI_ADDRFAMILY (a numeric node of the other family),
   * EAI_NONAME (both null, an unknown name or service, a name with
   * AI_NUMERICHOST or AI_NUMERICSERV, nothing left after AI_ADDRCONFIG), and
   * EAI_AGAIN or EAI_FAIL from the blocking lookup ({@link lookupErrorToEai}).
   * Without a blocking lookup a name that needs DNS gets a placeholder
   * address; that throws an Error only once 65534 names have one.
   * https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
   */
  getaddrinfo(node: string | null, service: string | null, hints: AddrinfoHints): AddrinfoAnswer {
    const { flags, family } = hints;
    if (flags & ~AI_KNOWN) return { error: EAI_BADFLAGS };
    if (flags & AI_CANONNAME && node === null) return { error: EAI_BADFLAGS };
    if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) return { error: EAI_FAMILY };
    if (node === null && service === null) return { error: EAI_NONAME };
    const kinds = this.socketKinds(hints);
    if (typeof kinds === 'number') return { error: kinds };
    const ports = this.ports(service, flags, kinds);
    if (typeof ports === 'number') return { error: ports };

    let addrs: readonly Addr[];
    let canonname: string | undefined;
    if (node === null) {
      addrs = flags & AI_PASSIVE
        ? [{ family: 'ipv4', address: '0.0.0.0', scopeId: 0 }, { family: 'ipv6', address: '::', scopeId: 0 }]
        : LOCALHOST;
      addrs = addrs.filter((a) => family === AF_UNSPEC || a.family === (family === AF_INET ? 'ipv4' : 'ipv6'));
    } else {
      const literal = this.numeric(node);
      if (literal) {
        canonname = node;
        if (family === AF_INET6 && literal.family === 'ipv4') {
          if (!(flags & AI_V4MAPPED)) return { error: EAI_ADDRFAMILY };
          addrs = [mapped(literal)];
        } else if (family === AF_INET && literal.family === 'ipv6') {
          return { error: EAI_ADDRFAMILY };
        } else {
          addrs = [literal];
        }
      } else {
        if (flags & AI_NUMERICHOST) return { error: EAI_NONAME };
        const v4mapped = family === AF_INET6 && (flags & AI_V4MAPPED) !== 0;
        const want = family === AF_INET ? 'ipv4' : family === AF_INET6 && !v4mapped ? 'ipv6' : 'any';
        const host = this.host(node, want);
        if (host.error) return { error: host.error };
        const found = (host as Extract<HostAnswer, { error: 0 }>).addrs;
        canonname = (host as Extract<HostAnswer, { error: 0 }>).canonical;
        if (v4mapped) {
          const v6 = found.filter((a) => a.family === 'ipv6');
          const v4 = found.filter((a) => a.family === 'ipv4').map(mapped);
          addrs = flags & AI_ALL ? [...v6, ...v4] : v6.length > 0 ? v6 : v4;
        } else {
          addrs = found;
        }
      }
    }
    if (flags & AI_ADDRCONFIG) {
      const configured = this.sources.configuredFamilies?.();
      if (configured) addrs = addrs.filter((a) => configured[a.family] || (a.family === 'ipv6' && a.address.startsWith('::ffff:') && configured.ipv4));
    }
    if (addrs.length === 0) return { error: EAI_NONAME };
    const results: AddrinfoResult[] = [];
    for (const a of addrs) {
      for (const k of ports) results.push({ ...a, port: k.port, socktype: k.socktype, protocol: k.protocol });
    }
    return flags & AI_CANONNAME && canonname !== undefined ? { error: 0, results, canonname } : { error: 0, results };
  }

  /** The (socktype, protocol) pairs the hints allow, in glibc's order; or an EAI_* code. */
  private socketKinds(hints: AddrinfoHints): { socktype: number; protocol: number }[] | number {
    const all = [
      { socktype: SOCK_STREAM, protocol: IPPROTO_TCP },
      { socktype: SOCK_DGRAM, protocol: IPPROTO_UDP },
      { socktype: SOCK_RAW, protocol: 0 },
    ];
    if (hints.socktype !== 0 && !all.some((k) => k.socktype === hints.socktype)) return EAI_SOCKTYPE;
    const kinds = all
      .filter((k) => hints.socktype === 0 || k.socktype === hints.socktype)
      .map((k) => (k.socktype === SOCK_RAW && hints.protocol !== 0 ? { socktype: k.socktype, protocol: hints.protocol } : k))
      .filter((k) => hints.protocol === 0 || k.protocol === hints.protocol);
    if (kinds.length === 0) return hints.socktype === 0 ? EAI_SERVICE : EAI_SOCKTYPE;
    return kinds;
  }

  /** Each allowed kind with its port for `service`; or an EAI_* code. */
  private ports(service: string | null, flags: number, kinds: { socktype: number; protocol: number }[]): { socktype: number; protocol: number; port: number }[] | number {
    if (service === null) return kinds.map((k) => ({ ...k, port: 0 }));
    // glibc reads the number with strtoul (leading blanks allowed) and keeps its low 16 bits.
    if (/^\s*[0-9]+$/.test(service)) {
      const port = Number(service.trim()) % 65536;
      // A port means nothing to a raw socket asked for by name.
      const usable = kinds.filter((k) => k.socktype !== SOCK_RAW || kinds.length > 1);
      return usable.length === 0 ? EAI_SERVICE : usable.map((k) => ({ ...k, port }));
    }
    if (flags & AI_NUMERICSERV) return EAI_NONAME;
    const table = this.sources.services();
    const out: { socktype: number; protocol: number; port: number }[] = [];
    for (const k of kinds) {
      const proto = k.socktype === SOCK_STREAM ? 'tcp' : k.socktype === SOCK_DGRAM ? 'udp' : undefined;
      const port = proto ? table.port(service, proto) : undefined;
      if (port !== undefined) out.push({ ...k, port });
    }
    return out.length === 0 ? EAI_SERVICE : out;
  }

  /** A host name's addresses: /etc/hosts, then localhost, then the blocking lookup or a placeholder. */
  private host(name: string, want: 'ipv4' | 'ipv6' | 'any'): HostAnswer {
    // Not a possible DNS name (RFC 1035 limits): no resolver would find it.
    if (!validName(name)) return { error: EAI_NONAME };
    const lines = this.sources.hosts().byName(name);
    const fits = (a: { readonly family: Addr['family'] }) => want === 'any' || a.family === want;
    const listed = lines.filter(fits);
    if (listed.length > 0) {
      const first = listed[0] as (typeof listed)[0];
      return { error: 0, canonical: first.canonical, aliases: first.aliases, addrs: listed.map((l) => ({ family: l.family, address: l.address, scopeId: l.scopeId })) };
    }
    if (isLocalhost(name)) {
      // In /etc/hosts for the other family only: that is the answer (glibc's
      // files backend, and no DNS server knows better).
      if (lines.length > 0) return { error: EAI_NONAME };
      return { error: 0, canonical: name, aliases: [], addrs: LOCALHOST.filter(fits) };
    }
    if (cannotExist(name)) return { error: EAI_NONAME };
    if (this.syncLookup) {
      try {
        const found = this.syncLookup(name, want);
        const addrs = found.filter(fits).map((r) => ({ family: r.family, address: r.address, scopeId: 0 }));
        return addrs.length > 0 ? { error: 0, canonical: name, aliases: [], addrs } : { error: EAI_NONAME };
      } catch (e) {
        return { error: lookupErrorToEai(e) };
      }
    }
    // Event-driven build: a placeholder the connect resolves later.
    const placeholder: Addr = { family: 'ipv4', address: this.placeholders.assign(name), scopeId: 0 };
    return { error: 0, canonical: name, aliases: [], addrs: [want === 'ipv6' ? mapped(placeholder) : placeholder] };
  }

  /**
   * The name getaddrinfo(node, …, flags) would have to ask DNS about, or
   * undefined when the answer is local (numeric, /etc/hosts, localhost) or
   * an error. Lets a caller that can wait (Asyncify/JSPI builds) look the
   * name up first and then answer synchronously: {@link getaddrinfoAsync}.
   */
  needsLookup(node: string | null, flags = 0, family = AF_UNSPEC): string | undefined {
    if (node === null || flags & AI_NUMERICHOST || flags & ~AI_KNOWN || this.numeric(node)) return undefined;
    if (!validName(node) || isLocalhost(node) || cannotExist(node)) return undefined;
    const want = family === AF_INET ? 'ipv4' : family === AF_INET6 && !(flags & AI_V4MAPPED) ? 'ipv6' : undefined;
    // /etc/hosts answers only for the families it lists (glibc's files backend, then DNS).
    return this.sources.hosts().byName(node).some((l) => want === undefined || l.family === want) ? undefined : node;
  }

  /** getaddrinfo that awaits `lookup` for a name that needs DNS (never a placeholder). */
  async getaddrinfoAsync(node: string | null, service: string | null, hints: AddrinfoHints, lookup: AsyncLookup): Promise<AddrinfoAnswer> {
    const name = this.needsLookup(node, hints.flags, hints.family);
    if (name === undefined) return this.getaddrinfo(node, service, hints);
    const answer = await settle(lookup, name);
    return this.answeringWith(answer, () => this.getaddrinfo(node, service, hints));
  }

  /** gethostbyname2 that awaits `lookup` for a name that needs DNS (never a placeholder). */
  async gethostbynameAsync(name: string, family: 'ipv4' | 'ipv6', lookup: AsyncLookup): Promise<HostentAnswer> {
    const needed = this.needsLookup(name, 0, family === 'ipv4' ? AF_INET : AF_INET6);
    if (needed === undefined) return this.gethostbyname(name, family);
    const answer = await settle(lookup, needed);
    return this.answeringWith(answer, () => this.gethostbyname(name, family));
  }

  /**
   * Runs `fn` (a getaddrinfo/gethostbyname call) with `answer` — a lookup
   * settled beforehand, e.g. while an Asyncify/JSPI build was suspended —
   * as the answer for any name that needs DNS.
   */
  answeringWith<T>(answer: { found?: readonly LookupResult[]; error?: unknown }, fn: () => T): T {
    const saved = this.syncLookup;
    this.syncLookup = () => {
      if (answer.found) return answer.found;
      throw answer.error;
    };
    try {
      return fn();
    } finally {
      this.syncLookup = saved;
    }
  }

  /** The name for an address: a placeholder's name, then /etc/hosts, then localhost. */
  private reverse(family: 'ipv4' | 'ipv6', address: string): { name: string; aliases: readonly string[] } | undefined {
    if (family === 'ipv4') {
      const placeholder = this.placeholders.nameOf(address);
      if (placeholder) return { name: placeholder, aliases: [] };
    }
    const line = this.sources.hosts().byAddress(family, address);
    if (line) return { name: line.canonical, aliases: line.aliases };
    if (address === '127.0.0.1' || address === '::1') return { name: 'localhost', aliases: [] };
    return undefined;
  }

  /**
   * getnameinfo(3) for an IPv4/IPv6 socket address: the host's name (a
   * placeholder's name, /etc/hosts, "localhost" for 127.0.0.1 and ::1;
   * never DNS) or its numeric form, and the service name of the port
   * (tcp, or udp with NI_DGRAM) or the decimal port.
   *
   * Errors, in the answer: EAI_BADFLAGS (unknown NI_* bits), EAI_NONAME
   * (NI_NAMEREQD and the address has no name).
   * https://man7.org/linux/man-pages/man3/getnameinfo.3.html
   */
  getnameinfo(addr: { family: 'ipv4' | 'ipv6'; address: string; port: number; scopeId: number }, flags: number): NameinfoAnswer {
    if (flags & ~(NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM | NI_NUMERICSCOPE)) return { error: EAI_BADFLAGS };
    let host: string | undefined;
    if (!(flags & NI_NUMERICHOST)) {
      host = this.reverse(addr.family, addr.address)?.name;
      if (host && flags & NI_NOFQDN) host = host.split('.')[0] as string;
    }
    if (host === undefined) {
      if (flags & NI_NAMEREQD) return { error: EAI_NONAME };
      host = addr.address + (addr.family === 'ipv6' && addr.scopeId ? `%${addr.scopeId}` : '');
    }
    const service = (!(flags & NI_NUMERICSERV) && this.sources.services().name(addr.port, flags & NI_DGRAM ? 'udp' : 'tcp')) || String(addr.port);
    return { error: 0, host, service };
  }

  /**
   * gethostbyname2(3): the AF_INET or AF_INET6 addresses of a name (a
   * numeric name answers itself). h_errno, in the answer: HOST_NOT_FOUND
   * (unknown name, or a numeric name of the other family), TRY_AGAIN
   * (EAI_AGAIN from the lookup), NO_RECOVERY (any other failure).
   * https://man7.org/linux/man-pages/man3/gethostbyname.3.html
   */
  gethostbyname(name: string, family: 'ipv4' | 'ipv6'): HostentAnswer {
    const literal = this.numeric(name);
    if (literal) {
      if (literal.family !== family) return { hErrno: HOST_NOT_FOUND };
      return { hErrno: 0, name, aliases: [], family, addresses: [literal.address] };
    }
    const host = this.host(name, family);
    if (host.error) return { hErrno: eaiToHErrno(host.error) };
    const h = host as Extract<HostAnswer, { error: 0 }>;
    return { hErrno: 0, name: h.canonical, aliases: h.aliases, family, addresses: h.addrs.map((a) => a.address) };
  }

  /**
   * gethostbyaddr(3): the name of an address (a placeholder's name,
   * /etc/hosts, "localhost" for 127.0.0.1 and ::1; never DNS); h_errno
   * HOST_NOT_FOUND in the answer when it has none.
   * https://man7.org/linux/man-pages/man3/gethostbyaddr.3.html
   */
  gethostbyaddr(family: 'ipv4' | 'ipv6', address: string): HostentAnswer {
    const found = this.reverse(family, address);
    if (!found) return { hErrno: HOST_NOT_FOUND };
    return { hErrno: 0, name: found.name, aliases: found.aliases, family, addresses: [address] };
  }
}
