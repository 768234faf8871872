/**
 * Blocking C programs (test/c-blocking) run unmodified: built natively with
 * gcc (Linux is the reference) and with rawsock-emcc in each blocking mode,
 * then run on Node 20, Node 26, Deno and Bun, with harness peers where the
 * program needs one. Plus the mode selection itself: the run-time option
 * overrides the link-time one, a mode the build cannot give is refused at
 * start, and `auto` without SharedArrayBuffer falls back with one warning.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { acceptLoop, bulk, chat, lateReply, sendPeerClose, type PeerResult, type Start } from './blocking-peers.js';
import { NODES, buildNative, buildWasm, emccVersion, run, verdicts } from './harness.js';
import { OTHERS, artifactFor } from './other-runtimes.js';
import { CANNOT_SUSPEND_WARNING, CANNOT_WAIT_ON_MAIN_WARNING } from '../../src/runtime/blocking/suspending-syscalls.js';

const emcc = emccVersion();
const here = dirname(fileURLToPath(import.meta.url));
const src = (name: string) => join(here, '..', 'c-blocking', name);

/** Programs that need nothing but themselves. */
const SELF_CONTAINED = ['refused.c', 'rcvtimeo.c', 'timeouts.c', 'connect_timeout.c', 'file_mix.c'];
/** Programs with a harness peer, and how the peer's side must look. */
const WITH_PEER: Record<string, { drive: (s: Start) => Promise<PeerResult>; peer?: string[]; out?: RegExp }> = {
  'late_reply.c': { drive: lateReply },
  'bulk.c': { drive: bulk, peer: [`peer read ${1536 * 1024} bytes`] },
  'accept_loop.c': { drive: (s) => acceptLoop(s, 3), peer: ['hello client0\n', 'hello client1\n', 'hello client2\n'] },
  'chat_server.c': {
    drive: (s) => chat(s, 3),
    peer: ['c0: line from c1, line from c2', 'c1: line from c0, line from c2', 'c2: line from c0, line from c1'],
    out: /served 3 clients, relayed 3 lines/,
  },
  'send_peer_close.c': {
    drive: sendPeerClose,
    peer: ['sending: closed 1 connection(s) unread', 'closing: closed 1 connection(s) unread'],
  },
};
const PROGRAMS = [...SELF_CONTAINED, ...Object.keys(WITH_PEER)];

/**
 * Link-time modes: `auto` is a plain build (no flag: the worker bridge on
 * these runtimes), `worker` asks for the bridge, `suspend` is an Asyncify
 * build asking for suspension, `auto+asyncify` an Asyncify build left to
 * auto (which picks suspend).
 */
const MODES = [
  { name: 'auto', flags: [] as string[] },
  { name: 'worker', flags: ['--rawsock-blocking=worker'] },
  { name: 'suspend', flags: ['--rawsock-blocking=suspend', '-sASYNCIFY'] },
  { name: 'auto+asyncify', flags: ['-sASYNCIFY'] },
];

interface Runtime {
  readonly name: string;
  /** Command and arguments that run an artifact (Deno gets its .cjs copy). */
  argv(artifact: string, args: string[]): [string, string[]];
}
const RUNTIMES: Runtime[] = [
  ...NODES.map((n) => ({ name: n.name, argv: (a: string, args: string[]): [string, string[]] => [n.bin, [a, ...args]] })),
  ...OTHERS.map((rt) => ({ name: rt.name, argv: (a: string, args: string[]): [string, string[]] => [rt.cmd, [...rt.args, artifactFor(rt, a), ...args]] })),
];

/**
 * Pinned deviation (DenoProvider; see fd.test.ts and README): in the
 * suspend modes, a connect to a port whose listener was closed in the same
 * JS turn is reset, not refused, on Deno (Deno.Listener.close() lets the
 * kernel listener linger). Worker mode does not show it: there each call is
 * its own round trip to the worker; thread mode may (DENO_EITHER).
 */
