/** Network policy: rules, presets, normalisation and every bypass we know of. */
import { describe, expect, it } from 'vitest';
import { RawSockets } from '../src/api.js';
import { MemoryNetwork, MemoryProvider } from '../src/memory/index.js';
import { NetworkPolicy, parseCidr, parseInetAton, parsePolicy, type PolicyDenial, type PolicySpec } from '../src/policy/index.js';
import type { SocketAddress } from '../src/address.js';

const v4 = (address: string, port = 80): SocketAddress => ({ family: 'ipv4', address, port });
const v6 = (address: string, port = 80): SocketAddress => ({ family: 'ipv6', address, port });
const allowed = (p: NetworkPolicy, op: Parameters<NetworkPolicy['evaluate']>[0], a: SocketAddress) => p.evaluate(op, a).allowed;

describe('address normalisation', () => {
  it('reads inet_aton forms', () => {
    expect([...parseInetAton('2130706433')!]).toEqual([127, 0, 0, 1]);
    expect([...parseInetAton('0x7f.1')!]).toEqual([127, 0, 0, 1]);
    expect([...parseInetAton('0177.0.0.01')!]).toEqual([127, 0, 0, 1]);
    expect([...parseInetAton('127.1')!]).toEqual([127, 0, 0, 1]);
    expect([...parseInetAton('10.0.258')!]).toEqual([10, 0, 1, 2]);
    expect(parseInetAton('256.0.0.1')).toBeUndefined();
    expect(parseInetAton('08.0.0.1')).toBeUndefined();
    expect(parseInetAton('4294967296')).toBeUndefined();
  });

  it('parses CIDR blocks, mapped blocks fold to IPv4', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ v: 4, prefix: 8 });
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ v: 4, prefix: 8 });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('nonsense')).toBeUndefined();
  });
});

