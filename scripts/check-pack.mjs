#!/usr/bin/env node
// Checks what each package would publish: runs `npm pack --dry-run --json`
// in every workspace package and asserts that the tarball holds exactly what
// should ship (built output, README, LICENSE; no tests, sources, tsconfig or
// build config), that every `exports` target and `bin` is in it, and that
// package.json has the fields users and registries need. Prints one line per
// check and ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;

/** What may ship, per package (beyond package.json, README.md and LICENSE). */
const SHIPS = {
  '@rawsock/emscripten': [/^dist\/[^/]+\.(c?js|d\.c?ts|c?js\.map)$/, /^bin\/[^/]+\.mjs$/, /^lib\/[^/]+\.(c?js|c)$/],
};
/** Must ship, beyond exports/bin targets: the prebuilt glue rawsock-emcc links. */
const REQUIRED = {
  '@rawsock/emscripten': ['dist/rawsock-runtime.js', 'lib/library_rawsock.js', 'lib/library_rawsock_fd.js', 'lib/rawsock_shim.c', 'lib/pthread_worker_deno.cjs'],
};
const DEFAULT_SHIPS = [/^dist\/[^/]+\.(c?js|d\.c?ts|c?js\.map)$/];
/** Never ships, whatever `files` says. */
const NEVER = [/(^|\/)test/, /\.test\./, /tsconfig/, /typedoc/, /tsup\.config/, /turbo\.json/, /\.tsbuildinfo$/, /(^|\/)src\//, /(^|\/)conformance\//, /(^|\/)deno\.json$/, /(^|\/)jsr\.json$/];

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${what}${ok || !detail ? '' : `\n  ${detail}`}`);
}

/** Every file an `exports` map points at. */
function exportTargets(exp) {
  if (typeof exp === 'string') return [exp];
  if (!exp || typeof exp !== 'object') return [];
  return Object.values(exp).flatMap(exportTargets);
}

for (const ws of workspaces) {
  const dir = join(root, ws);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const name = pkg.name;
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  let files = [];
  try {
    files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  } catch {
    check(false, `${name}: npm pack --dry-run runs`, `${r.stdout}${r.stderr}`.slice(0, 2000));
    continue;
  }
  const ships = SHIPS[name] ?? DEFAULT_SHIPS;
  const always = ['package.json', 'README.md', 'LICENSE'];
  const unexpected = files.filter((f) => !always.includes(f) && (!ships.some((re) => re.test(f)) || NEVER.some((re) => re.test(f))));
  check(unexpected.length === 0, `${name}: ships only built output, README and LICENSE`, `unexpected: ${unexpected.join(', ')}`);
  const missingBasics = [...always, ...(REQUIRED[name] ?? [])].filter((f) => !files.includes(f));
  check(missingBasics.length === 0, `${name}: ships package.json, README.md, LICENSE${REQUIRED[name] ? ' and the prebuilt glue' : ''}`, `missing: ${missingBasics.join(', ')}`);
  const targets = [...new Set([...exportTargets(pkg.exports), ...Object.values(pkg.bin ?? {}), pkg.main, pkg.module, pkg.types].filter(Boolean))]
    .map((t) => t.replace(/^\.\//, ''));
  const absent = targets.filter((t) => !files.includes(t));
  check(absent.length === 0, `${name}: every exports/main/types/bin target is in the tarball`, `absent: ${absent.join(', ')} (build first: npm run build)`);
  const dot = pkg.exports?.['.'];
  const shapes = dot && dot.import?.types && dot.import?.default && dot.require?.types && dot.require?.default;
  check(Boolean(shapes), `${name}: exports "." has ESM, CJS and types for each`);
  const fields = ['files', 'exports', 'engines', 'sideEffects', 'license', 'description'].filter((f) => pkg[f] === undefined);
  check(fields.length === 0, `${name}: package.json has files, exports, engines, sideEffects, license, description`, `missing: ${fields.join(', ')}`);
  check(existsSync(join(dir, 'LICENSE')) && readFileSync(join(dir, 'LICENSE'), 'utf8') === readFileSync(join(root, 'LICENSE'), 'utf8'), `${name}: LICENSE is the repository's`);
}
// JSR: the Deno package publishes its TypeScript sources. `deno publish
// --dry-run` checks the file list, slow types and the types, offline. It runs
// in a scratch copy of the package with @rawsock/core installed from its
// packed tarball — as a JSR user gets it from npm — because inside this
// workspace Deno reaches core through the workspace link, where tsup's
// declaration chunks (`./api-*.js` naming a `.d.ts`) do not resolve.
// @types/node comes from the workspace (the package's lookup uses node:dns;
// a user's Deno fetches it itself).
const deno = join(root, 'node_modules', 'deno', 'deno');
if (existsSync(deno)) {
  const scratch = mkdtempSync(join(tmpdir(), 'rawsock-jsr-'));
  try {
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch], { cwd: join(root, 'packages', 'core'), encoding: 'utf8' });
    const tarball = join(scratch, packed.stdout.trim().split('\n').pop() ?? '');
    const pub = join(scratch, 'pub');
    mkdirSync(pub);
    for (const f of ['src', 'deno.json', 'jsr.json', 'README.md', 'LICENSE']) cpSync(join(root, 'packages', 'deno', f), join(pub, f), { recursive: true });
    writeFileSync(join(pub, 'package.json'), '{"name":"jsr-dry-run","private":true}');
    const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', tarball], { cwd: pub, encoding: 'utf8' });
    for (const dep of ['@types/node', 'undici-types']) {
      if (existsSync(join(root, 'node_modules', dep))) cpSync(join(root, 'node_modules', dep), join(pub, 'node_modules', dep), { recursive: true });
    }
    const config = JSON.parse(readFileSync(join(pub, 'deno.json'), 'utf8'));
    writeFileSync(join(pub, 'deno.json'), JSON.stringify({ ...config, nodeModulesDir: 'manual', tasks: undefined }, null, 2));
    const r = spawnSync(deno, ['publish', '--dry-run', '--allow-dirty'], { cwd: pub, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const out = `${installed.status === 0 ? '' : `npm install: ${installed.stderr}`}${r.stdout}${r.stderr}`;
    // The file list: lines "   file:///…/pub/src/index.ts (3.4KB)" after "Simulating publish".
    const listed = [...out.matchAll(/^\s+file:\/\/\S+?\/pub\/(\S+) \(/gm)].map((m) => m[1]);
    const stray = listed.filter((f) => !/^(src\/[^/]+\.ts|README\.md|deno\.json|jsr\.json|LICENSE)$/.test(f) || /\.test\./.test(f));
    check(
      r.status === 0 && /Dry run complete/.test(out) && listed.includes('README.md') && listed.includes('LICENSE') && listed.includes('src/index.ts') && stray.length === 0,
      '@rawsock/deno: deno publish --dry-run (JSR: type-checks against the packed @rawsock/core; no slow types; sources, README, LICENSE, config only)',
      stray.length ? `stray: ${stray.join(', ')}` : out.replace(/\n\s+at .*/g, '').slice(-2000),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  check(false, '@rawsock/deno: deno publish --dry-run', `${deno} missing (npm ci)`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
