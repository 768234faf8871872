/**
 * Threads and blocking calls (test/c-threads). Linux blocks only the calling
 * thread; a `-pthread -sPROXY_TO_PTHREAD` build under rawsock runs every
 * socket call on the program's main JS thread (Emscripten proxies syscalls
 * there), so one thread's blocking call holds the socket calls of all
 * others until it returns. That is a documented deviation (README,
 * "Deviations from Linux"; an own-thread mode is designed there, not built),
 * pinned here so the day it changes, this test says so.
 *
 * Node only: pthread builds do not start on Deno (emcc 3.1 output) or Bun
 * (emcc 6 output) — the C suite's `tcp_client_pthread` pins that.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run } from './harness.js';

const emcc = emccVersion();
const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, '..', 'c-threads', 'thread_blocks_alone.c');

/** TAP verdicts without the per-run detail after "desc: " (timings). */
const verdictsOf = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => /^(not )?ok \d+/.test(l))
    .map((l) => l.replace(/^((?:not )?ok) \d+ - ([^:]*)(:.*)?$/, '$1 - $2'));

/** What the deviation looks like: the other thread's round trip waits for the recv's timeout. */
const PINNED = new Map([
  ['ok - ...completes while the other thread is blocked in recv', 'not ok - ...completes while the other thread is blocked in recv'],
  ['ok - the waiting thread\'s recv gets the byte before its timeout', 'not ok - the waiting thread\'s recv gets the byte before its timeout'],
]);

describe.skipIf(!emcc)(`threads: a blocking call in one thread (emcc ${emcc})`, () => {
  let native = '';
  let wasm = '';
  beforeAll(() => {
    native = buildNative(src);
    // -O0 as the C suite's pthread case: emcc 3.1.6 minifies the pthread worker script at -O1 in a way Node rejects.
    wasm = buildWasm(src, ['-O0', '-pthread', '-sPROXY_TO_PTHREAD'], '-ptp');
  }, 240_000);

  it('natively (Linux): only the calling thread blocks', async () => {
    const r = await run(native, []);
    expect(r.stdout).toMatch(/# passed 8 failed 0/);
  });

  for (const node of NODES) {
    it(`-pthread -sPROXY_TO_PTHREAD on ${node.name}: one thread's blocking recv holds the others (pinned deviation)`, async () => {
      const nat = await run(native, []);
      const r = await run(node.bin, [wasm], undefined, 30_000);
      // emcc 3.1.6 only: about one run in twenty, after main has returned and
      // the summary is printed, its pthread teardown aborts with "Stack cookie
      // has been overwritten" (0x0 and a heap pointer: a free-list link) — the
      // exiting runtime frees the proxied main thread's stack while that
      // thread's worker still checks the cookie. Not seen with emcc 6.0.5 (0
      // in 30 runs) nor without sockets; tolerated here only in that shape.
      const stderr = emcc?.startsWith('3.') ? r.stderr.replace(/^.*Stack cookie has been overwritten[^\n]*\n?|^\s+at .*\n?/gm, '') : r.stderr;
      expect(stderr).not.toMatch(/Aborted|RuntimeError/);
      expect(r.stdout).toMatch(/# passed 6 failed 2/);
      const want = verdictsOf(nat.stdout).map((v) => PINNED.get(v) ?? v);
      expect(verdictsOf(r.stdout), r.stdout).toEqual(want);
      // The round trip did wait for the recv timeout, and the recv timed out with EAGAIN as Linux would have.
      expect(r.stdout).toMatch(/recv -1 errno EAGAIN after 1[45]\d\d ms/);
    }, 60_000);
  }
});
