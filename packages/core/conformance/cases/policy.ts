/**
 * Network policy bypass attempts, run against every provider on every
 * runtime: each case tries one way around a rule (another spelling of an
 * address, a path that climbs out of a directory, a name re-pointed after
 * it was checked, ...) and checks that the operation is refused with the
 * policy's errno, audited, and that the allowed twin of the operation
 * really works on the provider.
 */
import type { SocketAddress } from '../../src/address.js';
import { RawSockets } from '../../src/api.js';
import * as C from '../../src/constants.js';
import type { PolicyDenial, PolicySpec } from '../../src/policy/policy.js';
import type { LookupResult } from '../../src/provider.js';
import { fromUtf8 } from '../../src/host.js';
import { encodeSockaddr } from '../../src/sockaddr.js';
import { SocketSyscalls } from '../../src/syscalls.js';
import { check, equal, fails, failsRaw, loopback, portOf, readExactly, text, unwrap, type CaseContext, type ConformanceCase } from '../harness.js';

const v4 = (address: string, port: number): SocketAddress => ({ family: 'ipv4', address, port });
const v6 = (address: string, port: number): SocketAddress => ({ family: 'ipv6', address, port });

interface Guarded {
  /** The guest: a table under `spec`. */
  readonly guest: RawSockets;
  /** An unrestricted table on the same provider, for listeners and peers. */
  readonly host: RawSockets;
  /** What the audit hook heard. */
  readonly denials: PolicyDenial[];
}

/**
 * A guest table under `spec` and an unrestricted host table, both on one
 * fresh provider (so MemoryProvider's two tables share a network).
 * `lookup` replaces the provider's resolver (to stage DNS rebinding).
 */
function guarded(t: CaseContext, spec: PolicySpec | string, lookup?: (name: string) => LookupResult[], provider = t.env.createProvider()): Guarded {
  if (lookup) provider.lookup = async (name: string) => lookup(name);
  const denials: PolicyDenial[] = [];
  const guest = new RawSockets({ provider, policy: spec, audit: (d) => void denials.push(d) });
  const host = new RawSockets({ provider });
  t.defer(() => {
    guest.closeAll();
    host.closeAll();
  });
  return { guest, host, denials };
}

/** A host-side TCP listener on 127.0.0.1. */
function hostListener(host: RawSockets): { fd: number; port: number } {
  const fd = unwrap(host.socket('ipv4', 'stream'), 'host socket');
  unwrap(host.bind(fd, loopback.ipv4()), 'host bind');
  unwrap(host.listen(fd, 8), 'host listen');
  return { fd, port: portOf(host, fd) };
}

/** Connects a fresh guest socket to `to`; the Result of connectAsync. */
async function guestConnect(guest: RawSockets, to: SocketAddress) {
  const fd = unwrap(guest.socket(to.family, 'stream', { nonBlocking: true }), 'guest socket');
  return guest.connectAsync(fd, to, 5000);
}

/** Denied connects fail at once: `EACCES` here, audited as `op`. */
function deniedNow(g: Guarded, to: SocketAddress, what: string, code = 'EACCES'): void {
  const fd = unwrap(g.guest.socket(to.family, 'stream'), 'guest socket');
  const before = g.denials.length;
  fails(g.guest.connect(fd, to), code, what);
  equal(g.denials.length, before + 1, `${what}: audited`);
  unwrap(g.guest.close(fd), 'close');
}

