/**
 * The C conformance programs as wasm: each built ONCE with rawsock-emcc
 * ($EMCC, else emcc 3.1.6 on PATH), the same artifact run on Node 20,
 * Node 26, Deno and Bun, and judged against the native gcc run of the same
 * program: the same TAP verdicts, except the pinned deviations
 * (deviations.ts), which must fail exactly as pinned. Prints a case ×
 * runtime matrix at the end. RAWSOCK_C_VERBOSE=1 prints every output.
 *
 * scripts/test.mjs runs this file in one vitest process (it drives all four
 * runtimes itself), not once per Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { C_CASES, WASM_VARIANTS, type CCase } from './cases.js';
import { pinnedLines, pinnedWait, setEmccVersion } from './deviations.js';
import { formatMatrix, type Cell } from './matrix.js';
import { buildAll, judge, nativeStrategy, runCase, verdicts, type ProgramRun } from './runner.js';
import { WASM_RUNTIMES, emccVersion, wasmStrategy } from './wasm.js';

const emcc = emccVersion();
setEmccVersion(emcc);
const native = nativeStrategy();
// One build serves every runtime: the strategies differ only in how they run it.
const builder = wasmStrategy(WASM_RUNTIMES[0]!);
const only = process.env.RAWSOCK_C_CASES?.split(',');
const all = [...C_CASES, ...WASM_VARIANTS];
const cases = only ? all.filter((c) => only.includes(c.name)) : all;
// Natively a variant is its base program (the flags are wasm-only).
const nativeCases = C_CASES.filter((c) => cases.some((k) => (k.nativeOf ?? k.name) === c.name));
let nativeBuilt = new Map<string, string | Error>();
let wasmBuilt = new Map<string, string | Error>();
const nativeRuns = new Map<string, Promise<ProgramRun>>();
const cells = new Map<string, Cell>();

/** The native run of a case (of its base, for a variant), once: the Linux reference for every runtime. */
function nativeRun(variant: CCase): Promise<ProgramRun> {
  const c = C_CASES.find((k) => k.name === (variant.nativeOf ?? variant.name)) as CCase;
  let r = nativeRuns.get(c.name);
  if (!r) {
    const artifact = nativeBuilt.get(c.name);
    r = artifact instanceof Error || !artifact ? Promise.reject(artifact ?? new Error('not built')) : runCase(c, native, artifact);
    nativeRuns.set(c.name, r);
  }
  return r;
}

/** Builds at most `limit` at once: emcc is heavy and the machine is shared. */
async function buildLimited(limit: number): Promise<Map<string, string | Error>> {
  const out = new Map<string, string | Error>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const [, r] = [...(await buildAll([c], builder))][0]!;
      out.set(c.name, r);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

describe.skipIf(!emcc || process.platform !== 'linux')(`C conformance programs as wasm (rawsock-emcc, emcc ${emcc})`, () => {
  beforeAll(async () => {
    [nativeBuilt, wasmBuilt] = await Promise.all([buildAll(nativeCases, native), buildLimited(2)]);
  }, 600_000);

  afterAll(() => {
    console.log(formatMatrix(`C suite as wasm (emcc ${emcc})`, cases.map((c) => c.name), WASM_RUNTIMES.map((r) => r.id), cells));
  });

  for (const c of cases) {
    describe.concurrent(c.name, () => {
      for (const rt of WASM_RUNTIMES) {
        const pinned = pinnedLines(c.name, rt.id);
        const title = pinned.length ? `${rt.id}: as native except ${pinned.length} pinned deviation(s)` : `${rt.id}: every check passes, as native`;
        it(title, async () => {
          cells.set(`${c.name}/${rt.id}`, 'fail');
          const artifact = wasmBuilt.get(c.name);
          if (artifact instanceof Error) throw artifact;
          const [ref, r] = await Promise.all([nativeRun(c), runCase(c, wasmStrategy(rt), artifact as string)]);
          if (process.env.RAWSOCK_C_VERBOSE) console.log(`${c.name} on ${rt.id}:\n${r.stdout}${r.stderr}`);
          expect(judge(ref), `native ${c.name}`).toBeUndefined();
          const got = verdicts(r.stdout);
          const failing = got.filter((l) => l.startsWith('not ok'));
          const detail = `\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`;
          // The pinned lines fail, exactly; nothing else does.
          expect(failing, `failing checks of ${c.name} on ${rt.id}${detail}`).toEqual(pinned);
          // Everything else is what Linux says, check by check; a program
          // pinned to end at its deadline ran the native checks before it.
          const wait = pinnedWait(c.name, rt.id);
          const reference = verdicts(ref.stdout);
          const expected = wait ? [...reference.slice(0, got.length - 1), got.at(-1)!] : reference;
          if (wait) expect(r.stdout, `${c.name} on ${rt.id} waits for ${wait}${detail}`).toContain(`deadline: still waiting for: ${wait}\n`);
          // (Failing lines lose their `: detail`, so every line is compared up to its first ': '.)
          const same = (l: string) => l.replace(/^not ok/, 'ok').replace(/: .*$/, '');
          expect(got.map(same), `verdicts vs native${detail}`).toEqual(expected.map(same));
          if (pinned.length) {
            expect({ code: r.code, timedOut: r.timedOut, peerErrors: r.peerErrors, summary: r.summary }).toEqual({
              code: 1,
              timedOut: false,
              peerErrors: [],
              summary: { passed: got.length - pinned.length, failed: pinned.length },
            });
            cells.set(`${c.name}/${rt.id}`, 'deviation');
          } else {
            expect(judge(r), `${c.name} on ${rt.id}`).toBeUndefined();
            cells.set(`${c.name}/${rt.id}`, 'pass');
          }
        }, c.timeoutMs + 15_000);
      }
    });
  }
});
