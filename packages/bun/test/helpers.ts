/** The shared provider-test helpers, bound to the BunProvider. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { providerHelpers } from '../../core/test-support/provider-helpers.js';
import { createBunProvider } from '../src/index.js';

export * from '../../core/test-support/provider-helpers.js';

export const provider = createBunProvider();
export const { listen, connect, connectErrno, pair, ipv6Available } = providerHelpers(provider);

/** A fresh temporary directory; `cleanup` removes it. */
export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rawsock-bun-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
