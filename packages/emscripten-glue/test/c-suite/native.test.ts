/**
 * The C conformance programs built natively with gcc and run on this Linux:
 * Linux is the reference, so every check must pass here. The glue suite
 * runs the same cases (cases.ts) through runner.ts with a wasm Strategy.
 * RAWSOCK_C_VERBOSE=1 prints every program's output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { C_CASES } from './cases.js';
import { buildAll, judge, nativeStrategy, runCase } from './runner.js';

const strategy = nativeStrategy();
let artifacts = new Map<string, string | Error>();

describe.skipIf(process.platform !== 'linux')('C conformance programs, native (gcc) on Linux', () => {
  beforeAll(async () => {
    artifacts = await buildAll(C_CASES, strategy);
  }, 120_000);

  for (const c of C_CASES) {
    it(`${c.name}: every check passes`, async () => {
      const artifact = artifacts.get(c.name);
      if (artifact instanceof Error) throw artifact;
      expect(artifact, 'built').toBeTypeOf('string');
      const r = await runCase(c, strategy, artifact as string);
      if (process.env.RAWSOCK_C_VERBOSE) console.log(`${c.name}:\n${r.stdout}${r.stderr}`);
      const problem = judge(r);
      expect(problem, `${c.name}\n${problem ?? ''}`).toBeUndefined();
    }, c.timeoutMs + 10_000);
  }
});