describe('rules', () => {
  const loopbackOnly = new NetworkPolicy(parsePolicy('loopback-only'));

  it('loopback-only: loopback in, everything else out, whatever the spelling', () => {
    expect(allowed(loopbackOnly, 'connect', v4('127.0.0.1'))).toBe(true);
    expect(allowed(loopbackOnly, 'connect', v4('127.8.9.10'))).toBe(true);
    expect(allowed(loopbackOnly, 'connect', v6('::1'))).toBe(true);
    expect(allowed(loopbackOnly, 'connect', v4('10.0.0.1'))).toBe(false);
    expect(allowed(loopbackOnly, 'connect', v4('8.8.8.8'))).toBe(false);
    // Bypass attempts: mapped IPv6, numeric spellings, the wildcard.
    expect(allowed(loopbackOnly, 'connect', v6('::ffff:10.0.0.1'))).toBe(false);
    expect(allowed(loopbackOnly, 'connect', v6('::ffff:127.0.0.1'))).toBe(true);
    expect(allowed(loopbackOnly, 'connect', v4('167772161'))).toBe(false); // 10.0.0.1
    expect(allowed(loopbackOnly, 'connect', v4('0x0a000001'))).toBe(false);
    expect(allowed(loopbackOnly, 'connect', v4('0.0.0.0'))).toBe(true); // reaches this host
    expect(allowed(loopbackOnly, 'bind', v4('0.0.0.0'))).toBe(false); // would listen on every interface
    expect(allowed(loopbackOnly, 'bind', v6('::'))).toBe(false);
    expect(allowed(loopbackOnly, 'connect', { family: 'unix', path: '/tmp/x' })).toBe(true);
  });

  it('deny-private blocks RFC 1918, link-local, CGNAT, ULA and metadata addresses', () => {
    const p = new NetworkPolicy(parsePolicy('deny-private'));
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.1.2.3']) {
      expect(allowed(p, 'connect', v4(a)), a).toBe(false);
    }
    for (const a of ['fd00:ec2::254', 'fc00::1', 'fe80::1', '::ffff:192.168.0.1']) expect(allowed(p, 'connect', v6(a)), a).toBe(false);
    expect(allowed(p, 'connect', v4('172.32.0.1'))).toBe(true);
    expect(allowed(p, 'connect', v4('93.184.216.34'))).toBe(true);
  });

  it('combined presets keep every denial: loopback-only,no-listen', () => {
    const p = new NetworkPolicy(parsePolicy('loopback-only, no-listen'));
    expect(allowed(p, 'connect', v4('127.0.0.1'))).toBe(true);
    expect(allowed(p, 'listen', v4('127.0.0.1'))).toBe(false);
    expect(allowed(p, 'connect', v4('10.0.0.1'))).toBe(false);
  });

  it('first match wins; ports and unix prefixes', () => {
    const p = new NetworkPolicy({
      default: 'deny',
      rules: [
        { action: 'deny', cidr: '127.0.0.1', ports: 22 },
        { action: 'allow', cidr: '127.0.0.0/8', ports: [1000, 2000] },
        { action: 'allow', ops: ['bind', 'listen'], unixPrefix: '/tmp/app/' },
        { action: 'allow', ops: ['connect'], unixPrefix: '@svc' },
      ],
    });
    expect(allowed(p, 'connect', v4('127.0.0.1', 22))).toBe(false);
    expect(allowed(p, 'connect', v4('127.0.0.1', 1500))).toBe(true);
    expect(allowed(p, 'connect', v4('127.0.0.1', 2001))).toBe(false);
    expect(allowed(p, 'bind', { family: 'unix', path: '/tmp/app/s' })).toBe(true);
    expect(allowed(p, 'connect', { family: 'unix', path: '/tmp/app/s' })).toBe(false);
    expect(allowed(p, 'connect', { family: 'unix', path: '\0svc-1' })).toBe(true);
  });

  it('rejects malformed policies with a message', () => {
    expect(() => parsePolicy('loopback-only,nope')).toThrow(/unknown policy preset "nope"/);
    expect(() => parsePolicy('{not json')).toThrow(/inline policy/);
    expect(() => new NetworkPolicy({ rules: [{ action: 'allow', cidr: '1.2.3.4/99' }] })).toThrow(/bad CIDR/);
    expect(() => new NetworkPolicy({ rules: [{ action: 'allow', ports: [10, 5] }] })).toThrow(/bad port range/);
    expect(() => parsePolicy('/etc/policy.json')).toThrow(/cannot read files/);
    expect(parsePolicy('/p.json', () => '{"default":"deny"}')).toEqual({ default: 'deny' });
  });
});

