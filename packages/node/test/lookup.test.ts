import { describe, expect, it } from 'vitest';
import { E, ErrnoError } from '@rawsock/core';
import { provider } from './helpers.js';

describe('lookup', () => {
  it('resolves localhost through the system resolver', async () => {
    const all = await provider.lookup('localhost', 'any');
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) expect(['127.0.0.1', '::1']).toContain(r.address);
    const v4 = await provider.lookup('localhost', 'ipv4');
    expect(v4).toContainEqual({ family: 'ipv4', address: '127.0.0.1' });
    expect(v4.every((r) => r.family === 'ipv4')).toBe(true);
  });

  it('passes numeric addresses through', async () => {
    expect(await provider.lookup('::1', 'any')).toEqual([{ family: 'ipv6', address: '::1' }]);
    expect(await provider.lookup('192.0.2.7', 'ipv4')).toEqual([{ family: 'ipv4', address: '192.0.2.7' }]);
  });

  it('rejects an unknown name with ENOENT', async (ctx) => {
    const err = await provider.lookup('no-such-host.invalid', 'any').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ErrnoError);
    // Without a reachable resolver getaddrinfo says EAI_AGAIN instead of "no such name".
    if ((err as ErrnoError).errno === E.EAGAIN) ctx.skip('no DNS resolver reachable (EAI_AGAIN)');
    expect((err as ErrnoError).errno).toBe(E.ENOENT);
  });
});
