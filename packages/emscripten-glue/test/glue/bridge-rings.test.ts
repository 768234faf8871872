/**
 * Worker mode's shared-memory paths, unit by unit. The receive rings
 * mirror core's receive queue by stream offset and give the program its
 * bytes with no round trip, in order, none lost or doubled, whatever the
 * wrap, a full ring, a round trip that consumed in core, or a dup. The
 * post queue carries sends in order, wakes the worker once per batch, and
 * says when it is full. BridgedSyscalls uses them only where core's own
 * answer would be the same, and keeps sends in order.
 */
import { describe, expect, it } from 'vitest';
import { ByteQueue, type BridgeRequest } from '@rawsock/core';
import { BridgedSyscalls } from '../../src/runtime/blocking/bridged-syscalls.js';
import { PostQueueReader, PostQueueWriter, createPostQueueMemory } from '../../src/runtime/blocking/post-queue.js';
import { RING_BYTES, RingReader, RingWriter, consumedCorrection, createRingMemory, type MirroredSocket } from '../../src/runtime/blocking/recv-rings.js';

/** A connected stream as the ring writer sees it, over core's real queue. */
class Stream implements MirroredSocket {
  state = 'connected';
  refs = 1;
  receivePaused = false;
  readonly q = new ByteQueue();
  readableBytes = () => this.q.length;
  receivedStart = () => this.q.start;
  copyReceived = (offset: number, dest: Uint8Array) => this.q.copyAt(offset, dest);
  discardReceived = (n: number) => this.q.skip(n);
}

/** Deterministic bytes: stream offset → value. */
const byteAt = (offset: number) => (offset * 31 + 7) & 0xff;
const run = (from: number, len: number) => Uint8Array.from({ length: len }, (_, k) => byteAt(from + k));

/** A new connected stream at `fd` with `len` bytes queued (from stream offset 0) and mirrored. */
function arrived(writer: RingWriter, fd: number, len: number, paused = false): Stream {
  const s = new Stream();
  writer.reset(fd, s);
  s.q.push(run(0, len));
  s.receivePaused = paused;
  writer.fill(fd, s);
  return s;
}

function rig(rings?: number) {
  const memory = createRingMemory(rings);
  let nudges = 0;
  const writer = new RingWriter(memory);
  const reader = new RingReader(memory, () => nudges++);
  return { writer, reader, nudges: () => nudges };
}

