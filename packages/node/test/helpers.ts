/** The shared provider-test helpers, bound to the NodeProvider. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeProvider } from '@rawsock/node';
import { providerHelpers } from '../../core/test-support/provider-helpers.js';

export * from '../../core/test-support/provider-helpers.js';

export const provider = createNodeProvider();
export const { listen, connect, connectErrno, pair, ipv6Available } = providerHelpers(provider);

/** A unix path in a fresh temporary directory; `cleanup` removes the directory. */
export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rawsock-node-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
