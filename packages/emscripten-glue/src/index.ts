/**
 * @rawsock/emscripten — link-time glue that backs an Emscripten program's
 * sockets with @rawsock/core. Scaffold: the glue and `rawsock-emcc` land with
 * the Emscripten milestone. Runtime detection, which the glue uses at start
 * to pick a provider, is here already.
 */

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
