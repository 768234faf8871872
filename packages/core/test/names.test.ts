import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_INET6,
  AI_ADDRCONFIG,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  BUILTIN_SERVICES,
  EAI_ADDRFAMILY,
  EAI_BADFLAGS,
  EAI_FAMILY,
  EAI_NONAME,
  EAI_SERVICE,
  EAI_SOCKTYPE,
  E,
  ErrnoError,
  HOST_NOT_FOUND,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NUMERICHOST,
  NameResolver,
  inetAton,
  parseHosts,
  parseServices,
  resolveConnectTarget,
  syncLookupFromBridge,
  type AddrinfoAnswer,
  type NameSources,
} from '../src/index.js';

const HOSTS = `# comment
127.0.0.1 localhost
::1 ip6-localhost ip6-loopback
10.9.8.7 db.example.test db  # trailing comment
fd00::7 db.example.test
not-an-address bogus
127.1 short-form-not-allowed
`;

function resolver(extra: Partial<NameSources> = {}): NameResolver {
  const hosts = parseHosts(HOSTS);
  return new NameResolver({ hosts: () => hosts, services: () => BUILTIN_SERVICES, ...extra });
}

const hints = (flags = 0, family = 0, socktype = 0, protocol = 0) => ({ flags, family, socktype, protocol });
const list = (a: AddrinfoAnswer) => (a.results ?? []).map((r) => `${r.address}/${r.port}/${r.socktype}/${r.protocol}`);

describe('numeric hosts', () => {
  it('reads every inet_aton form', () => {
    expect(Array.from(inetAton('127.1') ?? [])).toEqual([127, 0, 0, 1]);
    expect(Array.from(inetAton('0x7f.0.0.01') ?? [])).toEqual([127, 0, 0, 1]);
    expect(Array.from(inetAton('2130706433') ?? [])).toEqual([127, 0, 0, 1]);
    expect(inetAton('1.2.3.4.5')).toBeUndefined();
    expect(inetAton('256.1.1.1')).toBeUndefined();
    expect(inetAton('08.1.1.1')).toBeUndefined();
  });
  it('never consults the resolver', () => {
    const r = resolver();
    r.setSyncLookup(() => {
      throw new Error('looked up a numeric host');
    });
    expect(list(r.getaddrinfo('127.1', '7', hints(0, 0, 2)))).toEqual(['127.0.0.1/7/2/17']);
    expect(list(r.getaddrinfo('fe80::1%3', null, hints(0, 0, 1)))).toEqual(['fe80::1/0/1/6']);
    expect(r.getaddrinfo('fe80::1%3', null, hints(0, 0, 1)).results?.[0]?.scopeId).toBe(3);
  });
});

