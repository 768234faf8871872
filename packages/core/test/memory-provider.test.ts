import { describe, expect, it, vi } from 'vitest';
import type { InetAddress, SocketAddress } from '../src/address.js';
import { E, ErrnoError } from '../src/errno.js';
import {
  EPHEMERAL_PORT_MAX,
  EPHEMERAL_PORT_MIN,
  MemoryDatagramHandle,
  MemoryNetwork,
  MemoryProvider,
  MemoryStreamConnection,
} from '../src/memory/index.js';
import type {
  BindOptions,
  DatagramEvents,
  DatagramHandle,
  StreamConnection,
  StreamEndpoint,
  StreamEvents,
} from '../src/provider.js';

// ---------------------------------------------------------------- helpers

const PLAIN: BindOptions = { reuseAddr: false, reusePort: false, ipv6Only: false };
const REUSEADDR: BindOptions = { reuseAddr: true, reusePort: false, ipv6Only: false };
const REUSEPORT: BindOptions = { reuseAddr: false, reusePort: true, ipv6Only: false };
const V6ONLY: BindOptions = { reuseAddr: false, reusePort: false, ipv6Only: true };

const v4 = (address: string, port = 0): InetAddress => ({ family: 'ipv4', address, port });
const v6 = (address: string, port = 0): InetAddress => ({ family: 'ipv6', address, port });
const unix = (path: string): SocketAddress => ({ family: 'unix', path });
const portOf = (a: SocketAddress): number => (a.family === 'unix' ? -1 : a.port);

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Waits until every event caused so far (and anything it caused in turn) has been delivered. */
async function settle(net: MemoryNetwork): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await net.whenIdle();
    await macrotask();
  }
}

/** Polls `cond` between event deliveries; fails after `ms`. */
async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await macrotask();
  }
}

function errnoOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErrnoError) return err.errno;
    throw err;
  }
  return 0;
}