const DENO_IN_THREAD: Record<string, string> = {
  'ok - blocking connect to a closed port': 'not ok - blocking connect to a closed port: returned -1, errno ECONNRESET, want -1 ECONNREFUSED',
  'ok - SO_ERROR ECONNREFUSED': 'not ok - SO_ERROR ECONNREFUSED: got ECONNRESET, want ECONNREFUSED',
};
/**
 * Deno in thread mode: the close and the connect are separate calls from
 * the program's thread, but the main JS thread may run both in one turn
 * (Emscripten runs every call queued for it at once), so either verdict
 * can come: the deviation is accepted there, not required.
 */
const DENO_EITHER = new Map(Object.entries(DENO_IN_THREAD).map(([linux, deno]) => [deno, linux]));
const tolerated = (rt: string, mode: string, lines: string[]) => (rt === 'Deno' && mode === 'thread' ? lines.map((l) => DENO_EITHER.get(l) ?? l).sort() : lines);
const pinned = (rt: string, mode: string, lines: string[]) =>
  rt === 'Deno' && (mode === 'suspend' || mode === 'auto+asyncify') ? lines.map((l) => DENO_IN_THREAD[l] ?? l).sort() : lines;

/**
 * Pinned deviations of send_peer_close.c (README, Deviations from Linux):
 * a blocking send made after the peer's reset arrived, before the runtime
 * reported it, has its bytes accepted (the runtime's write completes
 * later; the next call reports ECONNRESET) — except on Bun through the
 * worker bridge or in thread mode, where its write fails at once.
 */
const ACCEPTED: Record<string, string> = {
  'ok - a blocking send after the peer reset fails with ECONNRESET': 'not ok - a blocking send after the peer reset fails with ECONNRESET: it was accepted',
};
const pinnedPeer = (p: string, rt: string, mode: string, lines: string[]) => {
  if (p !== 'send_peer_close.c') return lines;
  // Bun's write fails at once once Bun has heard of the reset: so it has
  // when its event loop runs free while the program waits elsewhere (the
  // socket worker; the main JS thread in thread mode).
  const loopFree = mode === 'auto' || mode === 'worker' || mode === 'thread';
  if (loopFree && rt === 'Bun') return lines;
  return lines.map((l) => ACCEPTED[l] ?? l).sort();
};

const native: Record<string, string> = {};
const starter = (cmd: string, args: string[]): Start => (extra, onLine) => run(cmd, [...args, ...extra], onLine, 30_000);
const wasm: Record<string, string> = {};
const tagOf = (mode: string) => `-blk-${mode.replace(/\W/g, '')}`;