describe('getaddrinfo policy (glibc answers)', () => {
  const r = resolver();
  it('validates flags, family and socket type first', () => {
    expect(r.getaddrinfo(null, '80', hints(0x10000)).error).toBe(EAI_BADFLAGS);
    expect(r.getaddrinfo(null, '80', hints(AI_CANONNAME)).error).toBe(EAI_BADFLAGS);
    expect(r.getaddrinfo(null, '80', hints(0, 1)).error).toBe(EAI_FAMILY);
    expect(r.getaddrinfo(null, '80', hints(0, 0, 99)).error).toBe(EAI_SOCKTYPE);
    expect(r.getaddrinfo(null, null, hints()).error).toBe(EAI_NONAME);
  });
  it('services: numbers, names, EAI_SERVICE and AI_NUMERICSERV', () => {
    expect(list(r.getaddrinfo(null, 'domain', hints()))).toEqual(['::1/53/1/6', '::1/53/2/17', '127.0.0.1/53/1/6', '127.0.0.1/53/2/17']);
    expect(r.getaddrinfo(null, 'nosuchservice', hints()).error).toBe(EAI_SERVICE);
    expect(r.getaddrinfo(null, 'http', hints(AI_NUMERICSERV)).error).toBe(EAI_NONAME);
    expect(r.getaddrinfo(null, '80', hints(0, 0, 3)).error).toBe(EAI_SERVICE);
    expect(list(r.getaddrinfo(null, '80', hints(0, 0, 0)))).toHaveLength(6);
  });
  it('no node: loopback, or the wildcard with AI_PASSIVE', () => {
    expect(list(r.getaddrinfo(null, '80', hints(0, 0, 1)))).toEqual(['::1/80/1/6', '127.0.0.1/80/1/6']);
    expect(list(r.getaddrinfo(null, '80', hints(AI_PASSIVE, 0, 1)))).toEqual(['0.0.0.0/80/1/6', '::/80/1/6']);
    expect(list(r.getaddrinfo(null, '80', hints(AI_PASSIVE, AF_INET6, 1)))).toEqual(['::/80/1/6']);
  });
  it('numeric hosts of the wrong family: EAI_ADDRFAMILY, or mapped with AI_V4MAPPED', () => {
    expect(r.getaddrinfo('::1', '7', hints(AI_NUMERICHOST, AF_INET)).error).toBe(EAI_ADDRFAMILY);
    expect(r.getaddrinfo('127.0.0.1', '7', hints(0, AF_INET6)).error).toBe(EAI_ADDRFAMILY);
    expect(list(r.getaddrinfo('127.0.0.1', '7', hints(AI_V4MAPPED, AF_INET6, 1)))).toEqual(['::ffff:127.0.0.1/7/1/6']);
    expect(r.getaddrinfo('db', null, hints(AI_NUMERICHOST)).error).toBe(EAI_NONAME);
  });
  it('/etc/hosts: names, aliases, case, families, canonical name', () => {
    const a = r.getaddrinfo('DB.Example.Test', null, hints(AI_CANONNAME, 0, 1));
    expect(list(a)).toEqual(['10.9.8.7/0/1/6', 'fd00::7/0/1/6']);
    expect(a.error === 0 && a.canonname).toBe('db.example.test');
    expect(list(r.getaddrinfo('db.example.test', null, hints(0, AF_INET6, 1)))).toEqual(['fd00::7/0/1/6']);
    expect(r.getaddrinfo('bogus', null, hints()).results?.[0]?.address).toMatch(/^172\.29\./);
    const lo = r.getaddrinfo('localhost', null, hints(AI_CANONNAME, AF_INET, 1));
    expect(lo.error === 0 && lo.canonname).toBe('localhost');
  });
  it('localhost only in /etc/hosts for IPv4: AF_INET6 is EAI_NONAME; AI_V4MAPPED maps it', () => {
    expect(r.getaddrinfo('localhost', null, hints(0, AF_INET6)).error).toBe(EAI_NONAME);
    expect(list(r.getaddrinfo('localhost', null, hints(AI_V4MAPPED, AF_INET6, 1)))).toEqual(['::ffff:127.0.0.1/0/1/6']);
  });
  it('AI_ADDRCONFIG drops families the host has no address of', () => {
    const v4only = resolver({ configuredFamilies: () => ({ ipv4: true, ipv6: false }) });
    expect(list(v4only.getaddrinfo('db', null, hints(AI_ADDRCONFIG, 0, 1)))).toEqual(['10.9.8.7/0/1/6']);
    expect(v4only.getaddrinfo('fd00::7', null, hints(AI_ADDRCONFIG)).error).toBe(EAI_NONAME);
    expect(list(v4only.getaddrinfo('fd00::7', null, hints(0, 0, 1)))).toEqual(['fd00::7/0/1/6']);
  });
  it('names that cannot exist are EAI_NONAME; others wait for DNS behind a placeholder', () => {
    expect(r.getaddrinfo('', null, hints()).error).toBe(EAI_NONAME);
    expect(r.getaddrinfo('a'.repeat(64) + '.test', null, hints()).error).toBe(EAI_NONAME);
    const p = r.getaddrinfo('svc.example.test', '80', hints(0, 0, 1));
    const address = p.results?.[0]?.address ?? '';
    expect(address).toMatch(/^172\.29\./);
    expect(r.placeholders.nameOf(address)).toBe('svc.example.test');
    expect(list(r.getaddrinfo('svc.example.test', '80', hints(0, AF_INET6, 1)))).toEqual([`::ffff:${address}/80/1/6`]);
  });
  it('with a blocking lookup, names get real answers and real errors', () => {
    const b = resolver();
    b.setSyncLookup((name) => {
      if (name === 'svc.example.test') return [{ family: 'ipv4', address: '192.0.2.10' }];
      throw new ErrnoError(E.ENOENT, name);
    });
    expect(list(b.getaddrinfo('svc.example.test', '80', hints(0, 0, 1)))).toEqual(['192.0.2.10/80/1/6']);
    expect(b.getaddrinfo('nx.example.test', '80', hints()).error).toBe(EAI_NONAME);
  });
});

