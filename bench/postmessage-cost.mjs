// What one worker_threads round trip costs by the bytes the message
// carries: the caller posts { op, args, data: Uint8Array(n) } and sleeps in
// Atomics.wait until the worker answers through a SharedArrayBuffer (the
// bridge's shape). Deno copies a message's bytes at about 140 ns each, which
// is why the bridge puts a request's input bytes in shared memory
// (packages/core/src/bridge/protocol.ts). Prints one JSON line (µs by size).
//   node bench/postmessage-cost.mjs | deno run --allow-read bench/postmessage-cost.mjs | bun bench/postmessage-cost.mjs
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.versions.node}`;
  const sab = new SharedArrayBuffer(16);
  const h = new Int32Array(sab);
  const w = new Worker(new URL(import.meta.url), { workerData: { sab } });
  while (Atomics.load(h, 1) === 0) Atomics.wait(h, 1, 0, 100);
  const us = {};
  for (const size of [0, 64, 1024, 16384, 65536]) {
    const msg = { op: 'sendto', args: [3, 0, 0, 0], data: new Uint8Array(size) };
    const once = () => {
      Atomics.store(h, 0, 1);
      w.postMessage(msg);
      while (Atomics.load(h, 0) !== 2) Atomics.wait(h, 0, 1);
    };
    const n = size >= 16384 ? 100 : 1000;
    for (let i = 0; i < 20; i++) once();
    const t = performance.now();
    for (let i = 0; i < n; i++) once();
    us[size] = Math.round(((performance.now() - t) * 1000) / n);
  }
  console.log(JSON.stringify({ runtime, round_trip_us_by_bytes: us }));
  await w.terminate();
} else {
  const h = new Int32Array(workerData.sab);
  parentPort.on('message', () => {
    Atomics.store(h, 0, 2);
    Atomics.notify(h, 0);
  });
  Atomics.store(h, 1, 1);
  Atomics.notify(h, 1);
}
