/** What BunProvider can do (see binding.ts and datagram.ts for how). */
import type { ProviderCapabilities } from '@rawsock/core';

export function bunCapabilities(): ProviderCapabilities {
  const platform = process.platform;
  return {
    tcp: true,
    udp: true,
    // Bun.listen/connect({ unix }) take filesystem paths; on Windows those are
    // AF_UNIX sockets too, but rawsock's path reservation is only checked on POSIX.
    unix: platform !== 'win32',
    // Bun passes a leading NUL through to sun_path; Linux only.
    unixAbstract: platform === 'linux',
    ipv6: true,
    // Bun.listen holds the address from bind() on (listening early: see the
    // deviations), reports the port and refuses conflicts synchronously.
    syncStreamBind: true,
    // Bun.connect's localAddress/localPort bind the source for TCP. A unix
    // client cannot bind through Bun.connect (it leaves unnamed).
    connectFromBound: true,
    // Bun.udpSocket binds inside the call; Bun.peek takes the socket out.
    syncDatagramBind: true,
    // Bun.listen({ reusePort }) and Bun.udpSocket's LISTEN_REUSE_PORT set
    // SO_REUSEPORT; Linux's sharing semantics are only checked on Linux.
    reusePort: platform === 'linux',
    multicast: true,
    dns: true,
  };
}
