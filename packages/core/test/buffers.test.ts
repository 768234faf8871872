/**
 * ByteQueue against a plain byte array: chunks of every size, reads of
 * every size (whole chunks, parts, across chunks), peeks, long runs that
 * make it compact its spent slots, and the byte budget it reports.
 */
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../src/buffers.js';

/** A small deterministic generator (xorshift32), so a failure replays. */
function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe('ByteQueue', () => {
  it('reads back exactly what was pushed, in order, through peeks and partial reads', () => {
    const held = { n: 0 };
    const q = new ByteQueue({ add: (n) => (held.n += n), release: (n) => (held.n -= n) });
    const model: number[] = [];
    const rand = rng(12345);
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      if (rand(3) === 0 || model.length === 0) {
        const chunk = new Uint8Array(rand(300));
        for (let i = 0; i < chunk.length; i++) chunk[i] = next++ & 0xff;
        q.push(chunk);
        model.push(...chunk);
      } else {
        const peek = rand(5) === 0;
        const dest = new Uint8Array(rand(700));
        const n = q.read(dest, peek);
        const want = Math.min(dest.length, model.length);
        expect(n).toBe(want);
        expect([...dest.subarray(0, n)]).toEqual(model.slice(0, n));
        if (!peek) model.splice(0, n);
      }
      expect(q.length).toBe(model.length);
      expect(held.n).toBe(model.length);
    }
    q.clear();
    expect(q.length).toBe(0);
    expect(held.n).toBe(0);
  });

  it('many small chunks drained one read at a time keep their order (the spent slots are compacted)', () => {
    const q = new ByteQueue();
    for (let i = 0; i < 1000; i++) q.push(new Uint8Array([i & 0xff, (i >> 8) & 0xff]));
    const two = new Uint8Array(2);
    for (let i = 0; i < 1000; i++) {
      // Push more while reading, so the queue is never empty and must compact.
      if (i % 3 === 0) q.push(new Uint8Array([(1000 + i) & 0xff, ((1000 + i) >> 8) & 0xff]));
      expect(q.read(two)).toBe(2);
      expect(two[0]! | (two[1]! << 8)).toBe(i);
    }
    expect(q.length).toBe(2 * 334);
  });
});
