/** Property test: random syscall sequences against the state machine on MemoryProvider. */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { RawSockets } from '../src/api.js';
import { MemoryProvider } from '../src/memory/index.js';
import { opArb, runSequence, seedWorld } from './support/syscall-fuzz.js';

const seed = Number(process.env.RAWSOCK_FUZZ_SEED ?? 20261126);
// `npm run soak` fuzzes ten times longer.
const numRuns = process.env.RAWSOCK_SOAK === 'full' ? 3000 : 300;
const maxQueue = 256 * 1024 + 65536;

async function property(seeded: boolean, ops: Parameters<typeof runSequence>[1]) {
  const provider = new MemoryProvider();
  const net = new RawSockets({ provider });
  await runSequence(net, ops, maxQueue, seeded ? await seedWorld(net) : []);
  net.closeAll();
  await provider.network.whenIdle();
  await new Promise((r) => setTimeout(r, 1));
  const leaked = Object.entries(provider.network.stats()).filter(([k, n]) => n !== 0 && k !== 'unixPaths');
  if (leaked.length) throw new Error(`leaked after close: ${JSON.stringify(leaked)}`);
  if (net.table.size !== 0) throw new Error('fds left');
}

describe('syscall fuzzing on MemoryProvider', () => {
  it('from nothing: no exception, valid errnos, consistent readiness, bounded queues, nothing leaks', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => property(false, ops)), { numRuns, seed });
  }, 120_000);

  it('over connected sockets: the same properties', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => property(true, ops)), { numRuns, seed });
  }, 120_000);
});
