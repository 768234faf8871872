/**
 * @rawsock/bun: the rawsock provider for Bun, over Bun.listen, Bun.connect,
 * Bun.udpSocket and Bun.dns. Bun has no bind-without-listen; binding.ts
 * explains how binds are held instead.
 */
import {
  E,
  ErrnoError,
  type DatagramHandle,
  type Domain,
  type LookupResult,
  type ProviderCapabilities,
  type RawSocketProvider,
  type StreamEndpoint,
} from '@rawsock/core';
import { BindTable } from './binding.js';
import { bunCapabilities } from './capabilities.js';
import { BunDatagram } from './datagram.js';
import { lookup, type DnsBackend } from './lookup.js';
import { BunStreamEndpoint } from './stream-endpoint.js';

/** Throws a clear `[rawsock]` error unless running on Bun. */
export function assertBun(): void {
  if (typeof (globalThis as { Bun?: unknown }).Bun === 'undefined') {
    throw new Error('[rawsock] @rawsock/bun runs on Bun only; on Node.js use @rawsock/node, on Deno use @rawsock/deno');
  }
}

/** Options for {@link BunProvider}. */
export interface BunProviderOptions {
  /**
   * The resolver behind lookup(). Default `'system'`: getaddrinfo on Linux
   * (/etc/hosts, nsswitch), as a C program resolves names. `'c-ares'` is
   * Bun's own default, faster under many concurrent lookups but without
   * nsswitch or mDNS. https://bun.com/docs/api/dns
   */
  readonly dnsBackend?: DnsBackend;
}

export type { DnsBackend };

/**
 * The rawsock provider for Bun, over Bun.listen, Bun.connect and Bun.udpSocket. Throws an Error
 * naming the right package when constructed on another runtime.
 */
export class BunProvider implements RawSocketProvider {
  readonly name = 'bun';
  /** What Bun offers; core answers EOPNOTSUPP/ENOPROTOOPT/EAFNOSUPPORT for the rest. */
  readonly capabilities: ProviderCapabilities;
  private readonly dnsBackend: DnsBackend;
  /** The TCP binds this provider holds, for Linux's SO_REUSEADDR sharing rule. */
  private readonly binds = new BindTable();

  constructor(options: BunProviderOptions = {}) {
    assertBun();
    this.capabilities = bunCapabilities();
    this.dnsBackend = options.dnsBackend ?? 'system';
  }

  createStream(domain: Domain): StreamEndpoint {
    if (domain === 'unix' && !this.capabilities.unix) throw new ErrnoError(E.EAFNOSUPPORT, 'unix sockets');
    if (domain !== 'unix' && domain !== 'ipv4' && domain !== 'ipv6') throw new ErrnoError(E.EAFNOSUPPORT, String(domain));
    return new BunStreamEndpoint(domain, this.binds);
  }

  createDatagram(family: 'ipv4' | 'ipv6'): DatagramHandle {
    if (family !== 'ipv4' && family !== 'ipv6') throw new ErrnoError(E.EAFNOSUPPORT, String(family));
    return new BunDatagram(family);
  }

  lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any'): Promise<LookupResult[]> {
    return lookup(hostname, family, this.dnsBackend);
  }
  /** Big outgoing copies are filled at once: no need to zero them first. https://bun.sh/docs/api/binary-data#buffer */
  allocate(size: number): Uint8Array {
    return Buffer.allocUnsafe(size);
  }
}

/** Creates a {@link BunProvider} (same as `new BunProvider(options)`). */
export function createBunProvider(options?: BunProviderOptions): BunProvider {
  return new BunProvider(options);
}
