/**
 * Worker mode's readiness reaches the program's thread through a bounded
 * board, not a message per change: a program that never returns to its
 * event loop while its sockets change thousands of times finds at most one
 * wake waiting when it does, and the snapshots it then gets still carry
 * every edge (a readable bit that rose and fell while it was busy). Runs
 * the built runtime bundle (dist/rawsock-runtime.js) as a program would,
 * with a minimal fd space in place of Emscripten's FS.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { SocketSnapshot } from '../../src/runtime/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bundle = join(root, 'packages', 'emscripten-glue', 'dist', 'rawsock-runtime.js');

interface Runtime {
  readonly mode: string;
  readonly sys: {
    socketpair(d: number, t: number, p: number, fds: number[]): number;
    sendto(fd: number, data: Uint8Array, flags: number, addr: null, addrlen: number): number;
    recvfrom(fd: number, buf: Uint8Array, flags: number, addr: null, addrlen: number): number;
    close(fd: number): number;
    socket(domain: number, type: number, protocol: number): number;
    bind(fd: number, addr: Uint8Array, addrlen: number): number;
    listen(fd: number, backlog: number): number;
    connect(fd: number, addr: Uint8Array, addrlen: number): number;
    accept4(fd: number, addr: null, addrlen: number, flags: number): number;
    getsockname(fd: number, addr: Uint8Array, addrlen: number): number;
    fcntl(fd: number, cmd: number, arg: number): number;
  };
  revents(fd: number, events: number): number;
  waitReady(requests: { fd: number; events: number }[], timeoutMs: number): unknown;
  watch(fd: number, listener: (s: SocketSnapshot) => void): void;
}

function workerRuntime(): Runtime {
  const { createGlueRuntime } = runInThisContext(`${readFileSync(bundle, 'utf8')}\n;RawsockRuntime`) as {
    createGlueRuntime(fs: object, options: object): Runtime;
  };
  const used = new Set([0, 1, 2]);
  const fs = {
    newSocketFd: () => {
      throw new Error('worker mode offers fds instead');
    },
    isOtherFd: () => false,
    freeFds: (count: number) => {
      const out: number[] = [];
      for (let fd = 0; out.length < count; fd++) if (!used.has(fd)) out.push(fd);
      return out;
    },
    openSocketFd: (fd: number) => used.add(fd),
    hasCallbacks: () => false,
  };
  return createGlueRuntime(fs, { blocking: 'worker' });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker mode: readiness on a bounded board', () => {
  it('a program that never yields during 2000 round trips gets a bounded number of snapshots afterwards, edges kept', async () => {
    const rt = workerRuntime();
    expect(rt.mode).toBe('worker');
    const fds = [0, 0];
    expect(rt.sys.socketpair(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, fds)).toBe(0);
    const [a, b] = fds as [number, number];
    const snaps: SocketSnapshot[] = [];
    rt.watch(b, (s) => snaps.push(s));
    await settle(100);
    expect(snaps[0]?.initial).toBe(true);
    const quiet = snaps.length;

    // Each round trip makes `b` readable, then not: two readiness changes
    // the worker sees while this thread never returns to its event loop.
    const one = new Uint8Array([7]);
    const buf = new Uint8Array(16);
    for (let i = 0; i < 2000; i++) {
      expect(rt.sys.sendto(a, one, 0, null, 0)).toBe(1);
      expect(rt.sys.recvfrom(b, buf, 0, null, 0)).toBe(1);
    }
    await settle(300);
    // Was one message per change (~4000 queued): now at most one wake was in flight.
    expect(snaps.length - quiet).toBeLessThanOrEqual(2);
    const last = snaps[snaps.length - 1] as SocketSnapshot;
    expect(last.mask & 0x1).toBe(0);
    // The readable edges happened and are not lost by coalescing.
    expect((last.rose ?? 0) & 0x1).toBe(0x1);

    // Callbacks still follow new changes: a byte arriving is delivered as readable.
    const before = snaps.length;
    expect(rt.sys.sendto(a, one, 0, null, 0)).toBe(1);
    for (let t = 0; t < 100 && !snaps.slice(before).some((s) => s.mask & 0x1 && s.readable === 1); t++) await settle(20);
    expect(snaps.slice(before).some((s) => s.mask & 0x1 && s.readable === 1)).toBe(true);
    expect(rt.sys.close(a)).toBe(0);
    expect(rt.sys.close(b)).toBe(0);
  });

  it('answers from the board see every effect of the calls made before: revents, non-blocking recv and accept', () => {
    const rt = workerRuntime();
    const EAGAIN = -11;
    const fds = [0, 0];
    expect(rt.sys.socketpair(1 /* AF_UNIX */, 1 | 0x800 /* SOCK_STREAM | SOCK_NONBLOCK */, 0, fds)).toBe(0);
    const [a, b] = fds as [number, number];
    const buf = new Uint8Array(16);
    expect(rt.revents(b, 0x1)).toBe(0);
    expect(rt.sys.recvfrom(b, buf, 0, null, 0)).toBe(EAGAIN);
    expect(rt.sys.sendto(a, new Uint8Array([1, 2, 3]), 0, null, 0)).toBe(3);
    rt.waitReady([{ fd: b, events: 0x1 }], 5000);
    // What the worker's poll saw is on the board before poll returned.
    expect(rt.revents(b, 0x1)).toBe(0x1);
    expect(rt.sys.recvfrom(b, buf.subarray(0, 1), 0, null, 0)).toBe(1);
    expect(rt.revents(b, 0x1)).toBe(0x1);
    expect(rt.sys.recvfrom(b, buf, 0, null, 0)).toBe(2);
    // The receive that drained it is on the board before it returned: no stale POLLIN.
    expect(rt.revents(b, 0x1)).toBe(0);
    expect(rt.sys.recvfrom(b, buf, 0, null, 0)).toBe(EAGAIN);
    // O_NONBLOCK cleared (a change no readiness notification carries): a
    // blocking receive must reach the worker and wait there for the byte.
    expect(rt.sys.fcntl(b, 4 /* F_SETFL */, 0)).toBe(0);
    expect(rt.sys.sendto(a, new Uint8Array([9]), 0, null, 0)).toBe(1);
    expect(rt.sys.recvfrom(b, buf, 0, null, 0)).toBe(1);
    expect(buf[0]).toBe(9);
    // MSG_DONTWAIT on the blocking fd: EAGAIN again, not a wait.
    expect(rt.sys.recvfrom(b, buf, 0x40, null, 0)).toBe(EAGAIN);
    // EOF is not EAGAIN.
    expect(rt.sys.close(a)).toBe(0);
    rt.waitReady([{ fd: b, events: 0x1 }], 5000);
    expect(rt.sys.recvfrom(b, buf, 0x40, null, 0)).toBe(0);
    expect(rt.sys.close(b)).toBe(0);

    // A non-blocking listener: EAGAIN with nothing queued, the connection once one is.
    const l = rt.sys.socket(2 /* AF_INET */, 1 | 0x800, 0);
    const sin = new Uint8Array([2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rt.sys.bind(l, sin, 16)).toBe(0);
    expect(rt.sys.listen(l, 8)).toBe(0);
    const bound = new Uint8Array(16);
    expect(rt.sys.getsockname(l, bound, 16)).toBe(0);
    expect(rt.sys.accept4(l, null, 0, 0)).toBe(EAGAIN);
    const c = rt.sys.socket(2, 1, 0);
    expect(rt.sys.connect(c, bound, 16)).toBe(0);
    rt.waitReady([{ fd: l, events: 0x1 }], 5000);
    expect(rt.revents(l, 0x1)).toBe(0x1);
    const s = rt.sys.accept4(l, null, 0, 0);
    expect(s).toBeGreaterThan(0);
    expect(rt.revents(l, 0x1)).toBe(0);
    expect(rt.sys.accept4(l, null, 0, 0)).toBe(EAGAIN);
    for (const fd of [s, c, l]) expect(rt.sys.close(fd)).toBe(0);
  });
});
