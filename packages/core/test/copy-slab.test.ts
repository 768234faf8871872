/**
 * copyOut/recycle: every copy holds exactly the bytes it was given and no
 * later copy writes over a live one — small copies share slabs without
 * overlapping, big ones come from the provider's allocator, and a big
 * copy's memory is reused only after the host said it wrote it whole.
 */
import { describe, expect, it } from 'vitest';
import { copyOut, recycle } from '../src/copy-slab.js';
import type { RawSocketProvider } from '../src/provider.js';

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** A provider that only allocates, counting its allocations. */
function allocating(): RawSocketProvider & { allocations: number } {
  const p = {
    allocations: 0,
    allocate(size: number): Uint8Array {
      p.allocations++;
      return new Uint8Array(size).fill(0xee);
    },
  };
  return p as unknown as RawSocketProvider & { allocations: number };
}

const plain = {} as RawSocketProvider;

/** Index of the first byte where a and b differ (-1: equal); cheaper than a deep equal of 600 arrays. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return -2;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('copyOut', () => {
  it('small copies keep their bytes while the source changes and later copies follow', () => {
    const kept: Array<{ copy: Uint8Array; want: Uint8Array }> = [];
    // Sizes up to the slab limit, enough of them to fill several slabs.
    for (let i = 0; i < 600; i++) {
      const n = 1 + ((i * 997) % 4096);
      const src = bytes(n + 3, i);
      const copy = copyOut(src, n, plain);
      const want = src.slice(0, n);
      src.fill(0);
      kept.push({ copy, want });
    }
    expect(kept.map(({ copy, want }) => firstDiff(copy, want)).filter((d) => d !== -1)).toEqual([]);
  });

  it('copies only the first n bytes', () => {
    const src = bytes(100, 1);
    expect(copyOut(src, 10, plain)).toEqual(src.slice(0, 10));
    expect(copyOut(bytes(9000, 2), 5000, plain)).toEqual(bytes(9000, 2).slice(0, 5000));
  });

  it('big copies use the provider allocator, or a fresh array without one', () => {
    const p = allocating();
    const src = bytes(10_000, 3);
    const a = copyOut(src, src.byteLength, p);
    expect(p.allocations).toBe(1);
    expect(a).toEqual(src);
    const b = copyOut(src, src.byteLength, plain);
    expect(b).toEqual(src);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it('reuses a big copy only after recycle(), and only the last one', () => {
    const p = allocating();
    const first = copyOut(bytes(65536, 4), 65536, p);
    const second = copyOut(bytes(65536, 5), 65536, p);
    expect(p.allocations).toBe(2);
    // Not the last copy: nothing is reused, both keep their bytes.
    recycle(first);
    const third = copyOut(bytes(65536, 6), 65536, p);
    expect(p.allocations).toBe(3);
    expect(first).toEqual(bytes(65536, 4));
    expect(second).toEqual(bytes(65536, 5));
    // The last copy, written whole: its memory carries the next copy.
    recycle(third);
    const fourth = copyOut(bytes(20_000, 7), 20_000, p);
    expect(p.allocations).toBe(3);
    expect(fourth.buffer).toBe(third.buffer);
    expect(fourth).toEqual(bytes(20_000, 7));
    // Reused once: the next big copy needs memory of its own again.
    const fifth = copyOut(bytes(65536, 8), 65536, p);
    expect(p.allocations).toBe(4);
    expect(fifth.buffer).not.toBe(fourth.buffer);
    expect(fourth).toEqual(bytes(20_000, 7));
  });

  it('a spare too small for the next copy is not used', () => {
    const p = allocating();
    const small = copyOut(bytes(5000, 9), 5000, p);
    recycle(small);
    const big = copyOut(bytes(70_000, 10), 70_000, p);
    expect(big.buffer).not.toBe(small.buffer);
    expect(big).toEqual(bytes(70_000, 10));
  });
});