function bytes(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

/** Plain loop: vitest's deep equality is slow on megabytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Records every StreamEvents callback. */
class Sink implements StreamEvents {
  readonly log: string[] = [];
  readonly chunks: Uint8Array[] = [];
  readonly errors: number[] = [];
  written = 0;
  ended = false;
  closed = 0;
  afterClose = 0;
  onDataHook?: (chunk: Uint8Array) => void;

  #note(what: string): void {
    if (this.closed > 0) this.afterClose++;
    this.log.push(what);
  }
  onData(chunk: Uint8Array): void {
    this.#note('data');
    this.chunks.push(chunk);
    this.onDataHook?.(chunk);
  }
  onEnd(): void {
    this.#note('end');
    this.ended = true;
  }
  onWritten(n: number): void {
    this.#note('written');
    this.written += n;
  }
  onError(errno: number): void {
    this.#note(`error:${errno}`);
    this.errors.push(errno);
  }
  onClose(): void {
    this.#note('close');
    this.closed++;
  }
  get received(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }
  get bytes(): Uint8Array {
    const out = new Uint8Array(this.received);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
  get text(): string {
    return new TextDecoder().decode(this.bytes);
  }
}

interface ConnectResult {
  connection?: StreamConnection;
  errno?: number;
  sync: boolean;
}

/** Starts a connect; the result fills in when it completes. `sync` records a (forbidden) re-entrant callback. */
function connect(ep: StreamEndpoint, to: SocketAddress): ConnectResult {
  const result: ConnectResult = { sync: false };
  let inCall = true;
  ep.connect(to, {
    onConnect: (c) => {
      result.sync ||= inCall;
      result.connection = c;
    },
    onError: (e) => {
      result.sync ||= inCall;
      result.errno = e;
    },
  });
  inCall = false;
  return result;
}

async function connectErrno(net: MemoryNetwork, ep: StreamEndpoint, to: SocketAddress): Promise<number> {
  const r = connect(ep, to);
  await until(() => r.errno !== undefined || r.connection !== undefined, 'connect result');
  expect(r.sync).toBe(false);
  if (r.connection) throw new Error('connected unexpectedly');
  await settle(net);
  return r.errno as number;
}

interface Listener {
  endpoint: StreamEndpoint;
  address: SocketAddress;
  accepted: StreamConnection[];
}

function listen(p: MemoryProvider, domain: 'ipv4' | 'ipv6' | 'unix', bindTo?: SocketAddress, options = PLAIN): Listener {
  const endpoint = p.createStream(domain);
  if (bindTo) endpoint.bind(bindTo, options);
  const accepted: StreamConnection[] = [];
  const address = endpoint.listen(16, (c) => accepted.push(c), () => {});
  return { endpoint, address, accepted };
}

interface Pair {
  client: StreamConnection;
  server: StreamConnection;
  clientSink: Sink;
  serverSink: Sink;
  listener: Listener;
}

async function pair(
  p: MemoryProvider,
  opts: { domain?: 'ipv4' | 'ipv6' | 'unix'; startServer?: boolean; serverProvider?: MemoryProvider; path?: string } = {},
): Promise<Pair> {
  const domain = opts.domain ?? 'ipv4';
  const sp = opts.serverProvider ?? p;
  const bindTo =
    domain === 'unix' ? unix(opts.path ?? `/tmp/pair-${Math.random()}`) : domain === 'ipv4' ? v4('127.0.0.1') : v6('::1');
  const listener = listen(sp, domain, bindTo);
  const r = connect(p.createStream(domain), listener.address);
  await until(() => r.connection !== undefined && listener.accepted.length === 1, 'connection');
  const client = r.connection as StreamConnection;
  const server = listener.accepted[0] as StreamConnection;
  const clientSink = new Sink();
  const serverSink = new Sink();
  client.start(clientSink);
  if (opts.startServer !== false) server.start(serverSink);
  return { client, server, clientSink, serverSink, listener };
}

function expectClean(net: MemoryNetwork, unixPaths = 0): void {
  expect(net.stats()).toEqual({
    endpoints: 0,
    listeners: 0,
    connections: 0,
    datagrams: 0,
    tcpBindings: 0,
    udpBindings: 0,
    unixBindings: 0,
    unixPaths,
    pendingEvents: 0,
  });
}

/** Records every DatagramEvents callback. */
class Inbox implements DatagramEvents {
  readonly messages: { data: Uint8Array; from: InetAddress }[] = [];
  readonly errors: number[] = [];
  onMessage(data: Uint8Array, from: InetAddress): void {
    this.messages.push({ data, from });
  }
  onError(errno: number): void {
    this.errors.push(errno);
  }
  get texts(): string[] {
    return this.messages.map((m) => new TextDecoder().decode(m.data));
  }
}

function udp(p: MemoryProvider, family: 'ipv4' | 'ipv6', bindTo?: InetAddress, options = PLAIN): { h: DatagramHandle; inbox: Inbox; address: InetAddress } {
  const h = p.createDatagram(family);
  const address = h.bind(bindTo ?? (family === 'ipv4' ? v4('127.0.0.1') : v6('::1')), options);
  const inbox = new Inbox();
  h.start(inbox);
  return { h, inbox, address };
}

function send(h: DatagramHandle, data: Uint8Array, to: InetAddress): { errno?: number; sync: boolean } {
  const r: { errno?: number; sync: boolean } = { sync: false };
  let inCall = true;
  h.send(data, to, (e) => {
    r.sync ||= inCall;
    r.errno = e;
  });
  inCall = false;
  return r;
}

// ---------------------------------------------------------------- provider

describe('MemoryProvider basics', () => {
  it('has a name, all capabilities and its own network by default', () => {
    const a = new MemoryProvider();
    const b = new MemoryProvider();
    expect(a.name).toBe('memory');
    expect(Object.values(a.capabilities).every((c) => c === true)).toBe(true);
    expect(Object.keys(a.capabilities).sort()).toEqual(
      ['connectFromBound', 'dns', 'ipv6', 'multicast', 'reusePort', 'syncDatagramBind', 'syncStreamBind', 'tcp', 'udp', 'unix', 'unixAbstract'].sort(),
    );
    expect(a.network).toBeInstanceOf(MemoryNetwork);
    expect(a.network).not.toBe(b.network);
    const net = new MemoryNetwork();
    expect(new MemoryProvider({ network: net }).network).toBe(net);
  });

  it('rejects unknown families and bad options', () => {
    const p = new MemoryProvider();
    expect(errnoOf(() => p.createStream('bogus' as never))).toBe(E.EAFNOSUPPORT);
    expect(errnoOf(() => p.createDatagram('unix' as never))).toBe(E.EAFNOSUPPORT);
    expect(() => new MemoryProvider({ streamBufferBytes: 0 })).toThrow(RangeError);
    expect(() => new MemoryProvider({ datagramBufferBytes: 1.5 })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- TCP

describe('TCP connect and accept', () => {
  it('connects, hands the server side over paused, and carries data both ways', async () => {
    const p = new MemoryProvider();
    const net = p.network;
    const l = listen(p, 'ipv4', v4('127.0.0.1'));
    expect(l.address).toMatchObject({ family: 'ipv4', address: '127.0.0.1' });
    const lport = portOf(l.address);
    expect(lport).toBeGreaterThanOrEqual(EPHEMERAL_PORT_MIN);
    expect(lport).toBeLessThanOrEqual(EPHEMERAL_PORT_MAX);

    const r = connect(p.createStream('ipv4'), l.address);
    expect(r.connection).toBeUndefined();
    await until(() => r.connection !== undefined && l.accepted.length === 1, 'connect');
    expect(r.sync).toBe(false);
    const client = r.connection as StreamConnection;
    const server = l.accepted[0] as StreamConnection;

    expect(client.remoteAddress).toEqual(v4('127.0.0.1', lport));
    expect(client.localAddress).toMatchObject({ family: 'ipv4', address: '127.0.0.1' });
    const cport = portOf(client.localAddress);
    expect(cport).toBeGreaterThanOrEqual(EPHEMERAL_PORT_MIN);
    expect(cport).not.toBe(lport);
    expect(server.localAddress).toEqual(client.remoteAddress);
    expect(server.remoteAddress).toEqual(client.localAddress);

    const cs = new Sink();
    const ss = new Sink();
    client.start(cs);
    client.write(text('hello'));
    await settle(net);
    // Not started: nothing delivered, but the bytes sit in the server's buffer.
    expect(ss.log).toEqual([]);
    expect(cs.written).toBe(5);
    expect((server as MemoryStreamConnection).receiveBufferBytes).toBe(5);

    server.start(ss);
    await until(() => ss.text === 'hello', 'server data');
    server.write(text('world'));
    await until(() => cs.text === 'world', 'client data');

    client.close();
    server.close();
    l.endpoint.close();
    await settle(net);
    expect(cs.closed).toBe(1);
    expect(ss.closed).toBe(1);
    expectClean(net);
  });

  it('never calls back re-entrantly', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink, listener } = await pair(p);
    const before = [clientSink.log.length, serverSink.log.length];
    client.write(text('x'));
    client.end();
    server.pause();
    server.resume();
    server.write(text('y'));
    server.reset();
    expect([clientSink.log.length, serverSink.log.length]).toEqual(before);
    await settle(p.network);
    expect(serverSink.log.at(-1)).toBe('close');
    expect(clientSink.log.at(-1)).toBe('close');
    listener.endpoint.close();
    client.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('reports ECONNREFUSED, ENETUNREACH and EAFNOSUPPORT asynchronously', async () => {
    const p = new MemoryProvider();
    const net = p.network;
    expect(await connectErrno(net, p.createStream('ipv4'), v4('127.0.0.1', 9))).toBe(E.ECONNREFUSED);
    const bound = p.createStream('ipv4');
    const addr = bound.bind(v4('127.0.0.1'), PLAIN);
    expect(await connectErrno(net, p.createStream('ipv4'), addr)).toBe(E.ECONNREFUSED);
    expect(await connectErrno(net, p.createStream('ipv4'), v4('10.1.2.3', 80))).toBe(E.ENETUNREACH);
    expect(await connectErrno(net, p.createStream('ipv6'), v6('2001:db8::1', 80))).toBe(E.ENETUNREACH);
    expect(await connectErrno(net, p.createStream('ipv4'), v6('::1', 80))).toBe(E.EAFNOSUPPORT);
    bound.close();
    // Failed connects hold no port; the endpoints are still open until closed.
    expect(net.stats().tcpBindings).toBe(0);
  });

  it('keeps an explicit bind after a failed connect and then connects from it', async () => {
    const p = new MemoryProvider();
    const net = p.network;
    const ep = p.createStream('ipv4');
    const local = ep.bind(v4('127.0.0.2', 0), PLAIN);
    expect(await connectErrno(net, ep, v4('127.0.0.1', 1))).toBe(E.ECONNREFUSED);
    expect(net.stats().tcpBindings).toBe(1);
    const l = listen(p, 'ipv4', v4('0.0.0.0'));
    const r = connect(ep, v4('127.0.0.1', portOf(l.address)));
    await until(() => l.accepted.length === 1 && r.connection !== undefined, 'connect');
    expect(r.connection?.localAddress).toEqual(local);
    expect(l.accepted[0]?.remoteAddress).toEqual(local);
    expect(l.accepted[0]?.localAddress).toEqual(v4('127.0.0.1', portOf(l.address)));
    expect(errnoOf(() => ep.connect(l.address, { onConnect() {}, onError() {} }))).toBe(E.EISCONN);
    r.connection?.close();
    l.accepted[0]?.close();
    l.endpoint.close();
    ep.close(); // no-op once connected
    await settle(net);
    expectClean(net);
  });

  it('binds the wildcard address on listen() without bind()', () => {
    const p = new MemoryProvider();
    const a = p.createStream('ipv4').listen(1, () => {}, () => {});
    const b = p.createStream('ipv6').listen(1, () => {}, () => {});
    expect(a).toMatchObject({ family: 'ipv4', address: '0.0.0.0' });
    expect(b).toMatchObject({ family: 'ipv6', address: '::' });
    expect(portOf(a)).toBeGreaterThanOrEqual(EPHEMERAL_PORT_MIN);
    expect(errnoOf(() => p.createStream('unix').listen(1, () => {}, () => {}))).toBe(E.EINVAL);
  });

  it('routes any 127/8 address to a wildcard listener but not to another specific one', async () => {
    const p = new MemoryProvider();
    const net = p.network;
    const any = listen(p, 'ipv4', v4('0.0.0.0'));
    const port = portOf(any.address);
    const r = connect(p.createStream('ipv4'), v4('127.9.8.7', port));
    await until(() => r.connection !== undefined, 'connect');
    expect(r.connection?.remoteAddress).toEqual(v4('127.9.8.7', port));
    expect(any.accepted[0]?.localAddress).toEqual(v4('127.9.8.7', port));
    // 0.0.0.0 as a destination means this host, as on Linux.
    const r0 = connect(p.createStream('ipv4'), v4('0.0.0.0', port));
    await until(() => r0.connection !== undefined, 'connect to 0.0.0.0');
    expect(r0.connection?.remoteAddress).toEqual(v4('127.0.0.1', port));

    const one = listen(p, 'ipv4', v4('127.0.0.1'));
    expect(await connectErrno(net, p.createStream('ipv4'), v4('127.0.0.2', portOf(one.address)))).toBe(E.ECONNREFUSED);
  });

  it('closing an endpoint while it connects cancels the connect', async () => {
    const p = new MemoryProvider();
    const l = listen(p, 'ipv4', v4('127.0.0.1'));
    const ep = p.createStream('ipv4');
    const r = connect(ep, l.address);
    ep.close();
    ep.close();
    await settle(p.network);
    expect(r).toEqual({ sync: false });
    expect(l.accepted).toHaveLength(0);
    l.endpoint.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('resets connections a closed listener had not handed over', async () => {
    const p = new MemoryProvider();
    const l = listen(p, 'ipv4', v4('127.0.0.1'));
    let client: StreamConnection | undefined;
    // onConnect runs before the listener's onConnection; close the listener in between.
    p.createStream('ipv4').connect(l.address, {
      onConnect: (c) => {
        client = c;
        l.endpoint.close();
      },
      onError: () => {},
    });
    await until(() => client !== undefined, 'onConnect');
    const sink = new Sink();
    client?.start(sink);
    await until(() => sink.closed === 1, 'reset');
    expect(sink.log).toEqual([`error:${E.ECONNRESET}`, 'close']);
    expect(l.accepted).toHaveLength(0);
    await settle(p.network);
    expectClean(p.network);
  });
});

describe('TCP over IPv6', () => {
  it('connects over ::1', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink, listener } = await pair(p, { domain: 'ipv6' });
    expect(client.localAddress).toMatchObject({ family: 'ipv6', address: '::1' });
    expect(server.remoteAddress).toEqual(client.localAddress);
    client.write(text('six'));
    await until(() => serverSink.text === 'six', 'data');
    client.close();
    server.close();
    listener.endpoint.close();
    await until(() => clientSink.closed === 1 && serverSink.closed === 1, 'close');
    await settle(p.network);
    expectClean(p.network);
  });

  it('a dual-stack listener accepts IPv4 and shows ::ffff:a.b.c.d; IPV6_V6ONLY refuses it', async () => {
    const p = new MemoryProvider();
    const dual = listen(p, 'ipv6', v6('::'));
    const port = portOf(dual.address);
    const r = connect(p.createStream('ipv4'), v4('127.0.0.1', port));
    await until(() => r.connection !== undefined && dual.accepted.length === 1, 'connect');
    const server = dual.accepted[0] as StreamConnection;
    expect(server.remoteAddress).toEqual(v6('::ffff:127.0.0.1', portOf(r.connection!.localAddress)));
    expect(server.localAddress).toEqual(v6('::ffff:127.0.0.1', port));
    expect(r.connection?.remoteAddress).toEqual(v4('127.0.0.1', port));

    // An IPv6 socket reaches an IPv4 listener through a v4-mapped address.
    const l4 = listen(p, 'ipv4', v4('127.0.0.1'));
    const r6 = connect(p.createStream('ipv6'), v6('::ffff:127.0.0.1', portOf(l4.address)));
    await until(() => r6.connection !== undefined, 'v4-mapped connect');
    expect(r6.connection?.localAddress).toMatchObject({ family: 'ipv6', address: '::ffff:127.0.0.1' });
    expect(l4.accepted[0]?.remoteAddress).toMatchObject({ family: 'ipv4', address: '127.0.0.1' });

    const only = listen(p, 'ipv6', v6('::'), V6ONLY);
    expect(await connectErrno(p.network, p.createStream('ipv4'), v4('127.0.0.1', portOf(only.address)))).toBe(E.ECONNREFUSED);
  });
});

// ---------------------------------------------------------------- bind rules

describe('bind rules', () => {
  it('refuses non-local addresses and double binds', () => {
    const p = new MemoryProvider();
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('10.0.0.1'), PLAIN))).toBe(E.EADDRNOTAVAIL);
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('224.0.0.1'), PLAIN))).toBe(E.EADDRNOTAVAIL);
    expect(errnoOf(() => p.createStream('ipv6').bind(v6('::2'), PLAIN))).toBe(E.EADDRNOTAVAIL);
    expect(errnoOf(() => p.createDatagram('ipv4').bind(v4('192.168.1.1'), PLAIN))).toBe(E.EADDRNOTAVAIL);
    expect(errnoOf(() => p.createStream('ipv4').bind(v6('::1'), PLAIN))).toBe(E.EAFNOSUPPORT);
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('127.0.0.1', 70000), PLAIN))).toBe(E.EINVAL);
    expect(errnoOf(() => p.createStream('ipv6').bind(v6('::ffff:127.0.0.1'), V6ONLY))).toBe(E.EINVAL);
    const ep = p.createStream('ipv4');
    expect(ep.bind(v4('127.3.4.5'), PLAIN)).toMatchObject({ address: '127.3.4.5' });
    expect(errnoOf(() => ep.bind(v4('127.0.0.1'), PLAIN))).toBe(E.EINVAL);
    ep.close();
    expect(errnoOf(() => ep.bind(v4('127.0.0.1'), PLAIN))).toBe(E.EBADF);
  });

  it('EADDRINUSE for the same or overlapping address, per protocol', () => {
    const p = new MemoryProvider();
    const port = portOf(p.createStream('ipv4').bind(v4('127.0.0.1'), PLAIN));
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('127.0.0.1', port), PLAIN))).toBe(E.EADDRINUSE);
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('0.0.0.0', port), PLAIN))).toBe(E.EADDRINUSE);
    expect(errnoOf(() => p.createStream('ipv6').bind(v6('::', port), PLAIN))).toBe(E.EADDRINUSE);
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('127.0.0.2', port), PLAIN))).toBe(0);
    expect(errnoOf(() => p.createStream('ipv6').bind(v6('::', port), V6ONLY))).toBe(0);
    expect(errnoOf(() => p.createStream('ipv6').bind(v6('::1', port), PLAIN))).toBe(E.EADDRINUSE);
    // UDP has its own port space.
    expect(errnoOf(() => p.createDatagram('ipv4').bind(v4('127.0.0.1', port), PLAIN))).toBe(0);
    expect(errnoOf(() => p.createDatagram('ipv4').bind(v4('127.0.0.1', port), PLAIN))).toBe(E.EADDRINUSE);

    const wild = portOf(p.createStream('ipv4').bind(v4('0.0.0.0'), PLAIN));
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('127.0.0.1', wild), PLAIN))).toBe(E.EADDRINUSE);
  });

  it('SO_REUSEADDR on both shares a port; only one of them may listen', () => {
    const p = new MemoryProvider();
    const a = p.createStream('ipv4');
    const port = portOf(a.bind(v4('127.0.0.1'), REUSEADDR));
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('127.0.0.1', port), PLAIN))).toBe(E.EADDRINUSE);
    const b = p.createStream('ipv4');
    expect(errnoOf(() => b.bind(v4('127.0.0.1', port), REUSEADDR))).toBe(0);
    expect(errnoOf(() => a.listen(1, () => {}, () => {}))).toBe(0);
    // Linux re-checks at listen: now the other one is a listener.
    expect(errnoOf(() => b.listen(1, () => {}, () => {}))).toBe(E.EADDRINUSE);
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('0.0.0.0', port), REUSEADDR))).toBe(E.EADDRINUSE);
    a.close();
    expect(errnoOf(() => b.listen(1, () => {}, () => {}))).toBe(0);
  });

  it('an accepted connection keeps the port: a restart needs SO_REUSEADDR', async () => {
    const p = new MemoryProvider();
    const l = listen(p, 'ipv4', v4('127.0.0.1'), REUSEADDR);
    const port = portOf(l.address);
    const r = connect(p.createStream('ipv4'), l.address);
    await until(() => l.accepted.length === 1 && r.connection !== undefined, 'connect');
    l.endpoint.close();
    const plain = p.createStream('ipv4');
    expect(errnoOf(() => plain.bind(v4('127.0.0.1', port), PLAIN))).toBe(E.EADDRINUSE);
    plain.close();
    const again = listen(p, 'ipv4', v4('127.0.0.1', port), REUSEADDR);
    expect(portOf(again.address)).toBe(port);
    r.connection?.close();
    l.accepted[0]?.close();
    again.endpoint.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('SO_REUSEPORT on both lets listeners share a port and spreads connections', async () => {
    const p = new MemoryProvider();
    const a = listen(p, 'ipv4', v4('127.0.0.1'), REUSEPORT);
    const port = portOf(a.address);
    const b = listen(p, 'ipv4', v4('127.0.0.1', port), REUSEPORT);
    expect(errnoOf(() => p.createStream('ipv4').bind(v4('127.0.0.1', port), PLAIN))).toBe(E.EADDRINUSE);
    const conns = Array.from({ length: 4 }, () => connect(p.createStream('ipv4'), v4('127.0.0.1', port)));
    await until(() => conns.every((c) => c.connection) && a.accepted.length + b.accepted.length === 4, 'connects');
    expect(a.accepted).toHaveLength(2);
    expect(b.accepted).toHaveLength(2);
  });

  it('allocates distinct ephemeral ports in 32768–60999', () => {
    const p = new MemoryProvider();
    const ports = new Set<number>();
    for (let i = 0; i < 50; i++) ports.add(portOf(p.createStream('ipv4').bind(v4('127.0.0.1'), PLAIN)));
    expect(ports.size).toBe(50);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(32768);
      expect(port).toBeLessThanOrEqual(60999);
    }
  });
});

