/**
 * The one copy of outgoing bytes, out of the caller's memory (usually wasm
 * memory) into a chunk the host may keep until it has written it.
 *
 * A plain `slice()` per send costs an allocation each time: V8 keeps a copy
 * of up to 64 bytes on its heap and gives it real memory (malloc, a backing
 * store, a sweeper entry) only when the host asks for its `.buffer` — which
 * every runtime's write does — and a bigger one is a malloc of its own that
 * is zeroed before it is overwritten. Small copies are therefore carved from
 * a shared slab, as Node does for small Buffers (`Buffer.poolSize`, 8 KiB,
 * used below half its size): a part handed out is never written again, and
 * a slab is freed once the host has let go of every part of it, so what a
 * live part can hold alive is one slab. Bigger copies go into memory from
 * the provider's {@link RawSocketProvider.allocate} when it has one (not
 * zeroed first), else into a fresh array.
 * https://nodejs.org/api/buffer.html#class-property-bufferpoolsize
 */
import type { RawSocketProvider } from './provider.js';

/** Bytes per slab. */
const SLAB_BYTES = 8 * 1024;
/** Copies of at most this many bytes come from the slab. */
const SLAB_MAX_COPY = SLAB_BYTES >>> 1;

let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

/** Big copies up to this size are recycled (see {@link recycle}). */
const SPARE_MAX_BYTES = 256 * 1024;
/** Memory of a big copy the host has let go of, ready for the next one. */
let spare: Uint8Array | undefined;
/** The last big copy handed out, and the memory it was cut from. */
let lastCopy: Uint8Array | undefined;
let lastMemory: Uint8Array | undefined;

/** A copy of `data[0, n)` that nobody else writes to. */
export function copyOut(data: Uint8Array, n: number, provider: RawSocketProvider): Uint8Array {
  const from = n === data.byteLength ? data : data.subarray(0, n);
  if (n > SLAB_MAX_COPY) {
    let memory: Uint8Array;
    if (spare !== undefined && spare.byteLength >= n) {
      memory = spare;
      spare = undefined;
    } else {
      memory = provider.allocate !== undefined ? provider.allocate(n) : new Uint8Array(n);
    }
    const out = memory.byteLength === n ? memory : memory.subarray(0, n);
    out.set(from);
    lastCopy = out;
    lastMemory = memory;
    return out;
  }
  if (used + n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const part = slab.subarray(used, used + n);
  part.set(from);
  // Parts start 8-byte aligned, like Node's pool (alignPool).
  used = (used + n + 7) & ~7;
  return part;
}

/**
 * Says the host has written `chunk` and keeps no reference to it (its
 * write() took it whole at once, or a connection that releases written
 * chunks reported everything sent as written): if it is the last big copy,
 * its memory serves the next one. A bulk echo then copies every chunk into
 * the same memory instead of allocating (and faulting in, and collecting)
 * 64 KiB per send.
 */
export function recycle(chunk: Uint8Array): void {
  if (chunk !== lastCopy || lastMemory === undefined) return;
  if (lastMemory.byteLength <= SPARE_MAX_BYTES && (spare === undefined || spare.byteLength < lastMemory.byteLength)) spare = lastMemory;
  lastCopy = lastMemory = undefined;
}
