/**
 * rawsock's policy only narrows what Deno's permissions allow, never widens
 * them: the test task grants --allow-net to loopback 127.0.0.1 (and a few
 * names), so a guest under rawsock's allow-all policy still cannot reach
 * 127.0.0.2 or an ungranted unix path (Deno refuses, the guest sees
 * EACCES), and a rawsock deny holds for addresses Deno would allow.
 */
import { RawSockets, type PolicyDenial } from '@rawsock/core';
import { DenoProvider } from '../src/index.ts';
import { assert, assertEquals } from './helpers.ts';

function test(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

/** A TCP listener on 127.0.0.1 (granted) for the guest to try. */
function listener(): Deno.Listener & { port: number } {
  const l = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  return Object.assign(l, { port: (l.addr as Deno.NetAddr).port });
}

test('policy allow-all cannot widen --allow-net: 127.0.0.2 and ungranted unix paths stay EACCES', async () => {
  let denied: PolicyDenial[] = [];
  const hostErrors: string[] = [];
  const net = new RawSockets({ provider: new DenoProvider({ onHostError: (m) => hostErrors.push(m) }), policy: 'allow-all', audit: (d) => denied.push(d) });
  try {
    const fd = net.socket('ipv4', 'stream', { nonBlocking: true }).value!;
    const r = await net.connectAsync(fd, { family: 'ipv4', address: '127.0.0.2', port: 7 }, 5000);
    assertEquals(r.ok ? 'success' : r.code, 'EACCES', 'connect 127.0.0.2 (not in --allow-net)');
    assertEquals(denied.length, 0, 'rawsock allowed it: Deno refused');
    assert(hostErrors.some((m) => /NotCapable|PermissionDenied/.test(m) && m.includes('127.0.0.2')), `Deno named the missing permission: ${hostErrors.join(' | ')}`);
    const b = net.socket('ipv4', 'stream').value!;
    const bound = net.bind(b, { family: 'ipv4', address: '127.0.0.3', port: 0 });
    assertEquals(bound.ok ? 'success' : bound.code, 'EACCES', 'bind 127.0.0.3 (not in --allow-net)');
    const u = net.socket('unix', 'stream', { nonBlocking: true }).value!;
    const ur = await net.connectAsync(u, { family: 'unix', path: '/tmp/rawsock-deno-test/not-granted.sock' }, 5000);
    assertEquals(ur.ok ? 'success' : ur.code, 'EACCES', 'unix path not in --allow-net');
  } finally {
    net.closeAll();
    denied = [];
  }
});

test('policy narrows --allow-net: a granted address denied by rawsock is EACCES before Deno is asked', async () => {
  const l = listener();
  const denied: PolicyDenial[] = [];
  const hostErrors: string[] = [];
  const net = new RawSockets({
    provider: new DenoProvider({ onHostError: (m) => hostErrors.push(m) }),
    policy: { default: 'allow', rules: [{ action: 'deny', cidr: '127.0.0.0/8', ports: l.port }] },
    audit: (d) => denied.push(d),
  });
  try {
    const fd = net.socket('ipv4', 'stream').value!;
    const r = net.connect(fd, { family: 'ipv4', address: '127.0.0.1', port: l.port });
    assertEquals(r.ok ? 'success' : r.code, 'EACCES', 'rawsock denies a Deno-granted address');
    assertEquals(denied.length, 1, 'audited');
    assertEquals(hostErrors.length, 0, 'Deno was never asked');
    // The same address on another (granted) port is reachable: the policy, not Deno, refused.
    const other = listener();
    try {
      const ok = net.socket('ipv4', 'stream', { nonBlocking: true }).value!;
      const c = await net.connectAsync(ok, { family: 'ipv4', address: '127.0.0.1', port: other.port }, 5000);
      assertEquals(c.ok ? 'success' : c.code, 'success', 'granted and allowed');
    } finally {
      other.close();
    }
  } finally {
    net.closeAll();
    l.close();
  }
});
