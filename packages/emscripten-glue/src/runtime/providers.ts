/**
 * Each runtime's provider, loaded on first use: a require()d module stays
 * lazy in the bundle (esbuild runs its top level on the first require), so
 * a provider's load-time probes (node:net, Deno.*, Bun.*) run only when a
 * program opens a socket on that runtime — never for programs without
 * sockets. Deno's and Bun's are typed loosely: their sources need those
 * runtimes' own type definitions. Shared by the program's thread and the
 * socket worker.
 */
import type { RawSocketProvider } from '@rawsock/core';
import type * as NodeProviderModule from '@rawsock/node';
import { detectRuntime, type RuntimeName } from '../detect-runtime.js';

type ProviderClass = new () => RawSocketProvider;

const PROVIDERS: Record<RuntimeName, () => RawSocketProvider> = {
  node: () => new (require('@rawsock/node') as typeof NodeProviderModule).NodeProvider(),
  deno: () => new (require('@rawsock/deno') as { DenoProvider: ProviderClass }).DenoProvider(),
  bun: () => new (require('@rawsock/bun') as { BunProvider: ProviderClass }).BunProvider(),
};

/** The given provider, else the detected runtime's (Deno, then Bun, then Node). */
export function providerFor(given?: RawSocketProvider): RawSocketProvider {
  if (given) return given;
  const runtime = detectRuntime();
  if (runtime) return PROVIDERS[runtime]();
  throw new Error('[rawsock] cannot open sockets: no supported runtime (Node.js, Deno, Bun) was detected; pass Module.rawsock = { provider }');
}