// ---------------------------------------------------------------- unix

describe('unix sockets', () => {
  it('connects by path; unnamed clients show an empty path', async () => {
    const p = new MemoryProvider();
    const { client, server, serverSink, clientSink, listener } = await pair(p, { domain: 'unix', path: '/run/app.sock' });
    expect(listener.address).toEqual(unix('/run/app.sock'));
    expect(client.remoteAddress).toEqual(unix('/run/app.sock'));
    expect(client.localAddress).toEqual(unix(''));
    expect(server.localAddress).toEqual(unix('/run/app.sock'));
    expect(server.remoteAddress).toEqual(unix(''));
    client.write(text('ping'));
    await until(() => serverSink.text === 'ping', 'data');
    server.write(text('pong'));
    await until(() => clientSink.text === 'pong', 'data');
    client.close();
    server.close();
    listener.endpoint.close();
    await settle(p.network);
    expectClean(p.network, 1);
  });

  it('ENOENT, ECONNREFUSED, paths left behind, unlink', async () => {
    const p = new MemoryProvider();
    const net = p.network;
    expect(await connectErrno(net, p.createStream('unix'), unix('/nope'))).toBe(E.ENOENT);
    const bound = p.createStream('unix');
    bound.bind(unix('/s'), PLAIN);
    expect(await connectErrno(net, p.createStream('unix'), unix('/s'))).toBe(E.ECONNREFUSED);
    expect(errnoOf(() => p.createStream('unix').bind(unix('/s'), PLAIN))).toBe(E.EADDRINUSE);
    bound.close();
    // The socket file stays: still refused, still in use.
    expect(net.stats().unixPaths).toBe(1);
    expect(await connectErrno(net, p.createStream('unix'), unix('/s'))).toBe(E.ECONNREFUSED);
    expect(errnoOf(() => p.createStream('unix').bind(unix('/s'), PLAIN))).toBe(E.EADDRINUSE);
    expect(net.unlink('/s')).toBe(true);
    expect(net.unlink('/s')).toBe(false);
    expect(await connectErrno(net, p.createStream('unix'), unix('/s'))).toBe(E.ENOENT);
    const again = p.createStream('unix');
    expect(again.bind(unix('/s'), PLAIN)).toEqual(unix('/s'));
    again.close();
    net.unlink('/s');
  });

  it('abstract names disappear on close; unknown ones are refused', async () => {
    const p = new MemoryProvider();
    const net = p.network;
    const l = listen(p, 'unix', unix('\0abstract'));
    expect(errnoOf(() => p.createStream('unix').bind(unix('\0abstract'), PLAIN))).toBe(E.EADDRINUSE);
    l.endpoint.close();
    expect(errnoOf(() => p.createStream('unix').bind(unix('\0abstract'), PLAIN))).toBe(0);
    expect(await connectErrno(net, p.createStream('unix'), unix('\0nobody'))).toBe(E.ECONNREFUSED);
    // bind('') autobinds an abstract name.
    const auto = p.createStream('unix').bind(unix(''), PLAIN);
    expect(auto.family === 'unix' && /^\0[0-9a-f]{5}$/.test(auto.path)).toBe(true);
  });

  it('limits paths to 107 bytes (abstract names to 108)', () => {
    const p = new MemoryProvider();
    const bind = (path: string) => errnoOf(() => p.createStream('unix').bind(unix(path), PLAIN));
    expect(bind('/' + 'a'.repeat(106))).toBe(0);
    expect(bind('/' + 'b'.repeat(107))).toBe(E.EINVAL);
    expect(bind('/' + 'é'.repeat(53))).toBe(0); // 107 bytes
    expect(bind('/' + 'é'.repeat(53) + 'x')).toBe(E.EINVAL); // 108 bytes
    expect(bind('\0' + 'c'.repeat(107))).toBe(0);
    expect(bind('\0' + 'd'.repeat(108))).toBe(E.EINVAL);
  });

  it('a bound client shows its path to the server and leaves it behind', async () => {
    const p = new MemoryProvider();
    const l = listen(p, 'unix', unix('/srv'));
    const ep = p.createStream('unix');
    ep.bind(unix('/cli'), PLAIN);
    const r = connect(ep, unix('/srv'));
    await until(() => r.connection !== undefined && l.accepted.length === 1, 'connect');
    expect(l.accepted[0]?.remoteAddress).toEqual(unix('/cli'));
    expect(r.connection?.localAddress).toEqual(unix('/cli'));
    r.connection?.close();
    l.accepted[0]?.close();
    l.endpoint.close();
    await settle(p.network);
    expectClean(p.network, 2);
  });
});

