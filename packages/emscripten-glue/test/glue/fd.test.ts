/**
 * fd-level calls on socket fds (readv/writev, fcntl, dup2/dup3, select with
 * fds past 64) give the verdicts Linux gives, on Node 20 and Node 26, also
 * with NODERAWFS (where files are host files and sockets are still
 * rawsock's), and on Deno and Bun.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run, source, verdicts } from './harness.js';
import { OTHERS, artifactFor } from './other-runtimes.js';

const emcc = emccVersion();
const built: { native?: string; wasm?: string; rawfs?: string; never?: string } = {};

/**
 * Pinned deviation (DenoProvider, not the glue), in the event-driven mode
 * (`never`): a connect to a port whose listener was closed an instant
 * before, in the same JS turn, is reset (ECONNRESET) rather than refused on
 * Deno — Deno.Listener.close() lets the kernel listener linger. In the
 * default mode (auto: the worker bridge on Deno) each call is its own
 * round trip to the worker, the listener is gone by the connect, and the
 * verdict is Linux's.
 */
const pinDenoRefused = (line: string) => (line.endsWith('- SO_ERROR is ECONNREFUSED') ? `not ${line}` : line);

describe.skipIf(!emcc)(`fd-level calls on sockets (emcc ${emcc})`, () => {
  beforeAll(() => {
    built.native = buildNative(source('fd_ops.c'));
    built.wasm = buildWasm(source('fd_ops.c'));
    built.rawfs = buildWasm(source('fd_ops.c'), ['-sNODERAWFS'], '-rawfs');
    built.never = buildWasm(source('fd_ops.c'), ['--rawsock-blocking=never'], '-never');
  }, 120_000);

  it('fd_ops.c: the native run passes every check (Linux is the reference)', async () => {
    const r = await run(built.native!, []);
    expect(r.stdout).toMatch(/# passed \d+ failed 0/);
    expect(r.code).toBe(0);
  });

  for (const rt of OTHERS) {
    it(`fd_ops.c: wasm on ${rt.name} gives the same verdicts as native`, async () => {
      const native = verdicts((await run(built.native!, [])).stdout);
      const wasm = await run(rt.cmd, [...rt.args, artifactFor(rt, built.wasm!)]);
      expect(verdicts(wasm.stdout)).toEqual(native);
    });
    it(`fd_ops.c built with --rawsock-blocking=never: wasm on ${rt.name} gives the same verdicts as native${rt.name === 'Deno' ? ' (one pinned deviation)' : ''}`, async () => {
      const native = verdicts((await run(built.native!, [])).stdout);
      const wasm = await run(rt.cmd, [...rt.args, artifactFor(rt, built.never!)]);
      const expected = rt.name === 'Deno' ? native.map(pinDenoRefused).sort() : native;
      expect(verdicts(wasm.stdout)).toEqual(expected);
    });
  }

  for (const node of NODES) {
    for (const [variant, key] of [['', 'wasm'], [' (NODERAWFS)', 'rawfs']] as const) {
      it(`fd_ops.c${variant}: wasm on ${node.name} gives the same verdicts as native`, async () => {
        const native = await run(built.native!, []);
        const wasm = await run(node.bin, [built[key]!]);
        expect(verdicts(wasm.stdout)).toEqual(verdicts(native.stdout));
        expect(wasm.code).toBe(0);
      });
    }
  }
});
