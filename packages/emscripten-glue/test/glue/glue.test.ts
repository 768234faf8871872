/**
 * The glue end to end on emcc (3.1.6 here): C programs built with
 * rawsock-emcc behave as the same programs built natively with gcc, on
 * Node 20 and Node 26.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run, source, verdicts, wasmArgs } from './harness.js';

const emcc = emccVersion();
const artifacts: Record<string, { native: string; wasm: string }> = {};
/** Self-checking programs (TAP output) that need no peer. */
const TAP_PROGRAMS = ['basics.c', 'epoll.c', 'unix.c'];
const major = Number(emcc?.split('.')[0] ?? 0);
/**
 * Build variants the self-checking programs also run in. Emscripten 3.1's
 * ES-module output does not load in Node's ESM (it uses require/__dirname),
 * so that variant needs a newer emcc.
 */
const VARIANTS = [
  { name: 'NODERAWFS', flags: ['-sNODERAWFS'] },
  ...(major >= 4 ? [{ name: 'ES module', flags: ['-sEXPORT_ES6'] }] : []),
];
const variantArtifacts: Record<string, string> = {};

describe.skipIf(!emcc)(`rawsock-emcc glue (emcc ${emcc})`, () => {
  beforeAll(() => {
    for (const name of [...TAP_PROGRAMS, 'echo_server.c', 'callbacks_client.c']) {
      artifacts[name] = { native: buildNative(source(name)), wasm: buildWasm(source(name)) };
    }
    for (const name of TAP_PROGRAMS) {
      for (const v of VARIANTS) variantArtifacts[`${name} ${v.name}`] = buildWasm(source(name), v.flags, `-${v.name.replace(/\W/g, '')}`);
    }
  }, 180_000);

  for (const name of TAP_PROGRAMS) {
    it(`${name}: the native run passes every check (Linux is the reference)`, async () => {
      const r = await run(artifacts[name]!.native, []);
      expect(r.stdout).toMatch(/# passed \d+ failed 0/);
      expect(r.code).toBe(0);
    });
  }

  let echo: Server;
  let echoPort = 0;
  beforeAll(async () => {
    echo = createServer((c) => c.pipe(c));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as { port: number }).port;
    return () => echo.close();
  });

  for (const node of NODES) {
    it(`socket callbacks: a client driven by open/message/close on ${node.name} prints what the native poll-driven run prints`, async () => {
      const native = await run(artifacts['callbacks_client.c']!.native, [String(echoPort)]);
      const wasm = await run(node.bin, [artifacts['callbacks_client.c']!.wasm, String(echoPort)]);
      expect(native.stdout).toContain('ok 1 - echo matched');
      expect(wasm.stdout).toBe(native.stdout);
      expect(wasm.code).toBe(0);
    });

    for (const name of TAP_PROGRAMS) {
      it(`${name}: wasm on ${node.name} gives the same verdicts as native`, async () => {
        const native = await run(artifacts[name]!.native, []);
        const wasm = await run(node.bin, [artifacts[name]!.wasm]);
        expect(verdicts(wasm.stdout)).toEqual(verdicts(native.stdout));
        expect(wasm.code).toBe(0);
      });
      for (const v of VARIANTS) {
        it(`${name}: built with ${v.name}, wasm on ${node.name} gives the same verdicts as native`, async () => {
          const native = await run(artifacts[name]!.native, []);
          const wasm = await run(node.bin, wasmArgs(variantArtifacts[`${name} ${v.name}`]!));
          expect(verdicts(wasm.stdout)).toEqual(verdicts(native.stdout));
          expect(wasm.code).toBe(0);
        });
      }
    }

    it(`echo server: wasm on ${node.name} serves real TCP clients like the native build`, async () => {
      const serve = (cmd: string, args: string[]) =>
        new Promise<{ replies: string[]; out: string; code: number | null }>((resolve) => {
          const replies: string[] = [];
          const done = run(
            cmd,
            [...args, '3'],
            (line) => {
              const m = /^listening (\d+)$/.exec(line);
              if (!m) return;
              for (const msg of ['first client', 'second client', 'x'.repeat(100_000)]) {
                const s = createConnection({ port: Number(m[1]), host: '127.0.0.1', allowHalfOpen: true }, () => s.end(msg));
                let got = '';
                s.on('data', (d) => (got += d));
                s.on('end', () => {
                  replies.push(got.length > 100 ? `${got.length} bytes` : got);
                  s.destroy();
                });
              }
            },
          );
          void done.then((r) => resolve({ replies: replies.sort(), out: r.stdout, code: r.code }));
        });
      const native = await serve(artifacts['echo_server.c']!.native, []);
      const wasm = await serve(node.bin, [artifacts['echo_server.c']!.wasm]);
      expect(native.replies).toEqual(['100000 bytes', 'first client', 'second client']);
      expect(wasm.replies).toEqual(native.replies);
      expect(wasm.out).toMatch(/served 3 clients, echoed 100025 bytes/);
      expect(wasm.code).toBe(0);
    });
  }
});
