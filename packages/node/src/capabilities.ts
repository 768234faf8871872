/** What this Node can do, detected from the APIs present. */
import type { ProviderCapabilities } from '@rawsock/core';
import { hasReusePort } from './host.js';

export function nodeCapabilities(): ProviderCapabilities {
  return {
    tcp: true,
    udp: true,
    // Node maps unix paths to named pipes on Windows, which are not sockets.
    unix: process.platform !== 'win32',
    unixAbstract: process.platform === 'linux',
    ipv6: true,
    syncStreamBind: true,
    connectFromBound: true,
    syncDatagramBind: true,
    reusePort: hasReusePort,
    multicast: true,
    dns: true,
  };
}
