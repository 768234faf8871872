/** The blocking-mode decision (no build needed): what each request gets from each build/runtime. */
import { describe, expect, it } from 'vitest';
import { chooseBlockingMode, isBlockingRequest } from '../../src/runtime/blocking/mode.js';

const plain = { buildSuspends: false, customProvider: false };
const asyncify = { buildSuspends: true, customProvider: false };
const noSab = { ...plain, workerUnavailable: 'SharedArrayBuffer is not available' };
const threads = { ...plain, buildThreads: true };

describe('chooseBlockingMode', () => {
  it('auto: suspend when the build can, else worker, else never with a warning naming the fix', () => {
    expect(chooseBlockingMode('auto', asyncify)).toEqual({ mode: 'suspend' });
    expect(chooseBlockingMode('auto', plain)).toEqual({ mode: 'worker' });
    const fallback = chooseBlockingMode('auto', noSab);
    expect(fallback.mode).toBe('never');
    expect(fallback.warning).toMatch(/SharedArrayBuffer is not available.*link with rawsock-emcc -sASYNCIFY/);
    // A provider object given in Module.rawsock cannot move to a worker.
    expect(chooseBlockingMode('auto', { ...plain, customProvider: true }).warning).toMatch(/Module.rawsock.provider is set/);
    expect(chooseBlockingMode('auto', { ...asyncify, customProvider: true })).toEqual({ mode: 'suspend' });
  });

  it('auto: a -pthread -sPROXY_TO_PTHREAD build waits in each thread (thread), with or without SharedArrayBuffer probing', () => {
    expect(chooseBlockingMode('auto', threads)).toEqual({ mode: 'thread' });
    expect(chooseBlockingMode('auto', { ...threads, customProvider: true })).toEqual({ mode: 'thread' });
    expect(chooseBlockingMode('thread', threads)).toEqual({ mode: 'thread' });
    expect(chooseBlockingMode('worker', threads)).toEqual({ mode: 'worker' });
    expect(() => chooseBlockingMode('thread', plain)).toThrow("[rawsock] blocking mode 'thread' needs a build linked with -pthread -sPROXY_TO_PTHREAD");
    expect(() => chooseBlockingMode('suspend', threads)).toThrow('use --rawsock-blocking=thread|auto');
  });

  it('explicit modes are given or refused with a reason, never silently replaced', () => {
    expect(chooseBlockingMode('never', asyncify)).toEqual({ mode: 'never' });
    expect(chooseBlockingMode('worker', asyncify)).toEqual({ mode: 'worker' });
    expect(chooseBlockingMode('suspend', asyncify)).toEqual({ mode: 'suspend' });
    expect(() => chooseBlockingMode('suspend', plain)).toThrow("[rawsock] blocking mode 'suspend' needs a build linked with -sASYNCIFY");
    expect(() => chooseBlockingMode('worker', noSab)).toThrow("[rawsock] blocking mode 'worker' is unavailable: SharedArrayBuffer is not available");
  });

  it('knows the four names only', () => {
    expect(['auto', 'suspend', 'worker', 'thread', 'never'].every(isBlockingRequest)).toBe(true);
    expect(isBlockingRequest('sometimes')).toBe(false);
    expect(isBlockingRequest(undefined)).toBe(false);
  });
});