describe('enforcement through the socket API', () => {
  function setup(policy: PolicySpec | string, network = new MemoryNetwork()) {
    const denials: PolicyDenial[] = [];
    const guest = new RawSockets({ provider: new MemoryProvider({ network }), policy, audit: (d) => denials.push(d) });
    const host = new RawSockets({ provider: new MemoryProvider({ network }) });
    return { guest, host, denials, network };
  }

  it('denied connect fails at once with EACCES and is audited', async () => {
    const { guest, denials } = setup('deny-private');
    const fd = guest.socket('ipv4', 'stream').value!;
    expect(guest.connect(fd, v4('10.0.0.1', 5432))).toMatchObject({ ok: false, code: 'EACCES' });
    expect(denials).toEqual([{ op: 'connect', address: v4('10.0.0.1', 5432), rule: 0 }]);
    guest.closeAll();
  });

  it('denyWith ECONNREFUSED looks like a closed port', () => {
    const { guest } = setup({ default: 'deny', denyWith: 'ECONNREFUSED' });
    const fd = guest.socket('ipv4', 'stream').value!;
    expect(guest.connect(fd, v4('127.0.0.1', 1))).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
    guest.closeAll();
  });

  it('no-listen stops servers, loopback-only stops wildcard binds and autobinding listeners', () => {
    const { guest } = setup('loopback-only,no-listen');
    const a = guest.socket('ipv4', 'stream').value!;
    expect(guest.bind(a, v4('127.0.0.1', 0)).ok).toBe(true);
    expect(guest.listen(a, 4)).toMatchObject({ ok: false, code: 'EACCES' });
    const b = guest.socket('ipv4', 'stream').value!;
    expect(guest.bind(b, v4('0.0.0.0', 0))).toMatchObject({ ok: false, code: 'EACCES' });
    const c = guest.socket('ipv4', 'stream').value!;
    expect(guest.listen(c, 4)).toMatchObject({ ok: false, code: 'EACCES' });
    guest.closeAll();
  });

  it('accept-from: a denied peer is reset, never reaches accept()', async () => {
    const { guest, host, denials } = setup({ default: 'allow', rules: [{ action: 'deny', ops: ['accept'], cidr: '127.0.0.2' }] });
    const l = guest.socket('ipv4', 'stream').value!;
    guest.bind(l, v4('0.0.0.0', 0));
    guest.listen(l, 4);
    const port = (guest.getsockname(l).value as { port: number }).port;
    const bad = host.socket('ipv4', 'stream').value!;
    host.bind(bad, v4('127.0.0.2', 0));
    expect((await host.connectAsync(bad, v4('127.0.0.1', port), 2000)).ok).toBe(true);
    expect((await host.recvAsync(bad, 10, 2000))).toMatchObject({ ok: false, code: 'ECONNRESET' });
    expect(guest.accept(l)).toMatchObject({ ok: false, code: 'EAGAIN' });
    expect(denials.map((d) => d.op)).toEqual(['accept']);
    const good = host.socket('ipv4', 'stream').value!;
    expect((await host.connectAsync(good, v4('127.0.0.1', port), 2000)).ok).toBe(true);
    expect((await guest.acceptAsync(l, 2000)).ok).toBe(true);
    guest.closeAll();
    host.closeAll();
  });

  it('UDP: sendto to a denied address fails; datagrams from denied senders are dropped', async () => {
    const { guest, host } = setup({ default: 'allow', rules: [{ action: 'deny', ops: ['sendto', 'accept'], cidr: '127.0.0.3' }] });
    const g = guest.socket('ipv4', 'dgram').value!;
    guest.bind(g, v4('0.0.0.0', 0));
    const port = (guest.getsockname(g).value as { port: number }).port;
    expect(guest.sendto(g, new Uint8Array(1), v4('127.0.0.3', 9))).toMatchObject({ ok: false, code: 'EACCES' });
    const denied = host.socket('ipv4', 'dgram').value!;
    host.bind(denied, v4('127.0.0.3', 0));
    host.sendto(denied, new Uint8Array([1]), v4('127.0.0.1', port));
    const ok = host.socket('ipv4', 'dgram').value!;
    host.sendto(ok, new Uint8Array([2]), v4('127.0.0.1', port));
    const got = await guest.recvfromAsync(g, 10, 2000);
    expect([...got.value!.data]).toEqual([2]);
    await new Promise((r) => setTimeout(r, 20));
    expect(guest.recv(g, 10)).toMatchObject({ ok: false, code: 'EAGAIN' });
    guest.closeAll();
    host.closeAll();
  });

  it('host rules pin the first resolution: DNS rebinding cannot redirect a checked name', async () => {
    const network = new MemoryNetwork();
    network.addHost('db.test.', ['127.0.0.5']);
    const { guest } = setup({ default: 'deny', rules: [{ action: 'allow', host: 'DB.test', ports: 5432 }] }, network);
    const first = await guest.lookup('db.test');
    expect(first.value).toEqual([{ family: 'ipv4', address: '127.0.0.5' }]);
    network.addHost('db.test', ['127.0.0.9']); // the name is re-pointed
    expect((await guest.lookup('db.test.')).value).toEqual([{ family: 'ipv4', address: '127.0.0.5' }]);
    const fd = guest.socket('ipv4', 'stream').value!;
    expect(guest.connect(fd, v4('127.0.0.9', 5432))).toMatchObject({ ok: false, code: 'EACCES' });
    expect(guest.connect(fd, v4('127.0.0.5', 5432))).toMatchObject({ ok: false, code: 'EINPROGRESS' });
    guest.closeAll();
  });
});
