/**
 * Property test: random syscall sequences through the state machine on
 * NodeProvider (real loopback sockets). Same properties as on
 * MemoryProvider, plus: every host handle is released after close.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { RawSockets } from '@rawsock/core';
import { NodeProvider } from '../src/index.js';
import { opArb, runSequence, seedWorld } from '../../core/test/support/syscall-fuzz.js';

const seed = Number(process.env.RAWSOCK_FUZZ_SEED ?? 20261126);
const socketHandles = () => process.getActiveResourcesInfo().filter((r) => /TCP|UDP|Pipe/i.test(r)).length;

describe('syscall fuzzing on NodeProvider', () => {
  it('no exception, valid errnos, consistent readiness, bounded queues, no handle leaks', async () => {
    const baseline = socketHandles();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const net = new RawSockets({ provider: new NodeProvider() });
        await runSequence(net, ops, 256 * 1024 + 65536 * 4, await seedWorld(net));
        net.closeAll();
        if (net.table.size !== 0) throw new Error('fds left');
      }),
      { numRuns: 60, seed },
    );
    // Handles close asynchronously; give them a moment, bounded.
    const deadline = Date.now() + 5000;
    while (socketHandles() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (socketHandles() > baseline) throw new Error(`${socketHandles() - baseline} socket handles leaked: ${process.getActiveResourcesInfo().join(',')}`);
  }, 120_000);
});
