/**
 * What this Deno can do, detected from the API present (never from version
 * numbers). `Deno.listenDatagram` exists only with --unstable-net, which
 * also unlocks `reusePort` on Deno.listen.
 */
import type { ProviderCapabilities } from '@rawsock/core';
import type { DenoNamespace } from './deno-api.ts';

export function hasUnstableNet(deno: DenoNamespace): boolean {
  return typeof deno.listenDatagram === 'function';
}

export function denoCapabilities(deno: DenoNamespace): ProviderCapabilities {
  const os = deno.build.os;
  return {
    tcp: true,
    udp: hasUnstableNet(deno),
    unix: os !== 'windows',
    // Deno passes a path starting with NUL to the kernel unchanged.
    unixAbstract: os === 'linux' || os === 'android',
    ipv6: true,
    // bind() is a Deno.listen: reserved and reported at once, conflicts thrown there.
    syncStreamBind: true,
    // Deno.connect takes no local address.
    connectFromBound: false,
    syncDatagramBind: true,
    // Deno.listen's reusePort (with --unstable-net) covers TCP only; UDP has none.
    reusePort: false,
    // No SO_BROADCAST, no unicast TTL, multicast TTL/loop only via memberships.
    multicast: false,
    dns: true,
  };
}