describe('receive rings (worker mode)', () => {
  it('bytes that arrive are taken from the ring in order; core keeps them until the worker applies what was taken', () => {
    const { writer, reader } = rig();
    const s = arrived(writer, 4, 100);
    const buf = new Uint8Array(60);
    expect(reader.take(4, buf)).toBe(60);
    expect(buf).toEqual(run(0, 60));
    expect(s.q.length).toBe(100); // not applied yet
    writer.syncAll();
    expect([s.q.length, s.q.start]).toEqual([40, 60]);
    expect(reader.take(4, buf)).toBe(40);
    expect(buf.subarray(0, 40)).toEqual(run(60, 40));
    expect(reader.take(4, buf)).toBe(0);
  });

  it('a long stream through a small ring, arrivals and takes of every size: every byte once, in order, across wraps and a full ring', () => {
    const { writer, reader } = rig(1);
    const s = new Stream();
    writer.reset(3, s);
    let sent = 0;
    let got = 0;
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const out = new Uint8Array(40_000);
    while (got < 300_000) {
      if (sent < 300_000 && rnd(3) > 0) {
        const len = Math.min(300_000 - sent, 1 + rnd(9000));
        s.q.push(run(sent, len));
        sent += len;
        writer.fill(3, s);
      }
      const n = reader.take(3, out.subarray(0, 1 + rnd(40_000)));
      if (n > 0) {
        expect(out.subarray(0, n)).toEqual(run(got, n));
        got += n;
      }
      if (rnd(4) === 0) writer.syncAll();
      writer.fill(3, s);
      // The ring never holds more than its size, nor core less than the ring.
      expect(s.q.length).toBeGreaterThanOrEqual(0);
    }
    writer.syncAll();
    expect([got, s.q.length]).toEqual([300_000, 0]);
  });

  it('a full ring takes only RING_BYTES; the rest follows once the program took some', () => {
    const { writer, reader } = rig();
    const s = arrived(writer, 7, RING_BYTES + 5000);
    const all = new Uint8Array(RING_BYTES * 2);
    expect(reader.take(7, all)).toBe(RING_BYTES);
    writer.fill(7, s);
    expect(reader.take(7, all)).toBe(5000);
    expect(all.subarray(0, 5000)).toEqual(run(RING_BYTES, 5000));
  });

  it('a round trip that consumed in core (a recv with flags) moves the ring past those bytes', () => {
    const { writer, reader } = rig();
    const s = arrived(writer, 5, 50);
    const buf = new Uint8Array(10);
    expect(reader.take(5, buf)).toBe(10);
    // The program's next call is a round trip: the worker applies, core's recv takes 25 more.
    writer.syncAll();
    expect(s.q.read(new Uint8Array(25))).toBe(25);
    writer.reconcile(5, s);
    const rest = new Uint8Array(50);
    expect(reader.take(5, rest)).toBe(15);
    expect(rest.subarray(0, 15)).toEqual(run(35, 15));
  });

  it('a second fd for the socket (dup) ends the ring: what was not taken stays in core, nothing doubled', () => {
    const { writer, reader } = rig();
    const s = arrived(writer, 5, 30);
    expect(reader.take(5, new Uint8Array(10))).toBe(10);
    writer.syncAll();
    s.refs = 2;
    writer.fill(5, s);
    expect(reader.take(5, new Uint8Array(10))).toBe(0);
    expect([s.q.start, s.q.length]).toEqual([10, 20]);
    // Back to one fd: a ring again, from where core is.
    s.refs = 1;
    writer.fill(5, s);
    const buf = new Uint8Array(30);
    expect(reader.take(5, buf)).toBe(20);
    expect(buf.subarray(0, 20)).toEqual(run(10, 20));
  });

  it('a new socket at the fd starts empty, whatever the old one left', () => {
    const { writer, reader } = rig();
    const old = arrived(writer, 9, 30);
    writer.reset(9, new Stream());
    expect(reader.take(9, new Uint8Array(30))).toBe(0);
    expect(old.q.length).toBe(30);
  });

  it('when the pool has no ring left, the fd is served without one (take finds nothing)', () => {
    const { writer, reader } = rig(1);
    const [a, b] = [new Stream(), new Stream()];
    writer.reset(3, a);
    writer.reset(4, b);
    a.q.push(run(0, 10));
    b.q.push(run(0, 10));
    writer.fill(3, a);
    writer.fill(4, b);
    expect([reader.take(3, new Uint8Array(10)), reader.take(4, new Uint8Array(10))]).toEqual([10, 0]);
    // fd 3 closes: its ring goes to the next fd that needs one.
    writer.detach(3);
    writer.fill(4, b);
    expect(reader.take(4, new Uint8Array(10))).toBe(10);
  });

  it('core paused its host reads: a take posts one nudge until the worker has it', () => {
    const { writer, reader, nudges } = rig();
    const s = arrived(writer, 6, 100, true);
    reader.take(6, new Uint8Array(10));
    reader.take(6, new Uint8Array(10));
    expect(nudges()).toBe(1);
    writer.clearNudge();
    writer.syncAll();
    reader.take(6, new Uint8Array(10));
    expect(nudges()).toBe(2);
    expect(s.q.start).toBe(20);
  });

  it("the board's readable count and POLLIN leave out what the program took; EOF stays readable", () => {
    expect(consumedCorrection(0x45, 100, 0, 0)).toEqual({ mask: 0x45, readable: 100 });
    expect(consumedCorrection(0x45, 100, 0, 60)).toEqual({ mask: 0x45, readable: 40 });
    expect(consumedCorrection(0x45, 100, 0, 100)).toEqual({ mask: 0x4, readable: 0 });
    expect(consumedCorrection(0x2045, 100, 0, 100)).toEqual({ mask: 0x2045, readable: 0 });
    // Offsets wrap as int32s.
    expect(consumedCorrection(0x45, 10, 0x7ffffffb, -0x7ffffffb)).toEqual({ mask: 0x4, readable: 0 });
  });
});