// ---------------------------------------------------------------- shared network

describe('shared networks', () => {
  it('providers on one network talk; separate networks do not', async () => {
    const net = new MemoryNetwork();
    const a = new MemoryProvider({ network: net });
    const b = new MemoryProvider({ network: net });
    const { client, serverSink } = await pair(a, { serverProvider: b });
    client.write(text('across'));
    await until(() => serverSink.text === 'across', 'data');
    const l = listen(b, 'unix', unix('/shared'));
    const r = connect(a.createStream('unix'), unix('/shared'));
    await until(() => r.connection !== undefined && l.accepted.length === 1, 'unix across');

    const other = new MemoryProvider();
    const port = portOf(listen(a, 'ipv4', v4('127.0.0.1')).address);
    expect(await connectErrno(other.network, other.createStream('ipv4'), v4('127.0.0.1', port))).toBe(E.ECONNREFUSED);
    expect(await connectErrno(other.network, other.createStream('unix'), unix('/shared'))).toBe(E.ENOENT);
  });
});

// ---------------------------------------------------------------- flow control

describe('stream flow control', () => {
  it('fills the receiver buffer while it is paused, then holds the writer', async () => {
    const p = new MemoryProvider({ streamBufferBytes: 1000 });
    const { client, server, clientSink, serverSink } = await pair(p, { startServer: false });
    const data = bytes(2500);
    client.write(data);
    await settle(p.network);
    expect(clientSink.written).toBe(1000);
    expect((server as MemoryStreamConnection).receiveBufferBytes).toBe(1000);
    expect((client as MemoryStreamConnection).sendQueueBytes).toBe(1500);

    server.start(serverSink);
    await until(() => serverSink.received === 2500, 'all data');
    expect(serverSink.bytes).toEqual(data);
    expect(clientSink.written).toBe(2500);
    // Views of the written chunk, never copies, never larger than the buffer.
    for (const c of serverSink.chunks) {
      expect(c.buffer).toBe(data.buffer);
      expect(c.length).toBeLessThanOrEqual(1000);
    }
  });

  it('pause() stops delivery at once; resume() continues in order', async () => {
    const p = new MemoryProvider({ streamBufferBytes: 64 });
    const { client, server, clientSink, serverSink } = await pair(p);
    let resumed = false;
    serverSink.onDataHook = () => {
      if (!resumed) server.pause();
    };
    const data = bytes(1000, 7);
    for (let i = 0; i < 10; i++) client.write(data.subarray(i * 100, i * 100 + 100));
    await settle(p.network);
    expect(serverSink.chunks).toHaveLength(1);
    expect(serverSink.received + (server as MemoryStreamConnection).receiveBufferBytes).toBe(clientSink.written);
    expect(clientSink.written).toBeLessThan(1000);
    resumed = true;
    server.resume();
    await until(() => serverSink.received === 1000, 'rest');
    expect(serverSink.bytes).toEqual(data);
    expect(clientSink.written).toBe(1000);
  });

  it('moves 8 MiB intact with default buffers', async () => {
    const p = new MemoryProvider();
    const { client, clientSink, serverSink } = await pair(p);
    const total = 8 * 1024 * 1024;
    const chunk = 64 * 1024;
    for (let o = 0; o < total; o += chunk) client.write(bytes(chunk, o / chunk));
    await until(() => serverSink.received === total, '8 MiB', 10_000);
    expect(clientSink.written).toBe(total);
    const got = serverSink.bytes;
    let mismatches = 0;
    for (let o = 0; o < total; o += chunk) if (!sameBytes(got.subarray(o, o + chunk), bytes(chunk, o / chunk))) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('does not starve the host event loop when peers answer each other forever', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink } = await pair(p);
    let stop = false;
    let rounds = 0;
    serverSink.onDataHook = (c) => {
      if (!stop) server.write(c);
    };
    clientSink.onDataHook = (c) => {
      rounds++;
      if (!stop) client.write(c);
    };
    client.write(text('ping'));
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
    stop = true;
    expect(rounds).toBeGreaterThan(100);
    await settle(p.network);
  });
});