describe('getnameinfo, gethostbyname, gethostbyaddr', () => {
  const r = resolver();
  it('names from /etc/hosts, numbers otherwise; services by protocol', () => {
    expect(r.getnameinfo({ family: 'ipv4', address: '10.9.8.7', port: 80, scopeId: 0 }, 0)).toEqual({ error: 0, host: 'db.example.test', service: 'http' });
    expect(r.getnameinfo({ family: 'ipv4', address: '10.0.0.1', port: 53, scopeId: 0 }, NI_DGRAM)).toEqual({ error: 0, host: '10.0.0.1', service: 'domain' });
    expect(r.getnameinfo({ family: 'ipv4', address: '10.0.0.1', port: 80, scopeId: 0 }, NI_NAMEREQD).error).toBe(EAI_NONAME);
    expect(r.getnameinfo({ family: 'ipv4', address: '127.0.0.1', port: 12345, scopeId: 0 }, NI_NUMERICHOST)).toEqual({ error: 0, host: '127.0.0.1', service: '12345' });
  });
  it('hostent answers', () => {
    expect(r.gethostbyname('db', 'ipv4')).toEqual({ hErrno: 0, name: 'db.example.test', aliases: ['db'], family: 'ipv4', addresses: ['10.9.8.7'] });
    expect(r.gethostbyname('10.1.2.3', 'ipv4')).toMatchObject({ hErrno: 0, name: '10.1.2.3', addresses: ['10.1.2.3'] });
    expect(r.gethostbyaddr('ipv4', '10.0.0.1')).toEqual({ hErrno: HOST_NOT_FOUND });
    expect(r.gethostbyaddr('ipv4', '127.0.0.1')).toMatchObject({ hErrno: 0, name: 'localhost' });
  });
  it('services files parse', () => {
    const t = parseServices('ssh 22/tcp # SSH\nfoo 9999/udp bar\nweird 1/ddp');
    expect(t.port('bar', 'udp')).toBe(9999);
    expect(t.name(22, 'tcp')).toBe('ssh');
    expect(t.entries).toHaveLength(2);
  });
});

describe('resolveConnectTarget', () => {
  const lookup = async (name: string) => {
    if (name === 'dual.test') return [{ family: 'ipv4' as const, address: '192.0.2.1' }, { family: 'ipv6' as const, address: '2001:db8::1' }];
    if (name === 'v4.test') return [{ family: 'ipv4' as const, address: '192.0.2.2' }];
    throw new ErrnoError(E.ENOENT, name);
  };
  it('picks an address of the socket family (mapped IPv4 for IPv6 sockets)', async () => {
    await expect(resolveConnectTarget(lookup, 'dual.test', 80, 'ipv4')).resolves.toEqual({ family: 'ipv4', address: '192.0.2.1', port: 80 });
    await expect(resolveConnectTarget(lookup, 'dual.test', 80, 'ipv6')).resolves.toMatchObject({ address: '2001:db8::1' });
    await expect(resolveConnectTarget(lookup, 'v4.test', 80, 'ipv6')).resolves.toMatchObject({ address: '::ffff:192.0.2.2' });
  });
  it('a name that does not resolve is EHOSTUNREACH', async () => {
    await expect(resolveConnectTarget(lookup, 'nx.test', 80, 'ipv4')).rejects.toMatchObject({ errno: E.EHOSTUNREACH });
  });
});

