import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { E, ErrnoError } from '@rawsock/core';
import { NodeProvider, createNodeProvider } from '@rawsock/node';
import { thrown } from './helpers.js';

describe('NodeProvider', () => {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  afterEach(() => {
    delete g.Deno;
    delete g.Bun;
  });

  it('describes itself and what this Node can do', () => {
    const p = createNodeProvider();
    expect(p).toBeInstanceOf(NodeProvider);
    expect(p.name).toBe('node');
    expect(p.capabilities).toMatchObject({
      tcp: true,
      udp: true,
      unix: true,
      unixAbstract: process.platform === 'linux',
      ipv6: true,
      syncStreamBind: true,
      connectFromBound: true,
      syncDatagramBind: true,
      multicast: true,
      dns: true,
    });
    // SO_REUSEPORT only where Node passes it through (net.BoundSocket + dgram.bindSync).
    const modern =
      typeof (net as { BoundSocket?: unknown }).BoundSocket === 'function' &&
      typeof (dgram.Socket.prototype as { bindSync?: unknown }).bindSync === 'function';
    expect(p.capabilities.reusePort).toBe(modern);
  });

  it('refuses to run on Deno or Bun, which fake process.versions.node', () => {
    g.Deno = {};
    expect(() => createNodeProvider()).toThrow(/@rawsock\/deno/);
    delete g.Deno;
    g.Bun = {};
    expect(() => new NodeProvider()).toThrow(/runs on Node.js only/);
  });

  it('throws EAFNOSUPPORT for unknown domains', () => {
    const p = createNodeProvider();
    const err = thrown(() => p.createStream('ipx' as 'ipv4'));
    expect(err).toBeInstanceOf(ErrnoError);
    expect(err.errno).toBe(E.EAFNOSUPPORT);
    expect(thrown(() => p.createDatagram('unix' as 'ipv4')).errno).toBe(E.EAFNOSUPPORT);
  });
});
