/**
 * The network policy of an unmodified artifact: Module.rawsock.policy, else
 * the RAWSOCK_POLICY environment variable (preset names such as
 * `loopback-only,no-listen`, inline JSON, or a path to a JSON file), read
 * through each runtime's own API. It is checked when the program starts, so
 * a malformed policy stops the program with a `[rawsock]` message instead
 * of running with no policy at all.
 */
import { ErrnoError, NetworkPolicy, parsePolicy, type PolicySpec } from '@rawsock/core';

interface HostGlobals {
  Deno?: {
    env: { get(name: string): string | undefined };
    permissions?: { querySync?(d: { name: 'env'; variable: string }): { state: string } };
    readTextFileSync(path: string): string;
  };
  process?: {
    env?: Record<string, string | undefined>;
    getBuiltinModule?(name: string): unknown;
  };
}

type FsModule = { readFileSync(path: string, encoding: 'utf8'): string };

/** What the environment says, and a note when it could not be read. */
export interface EnvPolicy {
  readonly text: string | undefined;
  /** Why RAWSOCK_POLICY could not be read (Deno without --allow-env=RAWSOCK_POLICY). */
  readonly unreadable?: string;
}

/** RAWSOCK_POLICY through the runtime's API: Deno.env on Deno (needs --allow-env=RAWSOCK_POLICY), process.env elsewhere (Bun.env is the same object). */
export function readPolicyEnv(): EnvPolicy {
  const g = globalThis as HostGlobals;
  if (g.Deno) {
    const state = g.Deno.permissions?.querySync?.({ name: 'env', variable: 'RAWSOCK_POLICY' }).state;
    if (state !== undefined && state !== 'granted') {
      return { text: undefined, unreadable: 'RAWSOCK_POLICY was not read: Deno needs --allow-env=RAWSOCK_POLICY' };
    }
    return { text: g.Deno.env.get('RAWSOCK_POLICY') || undefined };
  }
  return { text: g.process?.env?.RAWSOCK_POLICY || undefined };
}

/** Reads a policy file with the runtime's own API. */
function readTextFile(path: string): string {
  const g = globalThis as HostGlobals;
  if (g.Deno) return g.Deno.readTextFileSync(path);
  const fs = (g.process?.getBuiltinModule?.('node:fs') ?? (typeof require === 'function' ? require('fs') : undefined)) as FsModule | undefined;
  if (!fs) throw new ErrnoError(22, `cannot read policy file ${path}: no file system API in this runtime`);
  return fs.readFileSync(path, 'utf8');
}

/**
 * Builds the policy from Module options or the environment. Throws an Error
 * whose message starts with `[rawsock]` and names the source and the problem.
 */
export function resolvePolicy(option: PolicySpec | string | undefined): { policy: NetworkPolicy | undefined; spec?: PolicySpec; note?: string } {
  const fromEnv = option === undefined ? readPolicyEnv() : undefined;
  const source = option !== undefined ? 'Module.rawsock.policy' : 'RAWSOCK_POLICY';
  const value = option ?? fromEnv?.text;
  if (value === undefined) return fromEnv?.unreadable ? { policy: undefined, note: fromEnv.unreadable } : { policy: undefined };
  try {
    const spec = typeof value === 'string' ? parsePolicy(value, readTextFile) : value;
    // The spec goes along for worker mode, where the socket worker builds its own.
    return { policy: new NetworkPolicy(spec), spec };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`[rawsock] ${source} is not a valid network policy, refusing to start: ${why}`);
  }
}
