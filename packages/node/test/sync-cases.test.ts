/**
 * The shared synchronous-API case list (core/conformance/sync.ts) on Node,
 * through @rawsock/node/sync (the built package: the worker loads
 * dist/sync-worker.js). Deno and Bun run the same list.
 */
import { afterAll, describe, it } from 'vitest';
import { runSyncCase, syncCases } from '../../core/conformance/sync.js';
import { createSyncSockets } from '../dist/sync.js';

const net = createSyncSockets();
afterAll(() => net.terminate());

describe('sync API cases (NodeProvider in a worker)', () => {
  for (const c of syncCases) it(c.name, () => runSyncCase(c, net), 20_000);
});