describe.skipIf(!emcc)(`blocking C programs (emcc ${emcc})`, () => {
  beforeAll(() => {
    for (const p of PROGRAMS) {
      native[p] = buildNative(src(p));
      for (const m of MODES) wasm[`${p} ${m.name}`] = buildWasm(src(p), m.flags, tagOf(m.name));
    }
  }, 600_000);

  for (const p of PROGRAMS) {
    it(`${p}: the native run passes every check (Linux is the reference)`, async () => {
      const peer = WITH_PEER[p];
      const r = peer ? (await peer.drive(starter(native[p]!, []))).run : await run(native[p]!, []);
      expect(r.stdout).toMatch(/# passed \d+ failed 0/);
      expect(r.code).toBe(0);
    });
  }

  for (const m of MODES) {
    for (const rt of RUNTIMES) {
      for (const p of PROGRAMS) {
        it(`${p}, ${m.name} mode, on ${rt.name}: the same verdicts as native`, () => sameVerdicts(p, rt, m.name, wasm[`${p} ${m.name}`]!, native[p]!));
      }
    }
  }
});

/**
 * Runs blocking program `p` built as `artifact` on `rt` (with its harness
 * peer, if any) and expects the native run's verdicts, with the pinned
 * deviations of `mode`.
 */
async function sameVerdicts(p: string, rt: Runtime, mode: string, artifact: string, nativeBinary: string): Promise<void> {
  const peer = WITH_PEER[p];
  const [cmd, args] = rt.argv(artifact, []);
  if (!peer) {
    const n = await run(nativeBinary, []);
    const w = await run(cmd, args, undefined, 30_000);
    const expected = pinned(rt.name, mode, verdicts(n.stdout));
    const got = verdicts(w.stdout);
    expect(tolerated(rt.name, mode, got)).toEqual(expected);
    // A run that failed a check (a pinned or an accepted deviation) exits 1.
    if (!got.some((l) => l.startsWith('not ok'))) expect(w.code).toBe(0);
    return;
  }
  const n = await peer.drive(starter(nativeBinary, []));
  const w = await peer.drive(starter(cmd, args));
  const expected = pinnedPeer(p, rt.name, mode, verdicts(n.run.stdout));
  expect(verdicts(w.run.stdout)).toEqual(expected);
  if (peer.peer) {
    expect(n.peer).toEqual(peer.peer);
    expect(w.peer).toEqual(n.peer);
  }
  if (peer.out) expect(w.run.stdout).toMatch(peer.out);
  if (!expected.some((l) => l.startsWith('not ok'))) expect(w.run.code).toBe(0);
}

/**
 * main's return status after blocking calls, in each mode: Emscripten's
 * callMain loses it once main has suspended (Asyncify), so the glue exits
 * with it at the end of the rewind (library_rawsock.js).
 */
describe.skipIf(!emcc)(`main's exit status after blocking calls (emcc ${emcc})`, () => {
  const built: Record<string, string> = {};
  beforeAll(() => {
    for (const m of MODES) built[m.name] = buildWasm(join(here, 'c', 'exit_status.c'), m.flags, tagOf(m.name));
    built.native = buildNative(join(here, 'c', 'exit_status.c'));
  }, 240_000);
  it('natively: 3', async () => {
    expect(await run(built.native!, [])).toMatchObject({ code: 3, stdout: 'listener ok, connect ok, accept ok\n' });
  });
  for (const m of MODES) {
    for (const rt of RUNTIMES) {
      it(`${m.name} mode on ${rt.name}: 3, with the sockets left open`, async () => {
        const [cmd, args] = rt.argv(built[m.name]!, []);
        expect(await run(cmd, args, undefined, 20_000)).toMatchObject({ code: 3, stdout: 'listener ok, connect ok, accept ok\n' });
      });
    }
  }
});

describe.skipIf(!emcc)(`blocking mode selection (emcc ${emcc})`, () => {
  const built: Record<string, string> = {};
  let runner = '';
  beforeAll(() => {
    // refused.c: a blocking connect to a closed port is ECONNREFUSED only if connect waits for the answer.
    built.never = buildWasm(src('refused.c'), ['--rawsock-blocking=never', '-sMODULARIZE'], '-sel-never');
    built.suspend = buildWasm(src('refused.c'), ['--rawsock-blocking=suspend'], '-sel-suspend');
    built.auto = buildWasm(src('refused.c'), ['-sMODULARIZE'], '-sel-auto');
    built.thread = buildWasm(src('refused.c'), ['--rawsock-blocking=thread'], '-sel-thread');
    // argv: factory, Module.rawsock.blocking ('-' for none), then "nosab" to hide SharedArrayBuffer.
    runner = join(dirname(built.never), 'run-blocking-mode.cjs');
    writeFileSync(
      runner,
      [
        `const [factory, mode, hide] = process.argv.slice(2);`,
        `if (hide === 'nosab') delete globalThis.SharedArrayBuffer;`,
        `require(factory)({ arguments: [], ...(mode !== '-' ? { rawsock: { blocking: mode } } : {}) });`,
      ].join('\n'),
    );
  }, 180_000);

  const node = NODES[0]!;

  it('the run-time option (Module.rawsock.blocking) overrides the link-time one: a never build blocks with worker', async () => {
    const r = await run(node.bin, [runner, built.never!, 'worker']);
    expect(r.stdout).toMatch(/# passed \d+ failed 0/);
    expect(r.code).toBe(0);
  });

  it("never: a blocking connect does not wait (EINPROGRESS: Emscripten's event-driven behaviour), no warning", async () => {
    const r = await run(node.bin, [runner, built.never!, '-']);
    expect(r.stdout).toMatch(/not ok 2 - blocking connect to a closed port: returned -1, errno EINPROGRESS/);
    expect(r.stderr).toBe('');
  });

  it('suspend asked of a build without -sASYNCIFY is refused at start with a message naming the fix', async () => {
    const r = await run(node.bin, [built.suspend!]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("[rawsock] blocking mode 'suspend' needs a build linked with -sASYNCIFY");
  });

  it('thread asked of a build without -pthread -sPROXY_TO_PTHREAD is refused at start with a message naming the fix', async () => {
    const r = await run(node.bin, [built.thread!]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("[rawsock] blocking mode 'thread' needs a build linked with -pthread -sPROXY_TO_PTHREAD");
  });

  it('worker asked where SharedArrayBuffer is missing is refused at start, naming what is missing', async () => {
    const r = await run(node.bin, [runner, built.auto!, 'worker', 'nosab']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("[rawsock] blocking mode 'worker' is unavailable: SharedArrayBuffer is not available");
  });

  it('auto where neither suspend nor the worker is possible: event-driven, with one warning naming the fix', async () => {
    const r = await run(node.bin, [runner, built.auto!, '-', 'nosab']);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('blocking sockets cannot block here'));
    expect(warnings).toEqual([
      '[rawsock] blocking sockets cannot block here (SharedArrayBuffer is not available, and the build was not linked with -sASYNCIFY): calls on blocking sockets return EAGAIN/EINPROGRESS. Fix: link with rawsock-emcc -sASYNCIFY, or run where SharedArrayBuffer, Atomics.wait and workers exist.',
    ]);
    expect(r.stdout).toMatch(/not ok 2 - blocking connect to a closed port: returned -1, errno EINPROGRESS/);
  });

  it('an unknown run-time mode is refused at start', async () => {
    const r = await run(node.bin, [runner, built.auto!, 'sometimes']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("[rawsock] unknown blocking mode 'sometimes': use auto, suspend, worker, thread or never");
  });
});

/**
 * JSPI builds (emcc ≥ 4, -sJSPI): `auto` suspends them (rawsock_jspi.c and
 * library_rawsock_jspi.js), and every blocking program gives Linux's
 * verdicts (with the in-thread modes' pinned deviations) on the runtimes
 * with JSPI: Node 26, Deno and Bun. A blocking call in a socket callback
 * (not main's stack: JSPI cannot suspend there) answers at once with one
 * warning. On Node 20, which has no WebAssembly.Suspending, such a build is
 * refused at start with a message saying why.
 */
const major = Number(emcc?.split('.')[0] ?? 0);
const node20 = NODES.find((n) => n.name === 'Node 20');
const JSPI_RUNTIMES = RUNTIMES.filter((rt) => rt.name !== 'Node 20');
describe.skipIf(!emcc || major < 4)(`JSPI builds (emcc ${emcc})`, () => {
  const jspi: Record<string, string> = {};
  beforeAll(() => {
    for (const p of PROGRAMS) {
      native[`${p} jspi`] = buildNative(src(p));
      jspi[p] = buildWasm(src(p), ['-sJSPI'], '-blk-jspi');
    }
    jspi.callback = buildWasm(join(here, 'c', 'blocking_in_callback.c'), ['-sJSPI'], '-blk-jspi');
    jspi.events = buildWasm(join(here, 'c', 'callbacks_client.c'), ['-sJSPI'], '-blk-jspi');
  }, 600_000);
  for (const rt of JSPI_RUNTIMES) {
    for (const p of PROGRAMS) {
      it(`${p}, -sJSPI with auto (suspend), on ${rt.name}: the same verdicts as native`, () => sameVerdicts(p, rt, 'suspend', jspi[p]!, native[`${p} jspi`]!));
    }
    it(`a blocking call in a socket callback of a -sJSPI build answers at once, with one warning, on ${rt.name}`, async () => {
      const [cmd, args] = rt.argv(jspi.callback!, []);
      const w = await run(cmd, args, undefined, 30_000);
      expect(w.stdout).toMatch(/# passed 12 failed 0/);
      expect(w.stderr.split('\n').filter((l) => l.startsWith('[rawsock]'))).toEqual([CANNOT_SUSPEND_WARNING]);
      expect(w.code).toBe(0);
    });
  }
  for (const rt of JSPI_RUNTIMES) {
    it(`an event-driven client (socket callbacks, non-blocking calls) as a -sJSPI build works unchanged, without warnings, on ${rt.name}`, async () => {
      const echo = createServer((c) => c.pipe(c));
      await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
      try {
        const [cmd, args] = rt.argv(jspi.events!, [String((echo.address() as { port: number }).port)]);
        const w = await run(cmd, args, undefined, 30_000);
        expect(w.stdout).toContain('ok 1 - echo matched');
        expect(w.stderr).not.toContain('[rawsock]');
        expect(w.code).toBe(0);
      } finally {
        echo.close();
      }
    });
  }
  it.skipIf(!node20)('on Node 20 (no WebAssembly.Suspending) a -sJSPI build is refused at start, saying why', async () => {
    const r = await run(node20!.bin, [jspi['refused.c']!]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[rawsock] this program was linked with -sJSPI, which needs WebAssembly.Suspending (JSPI), and this runtime has none');
  });
});

/**
 * -pthread -sPROXY_TO_PTHREAD builds: `auto` gives them the thread mode
 * (library_rawsock_threads.js), where a blocking call sleeps in its own
 * thread while the main JS thread's event loop waits for it. main() runs in
 * a thread, so every blocking program gives Linux's verdicts (with the
 * in-thread pins: the sockets live on the main JS thread). A blocking call
 * in a socket callback, which runs on the main JS thread, answers at once
 * with one warning. On every runtime (Deno and Bun start their threads
 * through lib/rawsock_pthread_start.js).
 * -O0: Debian's emcc 3.1.6 minifies the pthread worker script at -O1 in a
 * way another Node rejects (the C suite's tcp_client_pthread). 64 MiB: a
 * pthread build's memory cannot grow unless asked to, and send_peer_close.c
 * holds 8 MiB of its own.
 */
const PTHREAD_FLAGS = ['-O0', '-pthread', '-sPROXY_TO_PTHREAD', '-sINITIAL_MEMORY=67108864'];
describe.skipIf(!emcc)(`-pthread -sPROXY_TO_PTHREAD builds: thread mode (emcc ${emcc})`, () => {
  const threaded: Record<string, string> = {};
  beforeAll(() => {
    for (const p of PROGRAMS) {
      native[`${p} thread`] = buildNative(src(p));
      threaded[p] = buildWasm(src(p), PTHREAD_FLAGS, '-blk-thread');
    }
    threaded.callback = buildWasm(join(here, 'c', 'blocking_in_callback.c'), PTHREAD_FLAGS, '-blk-thread');
  }, 600_000);
  for (const rt of RUNTIMES) {
    for (const p of PROGRAMS) {
      it(`${p}, -pthread -sPROXY_TO_PTHREAD with auto (thread), on ${rt.name}: the same verdicts as native`, () => sameVerdicts(p, rt, 'thread', threaded[p]!, native[`${p} thread`]!));
    }
    it(`a blocking call in a socket callback (the main JS thread) of a -sPROXY_TO_PTHREAD build answers at once, with one warning, on ${rt.name}`, async () => {
      const [cmd, args] = rt.argv(threaded.callback!, []);
      const w = await run(cmd, args, undefined, 30_000);
      expect(w.stdout).toMatch(/# passed 12 failed 0/);
      expect(w.stderr.split('\n').filter((l) => l.startsWith('[rawsock]'))).toEqual([CANNOT_WAIT_ON_MAIN_WARNING]);
      expect(w.code).toBe(0);
    });
  }
});
