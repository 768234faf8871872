/**
 * @rawsock/bun — BunProvider over Bun.connect/listen/udpSocket.
 * Scaffold: the provider itself lands with the Deno/Bun milestone. What is
 * here already is the runtime guard every adapter starts with.
 */

/** Throws a clear `[rawsock]` error unless running on Bun. */
export function assertBun(): void {
  if (typeof (globalThis as { Bun?: unknown }).Bun === 'undefined') {
    throw new Error('[rawsock] @rawsock/bun runs on Bun only; on Node.js use @rawsock/node, on Deno use @rawsock/deno');
  }
}
