/**
 * Random syscall sequences for property tests: well-formed and malformed
 * calls against a RawSockets table (and its byte-level SocketSyscalls),
 * checking after every step that nothing threw, every failure is a known
 * Linux errno, readiness agrees with what a following call returns, and
 * queues stay within their bounds.
 */
import fc from 'fast-check';
import type { RawSockets, Result } from '../../src/api.js';
import { MSG_DONTWAIT, MSG_PEEK, POLLIN, POLLRDHUP, SOCK_DGRAM, SOL_SOCKET, SO_TYPE } from '../../src/constants.js';
import { errnoName } from '../../src/errno.js';
import { SocketSyscalls } from '../../src/syscalls.js';

type Op = (net: RawSockets, sys: SocketSyscalls, fds: number[]) => Result<unknown> | number | Promise<Result<unknown>> | void;

const fdArb = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(-1, 99999, 2 ** 31));
const portArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 65535 }), fc.constantFrom(-1, 70000));
const addrArb = fc.oneof(
  fc.record({ family: fc.constant('ipv4' as const), address: fc.constantFrom('127.0.0.1', '0.0.0.0', '10.0.0.1', '999.1.1.1', ''), port: portArb }),
  fc.record({ family: fc.constant('ipv6' as const), address: fc.constantFrom('::1', '::', '::ffff:127.0.0.1', 'zz::'), port: portArb }),
  fc.record({ family: fc.constant('unix' as const), path: fc.constantFrom('/fuzz/a.sock', '/fuzz/b.sock', '', '\0abs', 'x'.repeat(200)) }),
);
const lenArb = fc.oneof(fc.integer({ min: 0, max: 70000 }), fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER));
const pick = (fds: number[], n: number) => (fds.length && n >= 0 && n < 12 ? (fds[n % fds.length] as number) : n);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ d: fc.constantFrom('ipv4', 'ipv6', 'unix', 99), t: fc.constantFrom('stream', 'dgram', 3, 0x12345), nb: fc.boolean() }).map(
    ({ d, t, nb }): Op => (net, _s, fds) => {
      const r = net.socket(d as never, t as never, { nonBlocking: nb });
      if (r.ok) fds.push(r.value);
      return r;
    },
  ),
  fc.tuple(fdArb, addrArb).map(([fd, a]): Op => (net, _s, fds) => net.bind(pick(fds, fd), a as never)),
  fc.tuple(fdArb, fc.integer({ min: -5, max: 10000 })).map(([fd, b]): Op => (net, _s, fds) => net.listen(pick(fds, fd), b)),
  fc.tuple(fdArb, addrArb).map(([fd, a]): Op => (net, _s, fds) => net.connect(pick(fds, fd), a as never)),
  fdArb.map((fd): Op => (net, _s, fds) => {
    const r = net.accept(pick(fds, fd));
    if (r.ok) fds.push(r.value.fd);
    return r;
  }),
  fc.tuple(fdArb, lenArb).map(([fd, n]): Op => (net, _s, fds) => net.send(pick(fds, fd), new Uint8Array(Number.isSafeInteger(n) && n >= 0 && n < 70000 ? n : 1), MSG_DONTWAIT)),
  fc.tuple(fdArb, addrArb, fc.integer({ min: 0, max: 2000 })).map(([fd, a, n]): Op => (net, _s, fds) => net.sendto(pick(fds, fd), new Uint8Array(n), a as never)),
  fc.tuple(fdArb, lenArb, fc.constantFrom(0, MSG_PEEK, 0x20)).map(([fd, n, f]): Op => (net, _s, fds) => net.recvfrom(pick(fds, fd), n, f)),
  fc.tuple(fdArb, fc.integer({ min: -1, max: 4 })).map(([fd, how]): Op => (net, _s, fds) => net.shutdown(pick(fds, fd), how)),
  fdArb.map((fd): Op => (net, _s, fds) => {
    const target = pick(fds, fd);
    const r = net.close(target);
    if (r.ok) fds.splice(fds.indexOf(target), 1);
    return r;
  }),
  fdArb.map((fd): Op => (net, _s, fds) => {
    const r = net.dup(pick(fds, fd));
    if (r.ok) fds.push(r.value);
    return r;
  }),
  fc.tuple(fdArb, fc.constantFrom(0, 1, 6, 41, 17, 999), fc.integer({ min: 0, max: 40 }), fc.oneof(fc.integer(), fc.record({ onoff: fc.integer(), linger: fc.integer() }), fc.record({ sec: fc.integer(), usec: fc.integer() }), fc.record({ group: fc.constantFrom('239.1.1.1', 'ff02::1', 'x') }))).map(
    ([fd, level, name, value]): Op => (net, _s, fds) => net.setsockopt(pick(fds, fd), level, name, value as never),
  ),
  fc.tuple(fdArb, fc.constantFrom(0, 1, 6, 41, 999), fc.integer({ min: 0, max: 40 })).map(([fd, level, name]): Op => (net, _s, fds) => net.getsockopt(pick(fds, fd), level, name)),
  // Malformed bytes through the syscall interface.
  fc.tuple(fdArb, fc.uint8Array({ maxLength: 140 }), fc.integer({ min: -4, max: 200 })).map(([fd, bytes, len]): Op => (_n, sys, fds) => sys.bind(pick(fds, fd), bytes, len)),
  fc.tuple(fdArb, fc.uint8Array({ maxLength: 140 }), fc.integer({ min: -4, max: 200 })).map(([fd, bytes, len]): Op => (_n, sys, fds) => sys.connect(pick(fds, fd), bytes, len)),
  fc.tuple(fdArb, fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 140 }), fc.integer({ min: -4, max: 200 })).map(
    ([fd, data, addr, len]): Op => (_n, sys, fds) => sys.sendto(pick(fds, fd), data, 0, addr, len),
  ),
  fc.tuple(fdArb, fc.constantFrom(0, 1, 6, 41), fc.integer({ min: 0, max: 40 }), fc.uint8Array({ maxLength: 24 })).map(
    ([fd, level, name, bytes]): Op => (_n, sys, fds) => sys.setsockopt(pick(fds, fd), level, name, bytes),
  ),
  fc.tuple(fdArb, fc.constantFrom(0, 1, 6, 41), fc.integer({ min: 0, max: 40 }), fc.integer({ min: -2, max: 32 })).map(
    ([fd, level, name, len]): Op => (_n, sys, fds) => sys.getsockopt(pick(fds, fd), level, name, new Uint8Array(32), len),
  ),
  fc.tuple(fdArb, fc.integer({ min: -1, max: 0x6000 }), fc.integer()).map(([fd, req, arg]): Op => (_n, sys, fds) => sys.ioctl(pick(fds, fd), req, arg)),
  fc.constant((): Promise<Result<unknown>> => new Promise((r) => setTimeout(() => r({ ok: true, value: undefined }), 1))),
);

