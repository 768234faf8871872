#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when they are missing
// or stale, then builds the packages. `npm start` and `npm test` run this
// first, so nothing depends on a tool installed by hand.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  console.log(`[rawsock] $ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
}

function installNeeded() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

function have(cmd) {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Emscripten (emcc 3.1.6, Debian's package) for the glue's tests and the
 * demo. Installed with apt when we are root; otherwise we stop and say how.
 */
function ensureEmcc() {
  if (process.env.EMCC ? have(process.env.EMCC) : have('emcc')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && have('apt-get')) {
    // Wait for a dpkg lock another apt run holds (e.g. the emcc-modern
    // chroot set-up installing debootstrap) instead of failing at once.
    const lock = ['-o', 'DPkg::Lock::Timeout=600'];
    run('apt-get', [...lock, 'update', '-qq']);
    run('apt-get', [...lock, 'install', '-y', '-qq', 'emscripten']);
    return;
  }
  console.error('[rawsock] emcc is missing. Install Emscripten, e.g.: sudo apt-get install -y emscripten  (or set EMCC to your emcc)');
  process.exit(1);
}

if (installNeeded()) run(npm, ['ci', '--no-audit', '--no-fund']);
ensureEmcc();
run(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only']);
