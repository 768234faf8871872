/**
 * The serving side keeps its event loop turning after an answer unless told
 * not to (`keepLoopWarm: false`, Deno's workers: there the turns delay the
 * next request). The turns are setImmediate calls, counted here.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockingSyscalls } from '../src/blocking.js';
import { createBridgeMemory } from '../src/bridge/protocol.js';
import { MemoryProvider } from '../src/memory/index.js';
import { SocketSyscalls } from '../src/syscalls.js';
import { SocketTable } from '../src/table.js';

afterEach(() => vi.restoreAllMocks());

/** answerBridgeRequest from a fresh module graph whose host captured a counting setImmediate. */
async function serverWithCountedTurns() {
  vi.resetModules();
  const turns = vi.spyOn(globalThis, 'setImmediate');
  const { answerBridgeRequest } = await import('../src/bridge/server.js');
  return { answerBridgeRequest, turns };
}

describe('bridge server: warm event loop', () => {
  const blocking = () => new BlockingSyscalls(new SocketSyscalls(new SocketTable({ provider: new MemoryProvider() })));

  it('turns the loop after an answer by default', async () => {
    const { answerBridgeRequest, turns } = await serverWithCountedTurns();
    await answerBridgeRequest(createBridgeMemory(64), blocking(), { op: 'close', args: [99] });
    expect(turns).toHaveBeenCalled();
  });

  it('does not with keepLoopWarm: false', async () => {
    const { answerBridgeRequest, turns } = await serverWithCountedTurns();
    await answerBridgeRequest(createBridgeMemory(64), blocking(), { op: 'close', args: [99] }, undefined, { keepLoopWarm: false });
    expect(turns).not.toHaveBeenCalled();
  });
});
