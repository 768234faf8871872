/**
 * @rawsock/deno — the rawsock provider for Deno, over Deno.listen,
 * Deno.connect and Deno.listenDatagram.
 *
 * Permissions (narrowest flags):
 * - TCP: --allow-net=HOST for each address bound or connected to, e.g.
 *   --allow-net=127.0.0.1,[::1]; binding the wildcard (listen() without
 *   bind() does) needs 0.0.0.0 / [::] too.
 * - Unix: --allow-read and --allow-write for the socket path, and
 *   --allow-net=unix:/abs/path for each path (Deno scopes unix sockets to
 *   exact paths); abstract names need a bare --allow-net.
 * - UDP: --unstable-net (Deno.listenDatagram is unstable in Deno 2), plus --allow-net as for TCP.
 * - DNS: --allow-net=NAME for each name looked up.
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
import { denoCapabilities, hasUnstableNet } from './capabilities.ts';
import { DenoDatagram, UNSTABLE_NET_MESSAGE } from './datagram.ts';
import { denoNamespace, type DenoNamespace } from './deno-api.ts';
import { defaultHostErrorSink } from './advice.ts';
import { ErrorMapper, type HostErrorSink } from './errors.ts';
import { lookup } from './lookup.ts';
import { DenoStreamEndpoint, type StreamHost } from './stream-endpoint.ts';

/** Throws a clear `[rawsock]` error unless running on Deno. */
export function assertDeno(): void {
  if (typeof (globalThis as { Deno?: unknown }).Deno === 'undefined') {
    throw new Error('[rawsock] @rawsock/deno runs on Deno only; on Node.js use @rawsock/node, on Bun use @rawsock/bun');
  }
}

/** Options for {@link DenoProvider}. */
export interface DenoProviderOptions {
  /**
   * Called with Deno's own message each time a host error becomes an errno,
   * e.g. `connect 10.0.0.1:80: NotCapable: Requires net access to
   * "10.0.0.1:80", run again with the --allow-net flag (errno EACCES)`.
   * A program only sees the errno; this says which permission flag is missing.
   * Without it, the first missing permission and the first UDP socket refused
   * for lack of --unstable-net are printed once each to stderr (console.warn);
   * pass `() => {}` to print nothing.
   */
  readonly onHostError?: HostErrorSink;
}

export type { HostErrorSink } from './errors.ts';

/**
 * The rawsock provider for Deno, over Deno.listen, Deno.connect and Deno.listenDatagram. Throws an Error
 * naming the right package when constructed on another runtime.
 */
export class DenoProvider implements RawSocketProvider {
  readonly name = 'deno';
  /** What Deno offers; core answers EOPNOTSUPP/ENOPROTOOPT/EAFNOSUPPORT for the rest. */
  readonly capabilities: ProviderCapabilities;
  private readonly deno: DenoNamespace;
  private readonly errors: ErrorMapper;
  private readonly sink: HostErrorSink;
  private readonly streamHost: StreamHost;

  constructor(options: DenoProviderOptions = {}) {
    assertDeno();
    this.deno = denoNamespace();
    this.sink = options.onHostError ?? defaultHostErrorSink();
    this.errors = new ErrorMapper(this.sink);
    this.capabilities = denoCapabilities(this.deno);
    this.streamHost = { deno: this.deno, errors: this.errors, reusePort: hasUnstableNet(this.deno) };
  }

  createStream(domain: Domain): StreamEndpoint {
    if (domain === 'unix' && !this.capabilities.unix) throw new ErrnoError(E.EAFNOSUPPORT, 'unix sockets');
    if (domain !== 'unix' && domain !== 'ipv4' && domain !== 'ipv6') throw new ErrnoError(E.EAFNOSUPPORT, String(domain));
    return new DenoStreamEndpoint(domain, this.streamHost);
  }

  createDatagram(family: 'ipv4' | 'ipv6'): DatagramHandle {
    if (family !== 'ipv4' && family !== 'ipv6') throw new ErrnoError(E.EAFNOSUPPORT, String(family));
    if (!this.capabilities.udp) {
      this.explainUnsupported('udp');
      throw new ErrnoError(E.EAFNOSUPPORT, UNSTABLE_NET_MESSAGE);
    }
    return new DenoDatagram(family, { deno: this.deno, errors: this.errors });
  }

  /** Says why core refused a socket: for UDP, the missing --unstable-net flag. */
  explainUnsupported(feature: 'tcp' | 'udp' | 'unix' | 'ipv6'): void {
    if (feature === 'udp') this.sink(`socket(SOCK_DGRAM): ${UNSTABLE_NET_MESSAGE} (errno EAFNOSUPPORT)`);
  }

  /** Resolves a host name through the system resolver (node:dns lookup, as getaddrinfo does). */
  lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any'): Promise<LookupResult[]> {
    return lookup(this.deno, this.errors, hostname, family);
  }
}

/** Creates a {@link DenoProvider} (same as `new DenoProvider(options)`). */
export function createDenoProvider(options?: DenoProviderOptions): DenoProvider {
  return new DenoProvider(options);
}