// ---------------------------------------------------------------- shutdown

describe('stream shutdown', () => {
  it('end(): the peer gets the data then onEnd, and can still send back', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink, listener } = await pair(p);
    client.write(text('request'));
    client.end();
    await until(() => serverSink.ended, 'end');
    expect(serverSink.log.filter((e) => e !== 'written')).toEqual(['data', 'end']);
    expect(serverSink.text).toBe('request');
    server.write(text('response'));
    server.close();
    await until(() => clientSink.ended && serverSink.closed === 1, 'response');
    expect(clientSink.text).toBe('response');
    expect(clientSink.closed).toBe(0); // not until the client closes too
    client.close();
    listener.endpoint.close();
    await settle(p.network);
    expect(clientSink.closed).toBe(1);
    expect(clientSink.log.at(-1)).toBe('close');
    expect(serverSink.log.at(-1)).toBe('close');
    expect(clientSink.afterClose + serverSink.afterClose).toBe(0);
    expectClean(p.network);
  });

  it('reset(): the peer gets ECONNRESET then onClose, and unread bytes are dropped', async () => {
    const p = new MemoryProvider({ streamBufferBytes: 10 });
    const { client, server, clientSink, serverSink, listener } = await pair(p, { startServer: false });
    client.write(bytes(100));
    await settle(p.network);
    client.reset();
    server.start(serverSink);
    await settle(p.network);
    expect(serverSink.log).toEqual([`error:${E.ECONNRESET}`, 'close']);
    expect(clientSink.log.filter((e) => e !== 'written')).toEqual(['close']);
    expect(clientSink.written).toBe(10);
    server.close(); // after onClose: harmless
    client.reset();
    listener.endpoint.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('close(): data and FIN still go out; writing to the closed side gets ECONNRESET', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink, listener } = await pair(p);
    client.write(text('last words'));
    client.close();
    await until(() => serverSink.ended && clientSink.closed === 1, 'fin');
    expect(serverSink.text).toBe('last words');
    expect(clientSink.log).toEqual(['written', 'close']);
    server.write(text('anyone?'));
    await until(() => serverSink.closed === 1, 'rst');
    expect(serverSink.log.filter((e) => e !== 'written')).toEqual(['data', 'end', `error:${E.ECONNRESET}`, 'close']);
    listener.endpoint.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('close() waits for a paused peer before onClose', async () => {
    const p = new MemoryProvider({ streamBufferBytes: 100 });
    const { client, server, clientSink, serverSink } = await pair(p, { startServer: false });
    client.write(bytes(300));
    client.close();
    await settle(p.network);
    expect(clientSink.closed).toBe(0);
    expect(clientSink.written).toBe(100);
    server.start(serverSink);
    await until(() => clientSink.closed === 1 && serverSink.ended, 'drain');
    expect(serverSink.bytes).toEqual(bytes(300));
    expect(clientSink.written).toBe(300);
    expect(clientSink.log.at(-1)).toBe('close');
  });

  it('both sides closing at once each get exactly one onClose', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink, listener } = await pair(p);
    client.write(text('a'));
    server.write(text('b'));
    client.close();
    server.close();
    client.close();
    await settle(p.network);
    expect(clientSink.closed).toBe(1);
    expect(serverSink.closed).toBe(1);
    expect(clientSink.errors).toEqual([]);
    expect(serverSink.errors).toEqual([]);
    listener.endpoint.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('a connection the core closes without starting is released silently', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink, listener } = await pair(p, { startServer: false });
    server.close();
    await until(() => clientSink.ended, 'FIN');
    expect(serverSink.log).toEqual([]);
    client.close();
    listener.endpoint.close();
    await settle(p.network);
    expect(clientSink.log).toEqual(['end', 'close']);
    expectClean(p.network);
  });

  it('close() with unread bytes in the receive buffer resets, as on Linux', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink, listener } = await pair(p, { startServer: false });
    client.write(text('unread'));
    await settle(p.network);
    server.close();
    await until(() => clientSink.closed === 1, 'RST');
    expect(clientSink.log).toEqual(['written', `error:${E.ECONNRESET}`, 'close']);
    expect(serverSink.log).toEqual([]);
    listener.endpoint.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('keeps going under fake timers (the yield timer is the real one)', async () => {
    const p = new MemoryProvider();
    const { client, server, clientSink, serverSink } = await pair(p);
    let rounds = 0;
    serverSink.onDataHook = (c) => server.write(c);
    clientSink.onDataHook = (c) => {
      if (++rounds < 50_000) client.write(c);
    };
    vi.useFakeTimers();
    try {
      client.write(text('ping'));
      await p.network.whenIdle();
      expect(rounds).toBe(50_000);
    } finally {
      vi.useRealTimers();
    }
  }, 10_000);

  it('records TCP options', async () => {
    const p = new MemoryProvider();
    const { client } = await pair(p);
    client.setNoDelay(true);
    client.setKeepAlive(true, 30);
    const c = client as MemoryStreamConnection;
    expect([c.noDelay, c.keepAlive, c.keepAliveIdleSeconds]).toEqual([true, true, 30]);
  });
});

