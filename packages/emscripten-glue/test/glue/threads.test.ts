/**
 * Blocking sockets in a -pthread -sPROXY_TO_PTHREAD build, as they are
 * today (README, Deviations): every thread's socket calls run on the main
 * thread one at a time, so one thread's blocking call holds the others'
 * socket calls until it returns. test/c-threads/blocking_threads.c, built
 * natively with gcc (Linux is the reference) and with rawsock-emcc, run on
 * Node 20 and Node 26 (pthread builds do not start on Deno with emcc 3.1's
 * output nor on Bun with emcc 6's: README).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run, verdicts } from './harness.js';

const emcc = emccVersion();
const here = dirname(fileURLToPath(import.meta.url));
const program = join(here, '..', 'c-threads', 'blocking_threads.c');

/** The pinned deviation: the other thread's call waits for the blocking one. */
const HELD: Record<string, string> = {
  "ok - it is not held by the other thread's blocking recv": "not ok - it is not held by the other thread's blocking recv: it waited for the other thread's recv to time out",
};

describe.skipIf(!emcc)(`blocking sockets in pthreads (emcc ${emcc})`, () => {
  let native = '';
  let wasm = '';
  beforeAll(() => {
    native = buildNative(program);
    // -O0: Debian's emcc 3.1.6 minifies the pthread worker script at -O1 into one that does not start (test/c-suite/cases.ts).
    wasm = buildWasm(program, ['-O0', '-pthread', '-sPROXY_TO_PTHREAD'], '-threads');
  }, 300_000);

  it('natively, a thread is not held by another thread blocked in recv', async () => {
    const r = await run(native, []);
    expect(r.stdout).toMatch(/# passed 8 failed 0/);
    expect(r.code).toBe(0);
  });

  for (const node of NODES) {
    it(`on ${node.name}: the same verdicts as native, except that the blocking recv holds the other thread (pinned)`, async () => {
      const n = await run(native, []);
      const w = await run(node.bin, [wasm], undefined, 30_000);
      expect(verdicts(w.stdout)).toEqual(verdicts(n.stdout).map((l) => HELD[l] ?? l).sort());
    });
  }
});
