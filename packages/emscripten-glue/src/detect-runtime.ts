/** Runtime detection the glue runs at start to pick a provider. */

/** A JavaScript runtime rawsock supports. */
export type RuntimeName = 'deno' | 'bun' | 'node';

/**
 * Which runtime this is. Deno and Bun both imitate `process.versions.node`,
 * so they are recognised first by their own globals.
 */
export function detectRuntime(): RuntimeName | undefined {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: string } } };
  if (typeof g.Deno !== 'undefined') return 'deno';
  if (typeof g.Bun !== 'undefined') return 'bun';
  if (typeof g.process?.versions?.node === 'string') return 'node';
  return undefined;
}
