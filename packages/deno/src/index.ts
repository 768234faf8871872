/**
 * @rawsock/deno — DenoProvider over Deno.connect/listen/listenDatagram.
 * Scaffold: the provider itself lands with the Deno/Bun milestone. What is
 * here already is the runtime guard every adapter starts with.
 */

/** Throws a clear `[rawsock]` error unless running on Deno. */
export function assertDeno(): void {
  if (typeof (globalThis as { Deno?: unknown }).Deno === 'undefined') {
    throw new Error('[rawsock] @rawsock/deno runs on Deno only; on Node.js use @rawsock/node, on Bun use @rawsock/bun');
  }
}
