/**
 * Worker mode's posted sends (BridgedSyscalls.sendto → tryPost): a small
 * send on a connected stream whose room, as the readiness board shows it
 * less what is posted and not yet run, takes all of it returns its length
 * at once and goes to the worker without a round trip; anything else is an
 * ordinary round trip. A fake bridge and board pin the rule.
 */
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BridgeRequest } from '@rawsock/core';
import { NODES, buildNative, buildWasm, emccVersion, run } from './harness.js';
import { OTHERS, artifactFor } from './other-runtimes.js';
import { BridgedSyscalls, POST_MAX } from '../../src/runtime/blocking/bridged-syscalls.js';
import type { BoardRead } from '../../src/runtime/blocking/readiness-board.js';

const FD = 5;

/** A send the fake queue took: what the worker will run. */
interface Queued {
  readonly fd: number;
  readonly flags: number;
  readonly bytes: number;
}

function fake() {
  const calls: BridgeRequest[] = [];
  const posts: Queued[] = [];
  const none = new Uint8Array(0);
  const bridge = {
    maxTransfer: 1 << 20,
    call: (req: BridgeRequest) => {
      calls.push(req);
      return { result: req.data?.byteLength ?? 0, addrlen: 0, msgFlags: 0, optlen: 0, value: 0, payload: none, addr: none };
    },
  };
  const queue = { append: (fd: number, flags: number, data: Uint8Array) => (posts.push({ fd, flags, bytes: data.byteLength }), true) };
  const rings = { take: () => 0 };
  let board: BoardRead | undefined = {
    version: 0,
    gen: 1,
    nonBlocking: false,
    room: 65536,
    postedDone: 0,
    localPeer: true,
    snap: { fd: FD, mask: 0x4, state: 'connected', readable: 0, pendingError: 0 },
  };
  const sys = new BridgedSyscalls(bridge as never, { freeFds: () => [], openSocketFd: () => undefined, socketClosed: () => undefined }, () => board, rings, queue);
  const set = (patch: Partial<Omit<BoardRead, 'snap'>> & { snap?: Partial<BoardRead['snap']> }) => {
    board = { ...board!, ...patch, snap: { ...board!.snap, ...patch.snap } };
  };
  const send = (len: number, flags = 0, addr: Uint8Array | null = null) => sys.sendto(FD, new Uint8Array(len), flags, addr, addr ? addr.byteLength : 0);
  return { sys, calls, posts, set, send, drop: () => (board = undefined) };
}

