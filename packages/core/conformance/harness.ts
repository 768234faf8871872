/**
 * The conformance harness: runtime-agnostic assertion and socket helpers.
 * No test-framework imports, so the same cases run under vitest, `deno test`
 * and `bun test`; each runner only wraps {@link runCase}.
 */
import type { SocketAddress } from '../src/address.js';
import type { Result } from '../src/api.js';
import { RawSockets } from '../src/api.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from '../src/constants.js';
import { errnoName, errnoNumber } from '../src/errno.js';
import { fromUtf8, sleep, startTimer, utf8 } from '../src/host.js';
import type { RawSocketProvider } from '../src/provider.js';

/** What a runtime supplies to run the cases. */
export interface ConformanceEnv {
  /** Provider name for messages ('node', 'memory', ...). */
  readonly name: string;
  /** A fresh provider (one per case). */
  createProvider(): RawSocketProvider;
  /** A fresh, unused unix socket path (in a temp dir the env cleans up). */
  unixPath(label: string): string;
  /** Why IPv6 cases cannot run here, or undefined if ::1 works. */
  readonly ipv6Unavailable?: string;
}

/** One conformance case. */
export interface ConformanceCase {
  /** The group it belongs to (tcp, udp, unix, ipv6, options, poll, errors, deviations). */
  readonly group: string;
  /** What it checks, in a sentence. */
  readonly name: string;
  /** Features the case needs; a runner skips it (visibly) if the env lacks one. */
  readonly requires?: readonly ('ipv6' | 'unix' | 'udp')[];
  /** Longest the case may take (ms); default 20 s. */
  readonly timeoutMs?: number;
  /** Runs the case; throws {@link ConformanceFailure} on a mismatch. */
  run(t: CaseContext): Promise<void>;
}

/** A failed expectation. */
export class ConformanceFailure extends Error {
  /** Always `'ConformanceFailure'`. */
  override name = 'ConformanceFailure';
}

/** What a case gets: the API over a fresh provider, the env, and helpers. */
export interface CaseContext {
  /** The sockets API over a fresh provider. */
  readonly net: RawSockets;
  /** The runtime's environment. */
  readonly env: ConformanceEnv;
  /** Registers cleanup run after the case, pass or fail. */
  defer(fn: () => void | Promise<void>): void;
}

/** Why the env cannot run `c`, or undefined. */
export function skipReason(c: ConformanceCase, env: ConformanceEnv): string | undefined {
  if (c.requires?.includes('ipv6') && env.ipv6Unavailable) return env.ipv6Unavailable;
  const caps = env.createProvider().capabilities;
  if (c.requires?.includes('unix') && !caps.unix) return `${env.name} provider has no unix sockets`;
  if (c.requires?.includes('udp') && !caps.udp) return `${env.name} provider has no UDP`;
  return undefined;
}

/** Runs one case against a fresh provider, then closes every fd it left open. */
export async function runCase(c: ConformanceCase, env: ConformanceEnv): Promise<void> {
  const net = new RawSockets({ provider: env.createProvider() });
  const deferred: (() => void | Promise<void>)[] = [];
  const t: CaseContext = { net, env, defer: (fn) => void deferred.push(fn) };
  let cancel: (() => void) | undefined;
  const limit = c.timeoutMs ?? 20_000;
  try {
    await Promise.race([
      c.run(t),
      new Promise<never>((_, reject) => {
        cancel = startTimer(() => reject(new ConformanceFailure(`${c.name}: timed out after ${limit} ms`)), limit);
      }),
    ]);
  } finally {
    cancel?.();
    for (const fn of deferred.reverse()) await fn();
    net.closeAll();
  }
}

// ------------------------------------------------------------------ assertions

function show(v: unknown): string {
  if (v instanceof Uint8Array) return `Uint8Array(${v.byteLength})`;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Fails the case with `message` unless `cond` holds. */
export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new ConformanceFailure(message);
}