describe('waiting for DNS (Asyncify/JSPI builds, or the worker bridge)', () => {
  it('needsLookup names only what DNS must answer', () => {
    const r = resolver();
    expect(r.needsLookup('svc.example.test')).toBe('svc.example.test');
    for (const local of ['127.0.0.1', '::1', 'localhost', 'db', 'DB.example.test', '', null]) expect(r.needsLookup(local)).toBeUndefined();
    expect(r.needsLookup('svc.example.test', AI_NUMERICHOST)).toBeUndefined();
  });
  it('getaddrinfoAsync/gethostbynameAsync give real answers and real errors, never placeholders', async () => {
    const r = resolver();
    const asked: string[] = [];
    const lookup = async (name: string) => {
      asked.push(name);
      if (name === 'svc.example.test') return [{ family: 'ipv6' as const, address: '2001:db8::5' }, { family: 'ipv4' as const, address: '192.0.2.5' }];
      throw new ErrnoError(E.ENOENT, name);
    };
    expect(list(await r.getaddrinfoAsync('svc.example.test', '80', hints(0, AF_INET, 1), lookup))).toEqual(['192.0.2.5/80/1/6']);
    expect(list(await r.getaddrinfoAsync('svc.example.test', '80', hints(0, 0, 1), lookup))).toEqual(['2001:db8::5/80/1/6', '192.0.2.5/80/1/6']);
    expect((await r.getaddrinfoAsync('nx.example.test', '80', hints(), lookup)).error).toBe(EAI_NONAME);
    expect(await r.gethostbynameAsync('svc.example.test', 'ipv4', lookup)).toMatchObject({ hErrno: 0, addresses: ['192.0.2.5'] });
    expect(await r.gethostbynameAsync('nx.example.test', 'ipv4', lookup)).toEqual({ hErrno: HOST_NOT_FOUND });
    expect(list(await r.getaddrinfoAsync('db', null, hints(0, AF_INET, 1), lookup))).toEqual(['10.9.8.7/0/1/6']);
    expect(asked).toEqual(['svc.example.test', 'svc.example.test', 'nx.example.test', 'svc.example.test', 'nx.example.test']);
    // Afterwards, without a lookup installed, the same name is a placeholder again.
    expect(r.getaddrinfo('svc.example.test', null, hints(0, AF_INET, 1)).results?.[0]?.address).toMatch(/^172\.29\./);
  });
  it('syncLookupFromBridge adapts the worker bridge lookup (SyncSockets.lookup)', () => {
    const lookup = syncLookupFromBridge({
      lookup: (name: string) => (name === 'svc.test' ? { ok: true as const, value: ['192.0.2.9', '2001:db8::9'] } : { ok: false as const, errno: E.ENOENT, code: 'ENOENT' as const }),
    });
    expect(lookup('svc.test', 'any')).toEqual([{ family: 'ipv4', address: '192.0.2.9' }, { family: 'ipv6', address: '2001:db8::9' }]);
    expect(() => lookup('nx.test', 'any')).toThrow(ErrnoError);
    const r = resolver();
    r.setSyncLookup(lookup);
    expect(list(r.getaddrinfo('svc.test', '443', hints(0, AF_INET6, 1)))).toEqual(['2001:db8::9/443/1/6']);
  });
});

describe('needsLookup and /etc/hosts families', () => {
  it('a hosts name without a line of the asked family goes to DNS, as glibc does', () => {
    const r = resolver();
    expect(r.needsLookup('db', 0, AF_INET)).toBeUndefined();
    expect(r.needsLookup('db', 0, AF_INET6)).toBe('db');
    expect(r.needsLookup('db', AI_V4MAPPED, AF_INET6)).toBeUndefined();
  });
});

describe('names no DNS server answers', () => {
  it('.invalid and all-numeric last labels are EAI_NONAME at once (glibc gets the same from DNS)', () => {
    const r = resolver();
    expect(r.getaddrinfo('no-such-host.invalid', null, hints()).error).toBe(EAI_NONAME);
    expect(r.getaddrinfo('1.2.3.4.5', null, hints()).error).toBe(EAI_NONAME);
    expect(r.gethostbyname('x.INVALID.', 'ipv4')).toEqual({ hErrno: HOST_NOT_FOUND });
    expect(r.needsLookup('no-such-host.invalid')).toBeUndefined();
    expect(r.getaddrinfo('host.example', null, hints()).results?.[0]?.address).toMatch(/^172\.29\./);
  });
});
