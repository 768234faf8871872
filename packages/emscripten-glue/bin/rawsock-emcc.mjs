#!/usr/bin/env node
// rawsock-emcc: a drop-in emcc wrapper that links rawsock's socket glue.
//   rawsock-emcc app.c -o app.js [emcc flags]      build with rawsock
//   rawsock-emcc --print-flags                     the flags, for build systems
// EMCC picks the emcc to run (default: emcc on PATH).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockingArg, compileOnly, glueFlags, linkRecord, parseEmccVersion } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const paths = {
  // library_rawsock.js first: the others build on its $RAWSOCK.
  libraries: ['library_rawsock.js', 'library_rawsock_fd.js', 'library_rawsock_blocking.js'].map((f) => join(here, '..', 'lib', f)),
  runtime: join(here, '..', 'dist', 'rawsock-runtime.js'),
  shim: join(here, '..', 'lib', 'rawsock_shim.c'),
};
const emcc = process.env.EMCC || 'emcc';
const args = process.argv.slice(2);

function emccVersion() {
  try {
    return parseEmccVersion(execFileSync(emcc, ['--version'], { encoding: 'utf8' }));
  } catch (e) {
    console.error(`[rawsock] cannot run ${emcc} (${e.code ?? e.message}); install Emscripten or set EMCC to your emcc`);
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
  console.log(glueFlags(version, [], paths).add.join(' '));
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
process.exit(r.status ?? 1);
