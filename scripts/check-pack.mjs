#!/usr/bin/env node
// Checks what each package would publish: runs `npm pack --dry-run --json`
// in every workspace package and asserts that the tarball holds exactly what
// should ship (built output, README, LICENSE; no tests, sources, tsconfig or
// build config), that every `exports` target and `bin` is in it, and that
// package.json has the fields users and registries need. Prints one line per
// check and ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;

/** What may ship, per package (beyond package.json, README.md and LICENSE). */
const SHIPS = {
  '@rawsock/emscripten': [/^dist\/[^/]+\.(c?js|d\.c?ts|c?js\.map)$/, /^bin\/[^/]+\.mjs$/, /^lib\/[^/]+\.(js|c)$/],
};
/** Must ship, beyond exports/bin targets: the prebuilt glue rawsock-emcc links. */
const REQUIRED = {
  '@rawsock/emscripten': ['dist/rawsock-runtime.js', 'lib/library_rawsock.js', 'lib/library_rawsock_fd.js', 'lib/rawsock_shim.c'],
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
// JSR: the Deno package publishes its TypeScript sources. `deno publish --dry-run`
// checks the file list and the public API for slow types offline. --no-check:
// inside this workspace Deno type-checks @rawsock/core through the linked
// package's dist/*.d.ts, whose tsup chunk imports it cannot resolve.
const deno = join(root, 'node_modules', 'deno', 'deno');
if (existsSync(deno)) {
  const r = spawnSync(deno, ['publish', '--dry-run', '--allow-dirty', '--no-check'], { cwd: join(root, 'packages', 'deno'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const out = `${r.stdout}${r.stderr}`;
  const listed = [...out.matchAll(/file:\/\/\S+\/packages\/deno\/(\S+)/g)].map((m) => m[1]);
  const stray = listed.filter((f) => !/^(src\/[^/]+\.ts|README\.md|deno\.json|jsr\.json|LICENSE)$/.test(f) || /\.test\./.test(f));
  check(r.status === 0 && /Dry run complete/.test(out) && listed.includes('README.md') && listed.includes('src/index.ts') && stray.length === 0,
    '@rawsock/deno: deno publish --dry-run (JSR: no slow types; sources, README, config only)', stray.length ? `stray: ${stray.join(', ')}` : out.slice(-1500));
} else {
  check(false, '@rawsock/deno: deno publish --dry-run', `${deno} missing (npm ci)`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
