/**
 * @rawsock/deno/sync: the shared synchronous-API case list
 * (core/conformance/sync.ts) through a DenoProvider in a worker, from the
 * sources (the worker runs src/sync-worker.ts), with the test task's
 * permissions — the worker inherits them.
 */
import { runSyncCase, syncCases } from '@rawsock/core/conformance';
import { createSyncSockets } from '../src/sync.ts';

const net = createSyncSockets();

for (const c of syncCases) {
  Deno.test({ name: `sync API: ${c.name}`, sanitizeResources: false, sanitizeOps: false }, () => runSyncCase(c, net));
}

Deno.test({ name: 'sync API: terminate stops the worker', sanitizeResources: false, sanitizeOps: false }, async () => {
  await net.terminate();
});