describe('posted sends (worker mode)', () => {
  it('a small send that fits the room is posted: its length at once, no round trip, marked posted', () => {
    const f = fake();
    expect(f.send(100)).toBe(100);
    expect(f.calls).toEqual([]);
    expect(f.posts).toHaveLength(1);
    expect(f.posts).toEqual([{ fd: FD, flags: 0, bytes: 100 }]);
    expect(f.sys.unconfirmed(FD)).toBe(100);
  });

  it('what is posted and not yet run counts against the room; the worker running it frees the count', () => {
    const f = fake();
    expect(f.send(40_000)).toBe(40_000);
    expect(f.send(30_000)).toBe(30_000); // 65536 − 40000 < 30000: a round trip
    expect([f.posts.length, f.calls.length]).toEqual([1, 1]);
    // The worker ran the posted send: its count is confirmed and the room it took is gone.
    f.set({ postedDone: 40_000, room: 65_536 - 40_000 });
    expect(f.sys.unconfirmed(FD)).toBe(0);
    expect(f.send(20_000)).toBe(20_000);
    expect([f.posts.length, f.calls.length]).toEqual([2, 1]);
  });

  it('a round trip instead where posting could hide an answer: error pending, not connected, closed, no slot, flags, an address, too large', () => {
    const cases: [string, (f: ReturnType<typeof fake>) => number][] = [
      ['pending error', (f) => (f.set({ snap: { pendingError: 104 } }), f.send(10))],
      ['connecting', (f) => (f.set({ snap: { state: 'connecting' } }), f.send(10))],
      ['closed (POLLNVAL)', (f) => (f.set({ snap: { mask: 0x20 } }), f.send(10))],
      ['no board slot', (f) => (f.drop(), f.send(10))],
      ['no room', (f) => (f.set({ room: 0 }), f.send(10))],
      ['MSG_OOB', (f) => f.send(10, 0x1)],
      ['an address', (f) => f.send(10, 0, new Uint8Array(16))],
      ['larger than POST_MAX', (f) => (f.set({ room: 1 << 20 }), f.send(POST_MAX + 1))],
      ['empty', (f) => f.send(0)],
    ];
    for (const [name, act] of cases) {
      const f = fake();
      act(f);
      expect([name, f.posts.length, f.calls.length]).toEqual([name, 0, 1]);
    }
  });

  it('while a posted send may not have run, would-block answers come from the worker, not the board (its peer may be in this program)', () => {
    const f = fake();
    f.set({ nonBlocking: true, snap: { mask: 0 } });
    const buf = new Uint8Array(10);
    // Nothing posted: the board answers EAGAIN with no round trip.
    expect(f.sys.recvfrom(6, buf, 0, null, 0)).toBe(-11);
    expect(f.calls).toHaveLength(0);
    f.send(100);
    expect(f.sys.postsPending()).toBe(true);
    f.sys.recvfrom(6, buf, 0, null, 0);
    expect(f.calls.map((c) => c.op)).toEqual(['recvfrom']);
    // The worker ran it: the board answers again.
    f.set({ postedDone: 100 });
    expect(f.sys.postsPending()).toBe(false);
    expect(f.sys.recvfrom(6, buf, 0, null, 0)).toBe(-11);
    expect(f.calls).toHaveLength(1);
  });

  it('a posted send whose peer is another process holds nothing: would-block answers stay on the board', () => {
    const f = fake();
    f.set({ nonBlocking: true, localPeer: false, snap: { mask: 0 } });
    const buf = new Uint8Array(10);
    expect(f.send(100)).toBe(100);
    expect(f.sys.unconfirmed(FD)).toBe(100);
    expect(f.sys.postsPending()).toBe(false);
    expect(f.sys.recvfrom(6, buf, 0, null, 0)).toBe(-11);
    expect(f.sys.recvfrom(FD, buf, 0, null, 0)).toBe(-11);
    expect(f.calls).toHaveLength(0);
  });

  it('MSG_NOSIGNAL and MSG_DONTWAIT sends are posted too', () => {
    const f = fake();
    f.send(10, 0x4000);
    f.send(10, 0x40);
    expect(f.posts.map((p) => p.flags)).toEqual([0x4000, 0x40]);
  });

  it('a new socket at the fd (a new board generation) starts its own count; close forgets the old one', () => {
    const f = fake();
    f.send(60_000);
    expect(f.sys.unconfirmed(FD)).toBe(60_000);
    f.set({ gen: 2, postedDone: 0, room: 65536 });
    expect(f.sys.unconfirmed(FD)).toBe(0);
    expect(f.send(60_000)).toBe(60_000);
    expect(f.posts).toHaveLength(2);
    f.sys.close(FD);
    expect(f.sys.unconfirmed(FD)).toBe(0);
  });
});

/**
 * End to end: a program that sends 2000 small messages (most of them
 * posted) and returns from main without closing. Every byte must reach the
 * peer, as natively: the glue waits for the posted sends at exit.
 */
const emcc = emccVersion();
const here = dirname(fileURLToPath(import.meta.url));
const RUNTIMES = [
  ...NODES.map((n) => ({ name: n.name, argv: (a: string, args: string[]): [string, string[]] => [n.bin, [a, ...args]] })),
  ...OTHERS.map((rt) => ({ name: rt.name, argv: (a: string, args: string[]): [string, string[]] => [rt.cmd, [...rt.args, artifactFor(rt, a), ...args]] })),
];

/** Runs `argv` against a peer that counts the bytes it gets until the connection ends, and checks their pattern. */
async function peerCount(argv: (args: string[]) => [string, string[]]): Promise<{ bytes: number; inOrder: boolean; stdout: string }> {
  let bytes = 0;
  let inOrder = true;
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const server = createServer((c: Socket) => {
    c.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (d[i] !== 97 + (Math.floor((bytes + i) / 100) % 26)) inOrder = false;
      bytes += d.length;
    });
    c.on('close', () => ended());
    c.on('error', () => ended());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const [cmd, args] = argv(['--port', String((server.address() as { port: number }).port)]);
    const r = await run(cmd, args, undefined, 30_000);
    await Promise.race([done, new Promise((r2) => setTimeout(r2, 5000))]);
    return { bytes, inOrder, stdout: r.stdout };
  } finally {
    server.close();
  }
}

describe.skipIf(!emcc)(`posted sends at the program's end (emcc ${emcc})`, () => {
  let native = '';
  let wasm = '';
  beforeAll(() => {
    const src = join(here, 'c', 'send_then_exit.c');
    native = buildNative(src);
    wasm = buildWasm(src, ['--rawsock-blocking=worker'], '-worker');
  }, 240_000);

  it('natively, every byte arrives', async () => {
    expect(await peerCount((args) => [native, args])).toEqual({ bytes: 200_000, inOrder: true, stdout: 'sent 200000\n' });
  });

  for (const rt of RUNTIMES) {
    it(`worker mode on ${rt.name}: every byte arrives, in order, though main returned right after posting them`, async () => {
      expect(await peerCount((args) => rt.argv(wasm, args))).toEqual({ bytes: 200_000, inOrder: true, stdout: 'sent 200000\n' });
    }, 60_000);
  }
});
