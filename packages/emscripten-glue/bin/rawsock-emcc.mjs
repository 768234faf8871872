#!/usr/bin/env node
// rawsock-emcc: a drop-in emcc wrapper that links rawsock's socket glue.
//   rawsock-emcc app.c -o app.js [emcc flags]      build with rawsock
//   rawsock-emcc --print-flags [link flags]        the flags, for build systems
//   rawsock-emcc --help | --version | --doctor     see cli-info.mjs
// EMCC picks the emcc to run (default: emcc on PATH).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MISSING_EMCC_ADVICE, flagProblems, runInfoCommand } from './cli-info.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const paths = {
  // library_rawsock.js first: the others build on its $RAWSOCK.
  libraries: ['library_rawsock.js', 'library_rawsock_fd.js', 'library_rawsock_names.js', 'library_rawsock_blocking.js', 'library_rawsock_jspi.js', 'library_rawsock_again.js', 'library_rawsock_threads.js'].map((f) => join(here, '..', 'lib', f)),
  runtime: join(here, '..', 'dist', 'rawsock-runtime.js'),
  shim: join(here, '..', 'lib', 'rawsock_shim.c'),
  sources: [join(here, '..', 'lib', 'rawsock_names.c')],
  jspi: join(here, '..', 'lib', 'rawsock_jspi.c'),
  pthreadStart: join(here, '..', 'lib', 'rawsock_pthread_start.js'),
};
const denoWorkerStarter = join(here, '..', 'lib', 'pthread_worker_deno.cjs');
const emcc = process.env.EMCC || 'emcc';
const args = process.argv.slice(2);
const glue = await loadGlue();
const { blockingArg, compileOnly, glueFlags, linkRecord, parseEmccVersion, pthreadWorkerTwin } = glue;

/** The built glue helpers; a clear message if the package was not built. */
async function loadGlue() {
  try {
    return await import('../dist/index.js');
  } catch (e) {
    if (args[0] === '--help' || args[0] === '-h') return {}; // help needs nothing built
    console.error(`[rawsock] cannot load ${join(here, '..', 'dist', 'index.js')} (${e.code ?? e.message}): @rawsock/emscripten is not built; in its repository run npm run build, or reinstall the package`);
    process.exit(1);
  }
}

{
  const status = runInfoCommand(args, paths, glue);
  if (status !== undefined) process.exit(status);
  const { errors, notes } = flagProblems(args);
  for (const line of [...errors, ...notes]) console.error(line);
  if (errors.length) process.exit(2);
}

function emccVersion() {
  try {
    return parseEmccVersion(execFileSync(emcc, ['--version'], { encoding: 'utf8' }));
  } catch (e) {
    console.error(`[rawsock] cannot run ${emcc} (${e.code ?? e.message}): ${MISSING_EMCC_ADVICE}`);
    process.exit(127);
  }
}

if (!existsSync(paths.runtime)) {
  console.error(`[rawsock] ${paths.runtime} is missing: build @rawsock/emscripten first (npm run build)`);
  process.exit(1);
}
const version = emccVersion();
if (!version) {
  console.error(`[rawsock] could not read the version of ${emcc}`);
  process.exit(1);
}
if (args[0] === '--print-flags') {
  // The link's own flags (-pthread, -sASYNCIFY, -sJSPI) change what the glue adds.
  const printed = glueFlags(version, args.slice(1), paths);
  if (printed.error) {
    console.error(printed.error);
    process.exit(1);
  }
  console.log(printed.add.join(' '));
  process.exit(0);
}
// The link-time choices go into the artifact as a small --pre-js.
const { blocking, error } = blockingArg(args);
if (error) {
  console.error(error);
  process.exit(1);
}
const recordDir = compileOnly(args) ? undefined : mkdtempSync(join(tmpdir(), 'rawsock-emcc-'));
if (recordDir) {
  paths.record = join(recordDir, 'rawsock-link-record.js');
  writeFileSync(paths.record, linkRecord(blocking));
}
const { add, keep, notes } = glueFlags(version, args, paths);
for (const n of notes) console.error(n);
const r = spawnSync(emcc, [...keep, ...add], { stdio: 'inherit' });
if (recordDir) rmSync(recordDir, { recursive: true, force: true });
// A -pthread link's worker script, if this emcc emits one, gets its Deno starter beside it (flags.ts pthreadWorkerTwin).
const twin = r.status === 0 ? pthreadWorkerTwin(keep) : undefined;
if (twin && existsSync(twin.worker)) copyFileSync(denoWorkerStarter, twin.twin);
process.exit(r.status ?? 1);