export const policyCases: ConformanceCase[] = [
  {
    group: 'policy',
    name: 'CIDR and port range: the allowed connect works, the rest are EACCES and audited',
    async run(t) {
      const g = guarded(t, 'loopback-only');
      const gl = hostListener(g.host);
      // The port is known only once the listener is bound, so the narrow guest gets its own provider and listener.
      const provider = t.env.createProvider();
      const listenerTable = new RawSockets({ provider });
      t.defer(() => listenerTable.closeAll());
      const l = hostListener(listenerTable);
      const narrow = guarded(t, { default: 'deny', rules: [{ action: 'allow', cidr: '127.0.0.0/8', ports: [l.port, l.port] }] }, undefined, provider);
      unwrap(await guestConnect(narrow.guest, loopback.ipv4(l.port)), 'connect inside CIDR and port range');
      const other = l.port === 65535 ? l.port - 1 : l.port + 1;
      deniedNow(narrow, loopback.ipv4(other), 'port outside the range');
      deniedNow(narrow, v4('10.0.0.1', l.port), 'address outside the CIDR');
      unwrap(await guestConnect(g.guest, loopback.ipv4(gl.port)), 'loopback-only: 127.0.0.1');
      deniedNow(g, v4('192.168.1.1', 80), 'loopback-only: private address');
      deniedNow(g, v4('169.254.169.254', 80), 'loopback-only: metadata address');
      deniedNow(g, v4('8.8.8.8', 53), 'loopback-only: public address');
      equal(JSON.stringify(g.denials[0]), JSON.stringify({ op: 'connect', address: v4('192.168.1.1', 80), rule: -1 }), 'audit record');
    },
  },
  {
    group: 'policy',
    name: 'other spellings of a denied address: decimal, octal, hex, short IPv4, IPv4-mapped IPv6',
    async run(t) {
      const g = guarded(t, { default: 'allow', rules: [{ action: 'deny', ops: ['connect'], cidr: '127.0.0.0/8' }] });
      const l = hostListener(g.host);
      for (const spelling of ['127.0.0.1', '2130706433', '0x7f000001', '0177.0.0.1', '0x7f.0.0.1', '127.1', '127.0.1']) {
        const fd = unwrap(g.guest.socket('ipv4', 'stream'), 'socket');
        // inet_aton reads every one of these as 127.0.0.1: the policy must too.
        fails(g.guest.connect(fd, v4(spelling, l.port)), 'EACCES', spelling);
      }
      // Through the binary interface the C programs use, the mapped form is the IPv4 block.
      const sys = new SocketSyscalls(g.guest.table);
      const fd6 = sys.socket(C.AF_INET6, C.SOCK_STREAM, 0);
      const mapped = encodeSockaddr(v6('::ffff:127.0.0.1', l.port));
      failsRaw(sys.connect(fd6, mapped, mapped.byteLength), 'EACCES', 'sockaddr_in6 ::ffff:127.0.0.1');
      const mappedHex = encodeSockaddr(v6('::ffff:7f00:1', l.port));
      failsRaw(sys.connect(fd6, mappedHex, mappedHex.byteLength), 'EACCES', 'sockaddr_in6 ::ffff:7f00:1');
      const fd4 = sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const sin = encodeSockaddr(loopback.ipv4(l.port));
      failsRaw(sys.connect(fd4, sin, sin.byteLength), 'EACCES', 'sockaddr_in 127.0.0.1');
      check(g.denials.every((d) => d.op === 'connect' && d.rule === 0), 'every denial names rule 0');
    },
  },
  {
    group: 'policy',
    name: 'wildcards: connect to 0.0.0.0 and :: is loopback; binding them is not',
    async run(t) {
      const g = guarded(t, { default: 'allow', rules: [{ action: 'deny', ops: ['connect', 'sendto'], cidr: ['127.0.0.0/8', '::1'] }] });
      deniedNow(g, v4('0.0.0.0', 9), 'connect to 0.0.0.0');
      deniedNow(g, v6('::', 9), 'connect to ::');
      deniedNow(g, v6('::ffff:0.0.0.0', 9), 'connect to ::ffff:0.0.0.0');
      const u = unwrap(g.guest.socket('ipv4', 'dgram'), 'udp socket');
      fails(g.guest.sendto(u, text('x'), v4('0.0.0.0', 9)), 'EACCES', 'sendto 0.0.0.0');
      // loopback-only: a wildcard bind would listen on every interface.
      const lo = guarded(t, 'loopback-only');
      const b = unwrap(lo.guest.socket('ipv4', 'stream'), 'socket');
      fails(lo.guest.bind(b, v4('0.0.0.0', 0)), 'EACCES', 'bind 0.0.0.0 under loopback-only');
      unwrap(lo.guest.bind(b, loopback.ipv4()), 'bind 127.0.0.1 under loopback-only');
      equal(lo.denials[0]?.op, 'bind', 'audited op');
    },
  },
  {
    group: 'policy',
    name: 'host names: resolved once and pinned, rebinding and trailing dots do not redirect',
    async run(t) {
      let answers = 0;
      // A resolver that re-points the name after the first answer (DNS rebinding).
      const rebinding = (name: string): LookupResult[] => {
        check(name.toLowerCase().replace(/\.$/, '') === 'svc.rawsock.test', `unexpected lookup ${name}`);
        answers++;
        return [{ family: 'ipv4', address: answers === 1 ? '127.0.0.1' : '10.0.0.1' }];
      };
      const g = guarded(t, { default: 'deny', rules: [{ action: 'allow', host: 'SVC.rawsock.test.', ops: ['connect'] }] }, rebinding);
      const l = hostListener(g.host);
      const first = unwrap(await g.guest.lookup('svc.rawsock.test'), 'first lookup');
      equal(first.map((a) => a.address).join(), '127.0.0.1', 'first answer');
      const again = unwrap(await g.guest.lookup('svc.rawsock.test.'), 'second lookup (trailing dot)');
      equal(again.map((a) => a.address).join(), '127.0.0.1', 'pinned answer, not the re-pointed one');
      const upper = unwrap(await g.guest.lookup('SVC.RAWSOCK.TEST'), 'third lookup (upper case)');
      equal(upper.map((a) => a.address).join(), '127.0.0.1', 'pinned answer for another case');
      unwrap(await guestConnect(g.guest, loopback.ipv4(l.port)), 'connect to the pinned address');
      deniedNow(g, v4('10.0.0.1', l.port), 'connect to the re-pointed address');
      deniedNow(g, v4('127.0.0.2', l.port), 'connect to a neighbour of the pinned address');
      // Before any lookup a host rule allows nothing.
      const fresh = guarded(t, { default: 'deny', rules: [{ action: 'allow', host: 'svc.rawsock.test' }] }, rebinding);
      deniedNow(fresh, loopback.ipv4(l.port), 'connect before the name was resolved');
    },
  },
  {
    group: 'policy',
    name: 'unix path prefix: .., //, ./ and relative paths cannot climb out; abstract names are separate',
    requires: ['unix'],
    async run(t) {
      const allowed = t.env.unixPath('policy-ok');
      const dir = allowed.slice(0, allowed.lastIndexOf('/') + 1);
      const g = guarded(t, { default: 'deny', rules: [{ action: 'allow', unixPrefix: dir }] });
      const listener = unwrap(g.guest.socket('unix', 'stream'), 'socket');
      unwrap(g.guest.bind(listener, { family: 'unix', path: allowed }), 'bind inside the prefix');
      unwrap(g.guest.listen(listener, 4), 'listen inside the prefix');
      const c = unwrap(g.guest.socket('unix', 'stream', { nonBlocking: true }), 'socket');
      unwrap(await g.guest.connectAsync(c, { family: 'unix', path: allowed }, 5000), 'connect inside the prefix');
      const tricks = [`${dir}../etc/rawsock-denied.sock`, `${dir}./../rawsock-denied.sock`, `${dir}x/../../rawsock-denied.sock`, `${dir.slice(0, -1)}-evil/x.sock`, 'rawsock-relative.sock', `../${dir}x.sock`, '\0abstract'];
      for (const path of tricks) {
        const fd = unwrap(g.guest.socket('unix', 'stream'), 'socket');
        fails(g.guest.connect(fd, { family: 'unix', path }), 'EACCES', `connect ${JSON.stringify(path)}`);
        fails(g.guest.bind(fd, { family: 'unix', path }), 'EACCES', `bind ${JSON.stringify(path)}`);
      }
      // A deny prefix holds against the same tricks under a default of allow.
      const d = guarded(t, { default: 'allow', rules: [{ action: 'deny', unixPrefix: '/var/run/' }, { action: 'deny', unixPrefix: '@rawsock-' }] });
      for (const path of ['/var/run/docker.sock', '//var//run/docker.sock', '/var/./run/docker.sock', '/tmp/../var/run/docker.sock', '../../../../../../var/run/docker.sock', '\0rawsock-abstract']) {
        const fd = unwrap(d.guest.socket('unix', 'stream'), 'socket');
        fails(d.guest.connect(fd, { family: 'unix', path }), 'EACCES', `deny prefix: connect ${JSON.stringify(path)}`);
      }
      equal(d.denials.length, 6, 'every attempt audited');
      equal(d.denials[5]?.address.family === 'unix' ? d.denials[5].address.path : '', '\0rawsock-abstract', 'audit keeps the abstract name');
    },
  },
  {
    group: 'policy',
    name: 'UDP: sendto checks every datagram, also on a connected socket; connect to a denied peer is EACCES',
    requires: ['udp'],
    async run(t) {
      const peerOf = (g: Guarded) => {
        const fd = unwrap(g.host.socket('ipv4', 'dgram'), 'host udp');
        unwrap(g.host.bind(fd, loopback.ipv4()), 'host bind');
        return { fd, port: portOf(g.host, fd) };
      };
      // connect() is allowed everywhere, sendto only to the peer's port.
      let g = guarded(t, { default: 'allow', rules: [{ action: 'deny', ops: ['sendto'], cidr: '127.0.0.0/8' }] });
      const p = peerOf(g);
      const u = unwrap(g.guest.socket('ipv4', 'dgram'), 'guest udp');
      unwrap(g.guest.connect(u, loopback.ipv4(p.port)), 'UDP connect (allowed for connect)');
      fails(g.guest.send(u, text('x')), 'EACCES', 'send on a socket connected to a sendto-denied address');
      fails(g.guest.sendto(u, text('x'), v4('127.0.0.2', p.port)), 'EACCES', 'sendto another denied address on a connected socket');
      equal(g.denials.map((d) => d.op).join(), 'sendto,sendto', 'audited as sendto');
      // Allowed peer, denied elsewhere: sendto with an explicit address on a connected socket is checked too.
      g = guarded(t, { default: 'deny', rules: [{ action: 'allow', cidr: '127.0.0.1' }] });
      const q = peerOf(g);
      const w = unwrap(g.guest.socket('ipv4', 'dgram'), 'guest udp');
      unwrap(g.guest.connect(w, loopback.ipv4(q.port)), 'UDP connect to the allowed peer');
      equal(unwrap(g.guest.send(w, text('ok')), 'send to the allowed peer'), 2, 'bytes sent');
      const got = unwrap(await g.host.recvfromAsync(q.fd, 16, 5000), 'peer receives');
      equal(fromUtf8(got.data), 'ok', 'datagram');
      fails(g.guest.sendto(w, text('no'), v4('10.1.2.3', 53)), 'EACCES', 'sendto a denied address on a connected socket');
      const other = unwrap(g.guest.socket('ipv4', 'dgram'), 'guest udp');
      fails(g.guest.connect(other, v4('10.1.2.3', 53)), 'EACCES', 'UDP connect to a denied address');
    },
  },
  {
    group: 'policy',
    name: 'listen and accept-from: no-listen refuses servers; a denied peer never reaches accept()',
    async run(t) {
      const nl = guarded(t, 'no-listen');
      const s = unwrap(nl.guest.socket('ipv4', 'stream'), 'socket');
      unwrap(nl.guest.bind(s, loopback.ipv4()), 'bind is still allowed');
      fails(nl.guest.listen(s, 4), 'EACCES', 'listen under no-listen');
      equal(nl.denials[0]?.op, 'listen', 'audited as listen');
      // accept-from: loopback peers are denied, so the connection is dropped before accept().
      const g = guarded(t, { default: 'allow', rules: [{ action: 'deny', ops: ['accept'], cidr: '127.0.0.0/8' }] });
      const l = unwrap(g.guest.socket('ipv4', 'stream', { nonBlocking: true }), 'socket');
      unwrap(g.guest.bind(l, loopback.ipv4()), 'bind');
      unwrap(g.guest.listen(l, 4), 'listen');
      const port = portOf(g.guest, l);
      const c = unwrap(g.host.socket('ipv4', 'stream', { nonBlocking: true }), 'peer socket');
      await g.host.connectAsync(c, loopback.ipv4(port), 5000); // may succeed (kernel handshake) or be reset
      // acceptAsync gives accept()'s EAGAIN when nothing arrived in time.
      fails(await g.guest.acceptAsync(l, 300), 'EAGAIN', 'accept sees no denied peer');
      check(g.denials.some((d) => d.op === 'accept' && d.address.family === 'ipv4' && d.address.address === '127.0.0.1'), 'accept denial audited with the peer address');
    },
  },
  {
    group: 'policy',
    name: 'denyWith ECONNREFUSED: a denied connect looks like a closed port; allowed traffic still flows',
    async run(t) {
      const g = guarded(t, { default: 'deny', denyWith: 'ECONNREFUSED', rules: [{ action: 'allow', cidr: '127.0.0.1' }] });
      const l = hostListener(g.host);
      deniedNow(g, v4('127.0.0.2', l.port), 'denied with ECONNREFUSED', 'ECONNREFUSED');
      const fd = unwrap(g.guest.socket('ipv4', 'stream', { nonBlocking: true }), 'socket');
      unwrap(await g.guest.connectAsync(fd, loopback.ipv4(l.port), 5000), 'allowed connect');
      const server = unwrap(await g.host.acceptAsync(l.fd, 5000), 'host accepts').fd;
      unwrap(await g.guest.sendAllAsync(fd, text('through'), 5000), 'send');
      equal(fromUtf8(await readExactly(g.host, server, 7)), 'through', 'bytes arrive');
    },
  },
];