// ---------------------------------------------------------------- UDP

describe('UDP', () => {
  it('sends and receives with the sender address; autobinds on send', async () => {
    const p = new MemoryProvider();
    const a = udp(p, 'ipv4');
    const b = p.createDatagram('ipv4');
    const bInbox = new Inbox();
    b.start(bInbox);
    const r = send(b, text('hi'), a.address);
    expect(r.errno).toBeUndefined();
    await until(() => a.inbox.messages.length === 1 && r.errno === 0, 'datagram');
    expect(r.sync).toBe(false);
    const from = a.inbox.messages[0]!.from;
    expect(from).toMatchObject({ family: 'ipv4', address: '127.0.0.1' });
    expect(from.port).toBeGreaterThanOrEqual(EPHEMERAL_PORT_MIN);
    a.h.send(text('back'), from, () => {});
    await until(() => bInbox.texts[0] === 'back', 'reply');
    a.h.close();
    b.close();
    await settle(p.network);
    expectClean(p.network);
  });

  it('EMSGSIZE, ENETUNREACH, EAFNOSUPPORT, EINVAL through done()', async () => {
    const p = new MemoryProvider();
    const a = udp(p, 'ipv4');
    const s6 = udp(p, 'ipv6');
    const results = [
      send(a.h, new Uint8Array(65507), a.address),
      send(a.h, new Uint8Array(65508), a.address),
      send(s6.h, new Uint8Array(65527), s6.address),
      send(s6.h, new Uint8Array(65528), s6.address),
      send(a.h, text('x'), v4('8.8.8.8', 53)),
      send(a.h, text('x'), v6('::1', 53)),
      send(a.h, text('x'), v4('127.0.0.1', 0)),
    ];
    await settle(p.network);
    expect(results.map((r) => r.errno)).toEqual([0, E.EMSGSIZE, 0, E.EMSGSIZE, E.ENETUNREACH, E.EAFNOSUPPORT, E.EINVAL]);
    expect(results.every((r) => !r.sync)).toBe(true);
    expect(a.inbox.messages.map((m) => m.data.length)).toEqual([65507]);
    expect(s6.inbox.messages.map((m) => m.data.length)).toEqual([65527]);
  });

  it('queues up to the buffer while paused and drops the rest', async () => {
    const p = new MemoryProvider({ datagramBufferBytes: 250 });
    const a = udp(p, 'ipv4');
    const s = p.createDatagram('ipv4');
    a.h.pause();
    for (let i = 0; i < 5; i++) send(s, bytes(100, i), a.address);
    await settle(p.network);
    expect(a.inbox.messages).toHaveLength(0);
    expect((a.h as MemoryDatagramHandle).dropped).toBe(3);
    a.h.resume();
    await until(() => a.inbox.messages.length === 2, 'queued');
    expect(a.inbox.messages.map((m) => m.data)).toEqual([bytes(100, 0), bytes(100, 1)]);
    // An oversized datagram still fits an empty queue (as on Linux).
    send(s, bytes(1000), a.address);
    await until(() => a.inbox.messages.length === 3, 'big one');
  });

  it('connect filters other senders and reports ECONNREFUSED for a closed port', async () => {
    const p = new MemoryProvider();
    const a = udp(p, 'ipv4');
    const friend = udp(p, 'ipv4');
    const stranger = udp(p, 'ipv4');
    a.h.connect?.(friend.address);
    send(stranger.h, text('no'), a.address);
    send(friend.h, text('yes'), a.address);
    await settle(p.network);
    expect(a.inbox.texts).toEqual(['yes']);

    const gone = p.createDatagram('ipv4');
    const goneAddr = gone.bind(v4('127.0.0.1'), PLAIN);
    gone.close();
    // Unconnected: dropped silently.
    const r1 = send(stranger.h, text('lost'), goneAddr);
    await settle(p.network);
    expect(r1.errno).toBe(0);
    expect(stranger.inbox.errors).toEqual([]);
    // Connected to it: ICMP port unreachable.
    stranger.h.connect?.(goneAddr);
    const r2 = send(stranger.h, text('lost'), goneAddr);
    await settle(p.network);
    expect(r2.errno).toBe(0);
    expect(stranger.inbox.errors).toEqual([E.ECONNREFUSED]);
    stranger.h.disconnect?.();
    a.h.disconnect?.();
    send(stranger.h, text('now'), a.address);
    await until(() => a.inbox.texts.length === 2, 'after disconnect');
    expect(errnoOf(() => a.h.connect?.(v4('10.0.0.1', 1)))).toBe(E.ENETUNREACH);
  });

  it('a dual-stack IPv6 handle receives IPv4 as ::ffff:a.b.c.d', async () => {
    const p = new MemoryProvider();
    const six = udp(p, 'ipv6', v6('::'));
    const four = udp(p, 'ipv4');
    send(four.h, text('4to6'), v4('127.0.0.1', six.address.port));
    await until(() => six.inbox.messages.length === 1, 'datagram');
    expect(six.inbox.messages[0]?.from).toEqual(v6('::ffff:127.0.0.1', four.address.port));
    send(six.h, text('6to4'), v6('::ffff:127.0.0.1', four.address.port));
    await until(() => four.inbox.messages.length === 1, 'reply');
    expect(four.inbox.messages[0]?.from).toMatchObject({ family: 'ipv4', address: '127.0.0.1' });
  });

  it('SO_REUSEADDR shares a UDP port (last bound receives unicast)', async () => {
    const p = new MemoryProvider();
    const a = udp(p, 'ipv4', v4('127.0.0.1'), REUSEADDR);
    expect(errnoOf(() => p.createDatagram('ipv4').bind(a.address, PLAIN))).toBe(E.EADDRINUSE);
    const b = udp(p, 'ipv4', a.address, REUSEADDR);
    send(p.createDatagram('ipv4'), text('x'), a.address);
    await settle(p.network);
    expect([a.inbox.messages.length, b.inbox.messages.length]).toEqual([0, 1]);
  });

  it('SO_REUSEPORT spreads UDP by flow: one sender sticks to one handle', async () => {
    const p = new MemoryProvider();
    const a = udp(p, 'ipv4', v4('127.0.0.1'), REUSEPORT);
    const b = udp(p, 'ipv4', a.address, REUSEPORT);
    const senders = Array.from({ length: 8 }, () => p.createDatagram('ipv4'));
    for (const s of senders) for (let i = 0; i < 3; i++) send(s, text('x'), a.address);
    await settle(p.network);
    expect(a.inbox.messages.length + b.inbox.messages.length).toBe(24);
    const portsOf = (i: Inbox) => new Set(i.messages.map((m) => m.from.port));
    for (const port of portsOf(a.inbox)) expect(portsOf(b.inbox).has(port)).toBe(false);
  });

  it('multicast reaches the members of a group, honouring IP_MULTICAST_LOOP', async () => {
    const p = new MemoryProvider();
    const m1 = udp(p, 'ipv4', v4('0.0.0.0'), REUSEADDR);
    const port = m1.address.port;
    const m2 = udp(p, 'ipv4', v4('0.0.0.0', port), REUSEADDR);
    const outsider = udp(p, 'ipv4', v4('0.0.0.0', port), REUSEADDR);
    m1.h.addMembership('239.1.2.3');
    m2.h.addMembership('239.1.2.3');
    expect(errnoOf(() => m1.h.addMembership('239.1.2.3'))).toBe(E.EADDRINUSE);
    expect(errnoOf(() => m1.h.addMembership('10.0.0.1'))).toBe(E.EINVAL);
    const sender = p.createDatagram('ipv4');
    sender.setMulticastTTL(4);
    const r = send(sender, text('group'), v4('239.1.2.3', port));
    await until(() => m1.inbox.messages.length === 1 && m2.inbox.messages.length === 1, 'multicast');
    expect(r.errno).toBe(0);
    expect(outsider.inbox.messages).toHaveLength(0);
    expect(m1.inbox.messages[0]?.data).not.toBe(m2.inbox.messages[0]?.data);
    expect(m2.inbox.texts).toEqual(['group']);

    sender.setMulticastLoopback(false);
    send(sender, text('silent'), v4('239.1.2.3', port));
    m2.h.dropMembership('239.1.2.3');
    expect(errnoOf(() => m2.h.dropMembership('239.1.2.3'))).toBe(E.EADDRNOTAVAIL);
    sender.setMulticastLoopback(true);
    send(sender, text('again'), v4('239.1.2.3', port));
    await settle(p.network);
    expect(m1.inbox.texts).toEqual(['group', 'again']);
    expect(m2.inbox.texts).toEqual(['group']);

    // IPv6 groups too.
    const six = udp(p, 'ipv6', v6('::'));
    six.h.addMembership('ff02::1:3');
    send(p.createDatagram('ipv6'), text('v6'), v6('ff02::1:3', six.address.port));
    await until(() => six.inbox.texts[0] === 'v6', 'v6 multicast');
  });

  it('broadcast needs SO_BROADCAST', async () => {
    const p = new MemoryProvider();
    const a = udp(p, 'ipv4', v4('0.0.0.0'));
    const s = p.createDatagram('ipv4');
    const denied = send(s, text('x'), v4('255.255.255.255', a.address.port));
    s.setBroadcast(true);
    const ok = send(s, text('y'), v4('255.255.255.255', a.address.port));
    await settle(p.network);
    expect([denied.errno, ok.errno]).toEqual([E.EACCES, 0]);
    expect(a.inbox.texts).toEqual(['y']);
  });

  it('records TTL settings and validates them', () => {
    const p = new MemoryProvider();
    const h = p.createDatagram('ipv4') as MemoryDatagramHandle;
    h.setTTL(12);
    h.setBroadcast(true);
    expect([h.ttl, h.broadcast]).toEqual([12, true]);
    expect(errnoOf(() => h.setTTL(0))).toBe(E.EINVAL);
    expect(errnoOf(() => h.setMulticastTTL(256))).toBe(E.EINVAL);
    h.close();
    h.close();
    expectClean(p.network);
  });
});

