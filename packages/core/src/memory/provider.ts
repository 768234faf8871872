/**
 * MemoryProvider: a {@link RawSocketProvider} with no host network at all.
 * TCP, UDP and unix sockets live on a {@link MemoryNetwork}, a virtual
 * loopback-only host; providers sharing one network talk to each other.
 */
import type { Domain } from '../address.js';
import { E, fail } from '../errno.js';
import type {
  DatagramHandle,
  LookupResult,
  ProviderCapabilities,
  RawSocketProvider,
  StreamEndpoint,
} from '../provider.js';
import { MemoryDatagramHandle } from './datagram.js';
import { lookupHost } from './dns.js';
import { MemoryNetwork } from './network.js';
import { MemoryStreamEndpoint } from './stream.js';

/** Default receive ("kernel") buffer of each direction of a stream connection. */
export const DEFAULT_STREAM_BUFFER_BYTES = 256 * 1024;
/** Default receive queue of a datagram handle. */
export const DEFAULT_DATAGRAM_BUFFER_BYTES = 256 * 1024;

export interface MemoryProviderOptions {
  /** The network to join; by default a new one of its own. */
  readonly network?: MemoryNetwork;
  /** Receive buffer per stream side, in bytes (like SO_RCVBUF), for sockets this provider creates. */
  readonly streamBufferBytes?: number;
  /** Receive queue per datagram handle, in bytes, for handles this provider creates. */
  readonly datagramBufferBytes?: number;
}

const CAPABILITIES: ProviderCapabilities = Object.freeze({
  tcp: true,
  udp: true,
  unix: true,
  unixAbstract: true,
  ipv6: true,
  syncStreamBind: true,
  connectFromBound: true,
  syncDatagramBind: true,
  reusePort: true,
  multicast: true,
  dns: true,
});

function size(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

export class MemoryProvider implements RawSocketProvider {
  readonly name = 'memory';
  /** Everything: TCP, UDP and unix, in memory. */
  readonly capabilities: ProviderCapabilities = CAPABILITIES;
  readonly #network: MemoryNetwork;
  readonly #streamBuffer: number;
  readonly #datagramBuffer: number;

  constructor(options: MemoryProviderOptions = {}) {
    this.#network = options.network ?? new MemoryNetwork();
    this.#streamBuffer = size(options.streamBufferBytes, DEFAULT_STREAM_BUFFER_BYTES, 'streamBufferBytes');
    this.#datagramBuffer = size(options.datagramBufferBytes, DEFAULT_DATAGRAM_BUFFER_BYTES, 'datagramBufferBytes');
  }

  /** The network this provider's sockets live on. */
  get network(): MemoryNetwork {
    return this.#network;
  }

  createStream(domain: Domain): StreamEndpoint {
    if (domain !== 'ipv4' && domain !== 'ipv6' && domain !== 'unix') fail(E.EAFNOSUPPORT);
    return new MemoryStreamEndpoint(this.#network, domain, this.#streamBuffer);
  }

  createDatagram(family: 'ipv4' | 'ipv6'): DatagramHandle {
    if (family !== 'ipv4' && family !== 'ipv6') fail(E.EAFNOSUPPORT);
    return new MemoryDatagramHandle(this.#network, family, this.#datagramBuffer);
  }

  async lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any'): Promise<LookupResult[]> {
    return lookupHost(this.#network, hostname, family);
  }
}