/** Fails the case unless `actual` equals `expected` (strictly, or by their printed form). */
export function equal<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected && show(actual) !== show(expected)) {
    throw new ConformanceFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** The value of an ok Result; fails with the errno name otherwise. */
export function unwrap<T>(r: Result<T>, what: string): T {
  if (!r.ok) throw new ConformanceFailure(`${what}: expected success, got ${r.code}`);
  return r.value;
}

/** Asserts a Result failed with `code`. */
export function fails(r: Result<unknown>, code: string, what: string): void {
  if (r.ok) throw new ConformanceFailure(`${what}: expected ${code}, got success (${show(r.value)})`);
  if (r.code !== code) throw new ConformanceFailure(`${what}: expected ${code}, got ${r.code}`);
}

/** Asserts a syscall-style return value is -errno for `code`. */
export function failsRaw(ret: number, code: string, what: string): void {
  const expected = -(errnoNumber(code) ?? NaN);
  if (ret !== expected) throw new ConformanceFailure(`${what}: expected -${code}, got ${ret < 0 ? `-${errnoName(-ret) ?? -ret}` : ret}`);
}

/** Asserts mask has all `bits` set (names for messages). */
export function hasBits(mask: number, bits: number, what: string): void {
  if ((mask & bits) !== bits) throw new ConformanceFailure(`${what}: mask 0x${mask.toString(16)} lacks 0x${bits.toString(16)}`);
}

/** Fails the case if `mask` has any of `bits`. */
export function lacksBits(mask: number, bits: number, what: string): void {
  if ((mask & bits) !== 0) throw new ConformanceFailure(`${what}: mask 0x${mask.toString(16)} has 0x${(mask & bits).toString(16)}`);
}

// ------------------------------------------------------------------ socket helpers

/** Loopback addresses: `loopback.ipv4(port)` is 127.0.0.1, `loopback.ipv6(port)` is ::1. */
export const loopback = {
  /** 127.0.0.1 at `port`. */
  ipv4: (port = 0): SocketAddress => ({ family: 'ipv4', address: '127.0.0.1', port }),
  /** ::1 at `port`. */
  ipv6: (port = 0): SocketAddress => ({ family: 'ipv6', address: '::1', port }),
};

/** The port of a bound IP socket. */
export function portOf(net: RawSockets, fd: number): number {
  const a = unwrap(net.getsockname(fd), 'getsockname');
  check(a.family !== 'unix', 'expected an IP address');
  return a.port;
}

/** The full poll mask of an fd right now. */
export function maskOf(net: RawSockets, fd: number): number {
  return net.poll([{ fd, events: 0xffff }])[0] as number;
}

/** Waits until `fd` shows all of `events` (or fails after `timeoutMs`). */
export async function waitFor(net: RawSockets, fd: number, events: number, timeoutMs = 5000, what = 'wait'): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mask = maskOf(net, fd);
    if ((mask & events) === events) return mask;
    const left = deadline - Date.now();
    if (left <= 0) throw new ConformanceFailure(`${what}: fd ${fd} never showed 0x${events.toString(16)} (mask 0x${mask.toString(16)})`);
    await net.wait([{ fd, events }], Math.min(left, 250));
  }
}

/** A listening TCP socket on loopback; returns its fd and port. */
export function listenTcp(net: RawSockets, family: 'ipv4' | 'ipv6' = 'ipv4', backlog = 16): {
  /** The listener's fd. */
  fd: number;
  /** Its port. */
  port: number;
} {
  const fd = unwrap(net.socket(family, 'stream'), 'socket');
  unwrap(net.bind(fd, loopback[family]()), 'bind');
  unwrap(net.listen(fd, backlog), 'listen');
  return { fd, port: portOf(net, fd) };
}

/** Connects a client to `address` and accepts it on `listener`. */
export async function connectPair(net: RawSockets, listener: number, address: SocketAddress): Promise<{
  /** The connecting side's fd. */
  client: number;
  /** The accepted side's fd. */
  server: number;
}> {
  const client = unwrap(net.socket(address.family, 'stream', { nonBlocking: true }), 'socket');
  unwrap(await net.connectAsync(client, address, 5000), 'connect');
  const accepted = unwrap(await net.acceptAsync(listener, 5000), 'accept');
  return { client, server: accepted.fd };
}

/** A connected TCP pair over a fresh listener. */
export async function tcpPair(
  net: RawSockets,
  family: 'ipv4' | 'ipv6' = 'ipv4',
): Promise<{
  /** The connecting side's fd. */
  client: number;
  /** The accepted side's fd. */
  server: number;
  /** The listener's fd. */
  listener: number;
  /** The listener's port. */
  port: number;
}> {
  const l = listenTcp(net, family);
  const pair = await connectPair(net, l.fd, loopback[family](l.port));
  return { ...pair, listener: l.fd, port: l.port };
}

/** Reads exactly `n` bytes (fails on EOF or timeout). */
export async function readExactly(net: RawSockets, fd: number, n: number, timeoutMs = 5000): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const chunk = unwrap(await net.recvAsync(fd, n - got, timeoutMs), 'recv');
    if (chunk.byteLength === 0) throw new ConformanceFailure(`EOF after ${got} of ${n} bytes`);
    out.set(chunk, got);
    got += chunk.byteLength;
  }
  return out;
}

/** Reads until EOF; returns everything. */
export async function readToEnd(net: RawSockets, fd: number, timeoutMs = 5000): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = unwrap(await net.recvAsync(fd, 65536, timeoutMs), 'recv');
    if (chunk.byteLength === 0) break;
    parts.push(chunk);
    total += chunk.byteLength;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** UTF-8 bytes of a string. */
export const text = utf8;
/** The string of UTF-8 bytes. */
export const str = fromUtf8;
export { sleep };

/** Deterministic pseudo-random bytes (xorshift32), so a failure is reproducible. */
export function patternBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A deterministic sequence of chunk sizes in [1, max]. */
export function chunkSizes(seed: number, max: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return 1 + ((x >>> 0) % max);
  };
}

/** Index of the first byte where `a` and `b` differ (the shorter length when their lengths differ), or -1 if they are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** POLLIN. */
export const READ = POLLIN;
/** POLLOUT. */
export const WRITE = POLLOUT;
/** POLLERR | POLLHUP. */
export const ERR_HUP = POLLERR | POLLHUP;