/** Checks one call's outcome: a Result or a syscall number, never garbage. */
export function checkOutcome(out: unknown): void {
  if (out === undefined) return;
  if (typeof out === 'number') {
    if (out < 0 && !errnoName(-out)) throw new Error(`unknown errno ${out}`);
    return;
  }
  const r = out as Result<unknown>;
  if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') throw new Error(`not a Result: ${String(out)}`);
  if (!r.ok && !errnoName(r.errno)) throw new Error(`unknown errno ${r.errno}`);
}

/** Invariants over every open fd: readiness agrees with a following peek; queues within bounds. */
export function checkInvariants(net: RawSockets, fds: number[], maxQueue: number): void {
  for (const fd of fds) {
    const [mask] = net.poll([{ fd, events: 0xffff }]);
    if (mask === undefined) throw new Error('poll gave nothing');
    const avail = net.available(fd);
    if (avail.ok && avail.value > maxQueue) throw new Error(`fd ${fd} holds ${avail.value} > ${maxQueue}`);
    // Linux itself reports POLLIN|POLLRDHUP on a UDP socket after shutdown(SHUT_RD)
    // while recv still says EAGAIN (checked natively); that pairing is faithful.
    const udpShutRd = mask & POLLRDHUP && net.getsockopt(fd, SOL_SOCKET, SO_TYPE).value === SOCK_DGRAM;
    if (mask & POLLIN && !udpShutRd) {
      const peek = net.recvfrom(fd, 1, MSG_PEEK);
      // A listener's POLLIN means accept, not recv.
      if (!peek.ok && peek.code === 'EAGAIN') throw new Error(`fd ${fd}: POLLIN but recv says EAGAIN`);
    }
  }
}

/**
 * Opens a small world for the random ops to act on: a listener, a
 * connected TCP pair and a UDP pair on loopback.
 */
export async function seedWorld(net: RawSockets): Promise<number[]> {
  const v4 = (port = 0) => ({ family: 'ipv4' as const, address: '127.0.0.1', port });
  const l = net.socket('ipv4', 'stream').value!;
  net.bind(l, v4());
  net.listen(l, 8);
  const port = (net.getsockname(l).value as { port: number }).port;
  const c = net.socket('ipv4', 'stream').value!;
  await net.connectAsync(c, v4(port), 5000);
  const a = (await net.acceptAsync(l, 5000)).value!.fd;
  const u1 = net.socket('ipv4', 'dgram').value!;
  const u2 = net.socket('ipv4', 'dgram').value!;
  net.bind(u1, v4());
  net.connect(u2, net.getsockname(u1).value!);
  return [l, c, a, u1, u2];
}

/** Runs one op sequence over `initial` fds; returns the fds left open. */
export async function runSequence(net: RawSockets, ops: readonly Op[], maxQueue: number, initial: number[] = []): Promise<number[]> {
  const sys = new SocketSyscalls(net.table, {
    onInternalError: (e) => {
      throw e instanceof Error ? e : new Error(String(e));
    },
  });
  const fds: number[] = [...initial];
  for (const op of ops) {
    checkOutcome(await op(net, sys, fds));
    checkInvariants(net, fds.filter((fd) => net.table.has(fd)), maxQueue);
  }
  return fds;
}
