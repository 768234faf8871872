/**
 * @rawsock/node: the rawsock provider for Node.js, over node:net and
 * node:dgram (with libuv handles as a fallback where Node lacks synchronous
 * bind; see handles.ts).
 *
 * @module @rawsock/node
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
import { nodeCapabilities } from './capabilities.js';
import { KernelConnectedDatagram, NodeDatagram } from './datagram.js';
import { lookup } from './lookup.js';
import { assertNodeRuntime } from './runtime-check.js';
import { NodeStreamEndpoint } from './stream-endpoint.js';

/** Options for {@link NodeProvider}. */
export interface NodeProviderOptions {
  /**
   * Give datagram handles a host-level connect(): the kernel then filters
   * other senders and reports ICMP errors (ECONNREFUSED) for the peer, but
   * libuv refuses sendto() with another address, and connect() to a new peer,
   * on a connected socket (EISCONN), both of which Linux allows. Off by
   * default: the core filters connected datagram sockets itself, so sendto()
   * and re-connect keep Linux's behaviour.
   */
  readonly datagramKernelConnect?: boolean;
}

/**
 * The rawsock provider for Node.js, over node:net, node:dgram (and tcp_wrap/udp_wrap/pipe_wrap on Node 20 for synchronous bind). Throws an Error
 * naming the right package when constructed on another runtime.
 */
export class NodeProvider implements RawSocketProvider {
  readonly name = 'node';
  /** What Node.js offers; core answers EOPNOTSUPP/ENOPROTOOPT/EAFNOSUPPORT for the rest. */
  readonly capabilities: ProviderCapabilities;
  private readonly kernelConnect: boolean;

  constructor(options: NodeProviderOptions = {}) {
    assertNodeRuntime();
    this.capabilities = nodeCapabilities();
    this.kernelConnect = options.datagramKernelConnect ?? false;
  }

  createStream(domain: Domain): StreamEndpoint {
    if (domain === 'unix' && !this.capabilities.unix) throw new ErrnoError(E.EAFNOSUPPORT, 'unix sockets');
    if (domain !== 'unix' && domain !== 'ipv4' && domain !== 'ipv6') throw new ErrnoError(E.EAFNOSUPPORT, String(domain));
    return new NodeStreamEndpoint(domain);
  }

  createDatagram(family: 'ipv4' | 'ipv6'): DatagramHandle {
    if (family !== 'ipv4' && family !== 'ipv6') throw new ErrnoError(E.EAFNOSUPPORT, String(family));
    return this.kernelConnect ? new KernelConnectedDatagram(family) : new NodeDatagram(family);
  }

  lookup(hostname: string, family: 'ipv4' | 'ipv6' | 'any'): Promise<LookupResult[]> {
    return lookup(hostname, family);
  }
  /** Big outgoing copies are filled at once: no need to zero them first. https://nodejs.org/api/buffer.html#static-method-bufferallocunsafesize */
  allocate(size: number): Uint8Array {
    return Buffer.allocUnsafe(size);
  }
}

/** Creates a {@link NodeProvider} (same as `new NodeProvider(options)`). */
export function createNodeProvider(options?: NodeProviderOptions): NodeProvider {
  return new NodeProvider(options);
}