describe('post queue (worker mode)', () => {
  it('sends come out in order, whole, across the wrap; one wake per batch', async () => {
    const memory = createPostQueueMemory(4096);
    let wakes = 0;
    const w = new PostQueueWriter(memory, () => wakes++);
    const r = new PostQueueReader(memory);
    const seen: [number, number, number[]][] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 3; k++) {
        const len = 1 + ((round * 7 + k * 13) % 700);
        expect(w.append(3 + k, k, run(next, len))).toBe(true);
        next += len;
      }
      await r.drain((fd, flags, data) => void seen.push([fd, flags, [...data]]));
    }
    expect(wakes).toBe(50);
    const joined = seen.flatMap(([, , d]) => d);
    expect(Uint8Array.from(joined)).toEqual(run(0, next));
    expect(seen.slice(0, 3).map(([fd, flags]) => [fd, flags])).toEqual([[3, 0], [4, 1], [5, 2]]);
  });

  it('a full queue says so and queues nothing; a send larger than half the queue never fits', async () => {
    const memory = createPostQueueMemory(4096);
    const w = new PostQueueWriter(memory, () => undefined);
    const r = new PostQueueReader(memory);
    expect(w.append(3, 0, new Uint8Array(2048))).toBe(false);
    expect(w.append(3, 0, new Uint8Array(1500))).toBe(true);
    expect(w.append(3, 0, new Uint8Array(1500))).toBe(true);
    expect(w.append(3, 0, new Uint8Array(1500))).toBe(false);
    let n = 0;
    await r.drain(() => void n++);
    expect(n).toBe(2);
    expect(w.append(3, 0, new Uint8Array(1500))).toBe(true);
  });
});

describe('BridgedSyscalls with rings and the post queue', () => {
  function fake() {
    const calls: BridgeRequest[] = [];
    const none = new Uint8Array(0);
    const bridge = {
      maxTransfer: 1 << 20,
      call: (req: BridgeRequest) => (calls.push(req), { result: 0, addrlen: 0, msgFlags: 0, optlen: 0, value: 0, payload: none, addr: none }),
    };
    let room = true;
    const queued: number[] = [];
    const posts = { append: (_fd: number, _flags: number, data: Uint8Array) => room && (queued.push(data.byteLength), true) };
    const waiting = run(0, 8);
    const rings = { take: (_fd: number, dest: Uint8Array) => (dest.set(waiting.subarray(0, dest.byteLength)), Math.min(8, dest.byteLength)) };
    const board = { version: 0, gen: 1, nonBlocking: false, room: 65536, postedDone: 0, localPeer: true, snap: { fd: 5, mask: 0x4, state: 'connected', readable: 0, pendingError: 0 } };
    const sys = new BridgedSyscalls(bridge as never, { freeFds: () => [], openSocketFd: () => undefined, socketClosed: () => undefined }, () => board, rings, posts);
    return { sys, calls, queued, full: () => (room = false) };
  }

  it('a recv with plain flags takes from the ring: no round trip', () => {
    const f = fake();
    const buf = new Uint8Array(16);
    expect(f.sys.recvfrom(5, buf, 0x40 | 0x4000, null, 0)).toBe(8);
    expect(buf.subarray(0, 8)).toEqual(run(0, 8));
    expect(f.calls).toEqual([]);
  });

  it('MSG_PEEK, MSG_WAITALL, MSG_OOB and an address to fill ask the worker', () => {
    const f = fake();
    for (const flags of [0x2, 0x100, 0x1]) f.sys.recvfrom(5, new Uint8Array(16), flags, null, 0);
    f.sys.recvfrom(5, new Uint8Array(16), 0, new Uint8Array(16), 16);
    expect(f.calls.map((c) => c.args[2] ?? c.op)).toEqual([0x2, 0x100, 0x1, 0]);
  });
  it('a posted send goes to the queue; one the queue has no room for is a round trip, which waits for the sends queued before it', () => {
    const f = fake();
    expect(f.sys.sendto(5, new Uint8Array(100), 0, null, 0)).toBe(100);
    expect([f.queued, f.calls.length]).toEqual([[100], 0]);
    f.full();
    f.sys.sendto(5, new Uint8Array(100), 0, null, 0);
    expect(f.calls.map((c) => c.op)).toEqual(['sendto']);
  });
});
