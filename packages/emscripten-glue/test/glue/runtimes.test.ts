/**
 * Provider selection in the runtime bundle: the detected runtime's provider
 * (NodeProvider, DenoProvider, BunProvider), or the one passed as
 * Module.rawsock.provider (shown with core's in-memory network). The same
 * wasm program prints what the native build prints on Node 20, Node 26,
 * Deno and Bun, either way; programs that open no socket run as before.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run, source } from './harness.js';
import { OTHERS, artifactFor } from './other-runtimes.js';

const emcc = emccVersion();
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const coreCjs = join(root, 'packages', 'core', 'dist', 'index.cjs');
const RUNTIMES = [...NODES.map((n) => ({ name: n.name, cmd: n.bin, args: [] as readonly string[] })), ...OTHERS];
const built = { native: '', factory: '', runner: '', noSockets: '' };
const bundle = join(root, 'packages', 'emscripten-glue', 'dist', 'rawsock-runtime.js');

describe('the runtime bundle', () => {
  // Loaded as a --pre-js it may find no `require` (ES-module or web-targeted
  // output on Deno/Bun): it must still load, taking builtins from
  // process.getBuiltinModule, or failing only when a socket is opened.
  const load = (globals: Record<string, unknown>) =>
    runInNewContext(`${readFileSync(bundle, 'utf8')}\n;RawsockRuntime`, globals) as { createGlueRuntime?: unknown };

  it('loads with process.getBuiltinModule and no require; takes node:net from it once sockets are used', () => {
    const asked: string[] = [];
    const getBuiltinModule = (name: string) => (asked.push(name), process.getBuiltinModule(name));
    const runtime = load({ process: { getBuiltinModule, versions: process.versions, env: {} } });
    expect(typeof runtime.createGlueRuntime).toBe('function');
    expect(asked).toEqual([]);
    (runtime.createGlueRuntime as (fs: object) => unknown)({ newSocketFd: () => 3, isOtherFd: () => false });
    expect(asked).toContain('node:net');
  });

  it('loads with neither (no Node builtins at all); opening sockets there is a clear error', () => {
    const runtime = load({}) as { createGlueRuntime: (fs: object) => unknown };
    expect(() => runtime.createGlueRuntime({ newSocketFd: () => 3, isOtherFd: () => false })).toThrow(
      '[rawsock] cannot open sockets: no supported runtime (Node.js, Deno, Bun) was detected; pass Module.rawsock = { provider }',
    );
  });
});

describe.skipIf(!emcc)(`runtime and provider selection (emcc ${emcc})`, () => {
  beforeAll(() => {
    built.native = buildNative(source('loopback.c'));
    // A factory (MODULARIZE) so the runner can pass Module options; .cjs so
    // Deno loads it as CommonJS (as it must any Emscripten 3.1 Node output).
    const js = buildWasm(source('loopback.c'), ['-sMODULARIZE'], '-factory');
    built.factory = artifactFor({ name: 'Deno', cmd: '', args: [] }, js);
    built.runner = join(dirname(js), 'run-loopback.cjs');
    writeFileSync(
      built.runner,
      [
        `// argv: factory, "memory" (Module.rawsock.provider = MemoryProvider) or "detect"`,
        `const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);`,
        `const options = args[1] === 'memory' ? { rawsock: { provider: new (require(${JSON.stringify(coreCjs)}).MemoryProvider)() } } : {};`,
        `require(args[0])(options);`,
      ].join('\n'),
    );
    built.noSockets = buildWasm(source('no_sockets.c'));
  }, 120_000);

  // Plain error text from Deno (the runs inherit this worker's environment).
  process.env.NO_COLOR = '1';

  for (const rt of RUNTIMES) {
    for (const mode of ['detect', 'memory']) {
      const how = mode === 'memory' ? 'Module.rawsock.provider (in-memory network)' : "the runtime's own provider";
      it(`${rt.name}, ${how}: the wasm program prints what the native one prints`, async () => {
        const native = await run(built.native, []);
        const wasm = await run(rt.cmd, [...rt.args, built.runner, built.factory, mode]);
        expect(native.stdout).toMatch(/udp recv 8 'datagram'\ndone\n$/);
        expect(wasm.stdout).toBe(native.stdout);
        expect(wasm.code).toBe(0);
      });
    }
  }

  for (const other of OTHERS) {
    it(`${other.name}: a program that opens no socket runs`, async () => {
      const r = await run(other.cmd, [...other.args, artifactFor(other, built.noSockets)]);
      expect(r.stdout).toBe('no sockets\n');
      expect(r.code).toBe(0);
    });
  }
});