// ---------------------------------------------------------------- lookup

describe('lookup', () => {
  it('resolves localhost, literals and added hosts; ENOENT otherwise', async () => {
    const p = new MemoryProvider();
    expect(await p.lookup('localhost', 'any')).toEqual([
      { family: 'ipv4', address: '127.0.0.1' },
      { family: 'ipv6', address: '::1' },
    ]);
    expect(await p.lookup('LOCALHOST.', 'ipv6')).toEqual([{ family: 'ipv6', address: '::1' }]);
    expect(await p.lookup('127.0.0.9', 'any')).toEqual([{ family: 'ipv4', address: '127.0.0.9' }]);
    expect(await p.lookup('0:0::1', 'ipv6')).toEqual([{ family: 'ipv6', address: '::1' }]);
    p.network.addHost('db.internal', ['127.0.0.5', '::1']);
    expect(await p.lookup('db.internal', 'ipv4')).toEqual([{ family: 'ipv4', address: '127.0.0.5' }]);
    expect(await new MemoryProvider({ network: p.network }).lookup('DB.internal', 'any')).toHaveLength(2);
    await expect(p.lookup('example.com', 'any')).rejects.toMatchObject({ errno: E.ENOENT, code: 'ENOENT' });
    await expect(p.lookup('127.0.0.1', 'ipv6')).rejects.toBeInstanceOf(ErrnoError);
    expect(p.network.removeHost('db.internal')).toBe(true);
    await expect(p.lookup('db.internal', 'any')).rejects.toMatchObject({ errno: E.ENOENT });
    expect(errnoOf(() => p.network.addHost('bad', ['not-an-ip']))).toBe(E.EINVAL);
  });
});
