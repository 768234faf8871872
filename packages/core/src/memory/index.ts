/** The in-memory provider: a virtual loopback network with no host sockets. */
export {
  MemoryProvider,
  DEFAULT_STREAM_BUFFER_BYTES,
  DEFAULT_DATAGRAM_BUFFER_BYTES,
  type MemoryProviderOptions,
} from './provider.js';
export { MemoryNetwork, type MemoryNetworkStats } from './network.js';
export { MemoryStreamEndpoint } from './stream.js';
export { MemoryStreamConnection } from './connection.js';
export { MemoryDatagramHandle } from './datagram.js';
export { EPHEMERAL_PORT_MIN, EPHEMERAL_PORT_MAX } from './ports.js';
