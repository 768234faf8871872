/**
 * Refuses to run outside Node.js. Deno and Bun both emulate `node:net`, but
 * with different bind/accept semantics; they have their own providers.
 * Deno and Bun are checked first because both fake `process.versions.node`.
 */
export function assertNodeRuntime(): void {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: string } } };
  if (g.Deno !== undefined || g.Bun !== undefined || typeof g.process?.versions?.node !== 'string') {
    throw new Error('[rawsock] @rawsock/node runs on Node.js only; on Deno use @rawsock/deno, on Bun use @rawsock/bun');
  }
}
