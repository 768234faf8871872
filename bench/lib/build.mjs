// Builds what the benchmark runs, once per content: the native load
// generator and echo server (gcc), and the wasm echo servers (rawsock-emcc
// with the system emcc; rawsock-emcc and Emscripten's own -sNODERAWSOCKETS
// with emcc 6.x from the sid chroot). Artifacts are cached in bench/.cache
// under a hash of their inputs, so a rerun builds nothing.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { root } from './paths.mjs';

const cacheDir = join(root, 'bench', '.cache');
const src = (name) => join(root, 'bench', 'src', name);
const glue = join(root, 'packages', 'emscripten-glue');
const modernEmcc = join(root, 'scripts', 'emcc-modern');

/** A build that cannot happen here: the runner skips its subjects and says why. */
export class Unavailable extends Error {}

function hashOf(parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(existsSync(p) ? readFileSync(p) : String(p)).update('\0');
  return h.digest('hex').slice(0, 12);
}

function tool(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim();
  } catch {
    return undefined;
  }
}

/** `make(outDir)` runs only when the hashed inputs changed; returns join(dir, file). */
function cached(name, inputs, file, make) {
  const dir = join(cacheDir, `${name}-${hashOf(inputs)}`);
  const out = join(dir, file);
  if (existsSync(out)) return out;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    make(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const text = `${e.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ') || e.message;
    throw new Unavailable(`${name} did not build: ${text}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  // Older builds of the same artifact are stale now.
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith(`${name}-`) && join(cacheDir, old) !== dir && !old.includes('.tmp-')) rmSync(join(cacheDir, old), { recursive: true, force: true });
  }
  return out;
}

function gcc(name) {
  const version = tool('gcc', ['--version']);
  if (!version) throw new Unavailable('gcc is not installed');
  return cached(name, [src(`${name}.c`), src('echo_common.h'), version, '-O2'], name, (dir) =>
    execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', join(dir, name), src(`${name}.c`)], { stdio: 'pipe' }));
}

export const loadgen = () => gcc('loadgen');
export const nativeEcho = () => gcc('echo_native');

/** The version line of the emcc 6.x chroot, or undefined when it is not set up (never sets it up). */
export function modernEmccVersion() {
  if (!existsSync('/var/cache/rawsock/sid-root/.rawsock-ready')) return undefined;
  return tool(modernEmcc, ['--version']);
}

/** Everything rawsock-emcc links in (every file of lib/, so new glue libraries count too). */
const glueInputs = () => [
  ...readdirSync(join(glue, 'lib')).sort().map((f) => join(glue, 'lib', f)),
  join(glue, 'dist', 'rawsock-runtime.js'),
  join(glue, 'dist', 'index.js'),
  join(glue, 'bin', 'rawsock-emcc.mjs'),
];

/**
 * The event-driven echo as wasm. `toolchain`: 'system' (emcc on PATH, -O1:
 * Debian's 3.1.6 fails at -O2) or 'modern' (emcc 6.x, -O2). `backend`:
 * 'rawsock' (rawsock-emcc --rawsock-blocking=never: sockets in the program's
 * thread) or 'noderawsockets' (plain emcc -sNODERAWSOCKETS). `blocking`:
 * rawsock's link-time mode, 'never' or 'worker' (what `auto` gives it).
 * Returns the .js artifact (a .cjs copy sits beside it for Deno).
 */
export function wasmEcho(toolchain, backend, blocking = 'never') {
  const emcc = toolchain === 'modern' ? modernEmcc : process.env.EMCC || 'emcc';
  const version = toolchain === 'modern' ? modernEmccVersion() : tool(emcc, ['--version']);
  if (!version) {
    throw new Unavailable(toolchain === 'modern' ? 'emcc 6.x chroot not set up (scripts/emcc-modern.sh setup)' : `${emcc} is not installed`);
  }
  if (backend === 'rawsock' && !existsSync(join(glue, 'dist', 'rawsock-runtime.js'))) throw new Unavailable('glue not built (npm run build)');
  const opt = toolchain === 'modern' ? '-O2' : '-O1';
  const name = `echo_${backend}_${toolchain}${blocking === 'never' ? '' : `_${blocking}`}`;
  const inputs = [src('echo_event.c'), src('echo_common.h'), version, opt, ...(backend === 'rawsock' ? [`--rawsock-blocking=${blocking}`, ...glueInputs()] : [])];
  const out = cached(name, inputs, `${name}.js`, (dir) => {
    const target = join(dir, `${name}.js`);
    if (backend === 'rawsock') {
      // The event-driven program never waits (SOCK_NONBLOCK, socket callbacks), so it asks for the
      // in-thread mode; 'worker' measures what `auto` gives a plain build (README "Blocking modes").
      execFileSync(process.execPath, [join(glue, 'bin', 'rawsock-emcc.mjs'), src('echo_event.c'), opt, `--rawsock-blocking=${blocking}`, '-o', target], { stdio: 'pipe', env: { ...process.env, EMCC: emcc } });
    } else {
      execFileSync(emcc, [src('echo_event.c'), opt, '-sNODERAWSOCKETS', '-o', target], { stdio: 'pipe' });
    }
    copyFileSync(target, join(dir, `${name}.cjs`));
  });
  return out;
}

/**
 * The blocking echo (bench/src/echo_blocking.c) as wasm, built with
 * rawsock-emcc and the system emcc at -O1 in one blocking mode: 'worker'
 * (plain build, --rawsock-blocking=worker: the worker bridge) or 'suspend'
 * (-sASYNCIFY, --rawsock-blocking=suspend). Returns the .js artifact (a .cjs
 * copy sits beside it).
 */
export function wasmBlockingEcho(mode) {
  const flags = { worker: ['--rawsock-blocking=worker'], suspend: ['--rawsock-blocking=suspend', '-sASYNCIFY'] }[mode];
  if (!flags) throw new Error(`unknown blocking mode ${mode}`);
  const emcc = process.env.EMCC || 'emcc';
  const version = tool(emcc, ['--version']);
  if (!version) throw new Unavailable(`${emcc} is not installed`);
  if (!existsSync(join(glue, 'dist', 'rawsock-runtime.js'))) throw new Unavailable('glue not built (npm run build)');
  const name = `echo_blocking_${mode}`;
  const args = [src('echo_blocking.c'), '-O1', ...flags];
  return cached(name, [...args, src('echo_common.h'), version, ...glueInputs()], `${name}.js`, (dir) => {
    const target = join(dir, `${name}.js`);
    execFileSync(process.execPath, [join(glue, 'bin', 'rawsock-emcc.mjs'), ...args, '-o', target], { stdio: 'pipe', env: { ...process.env, EMCC: emcc } });
    copyFileSync(target, join(dir, `${name}.cjs`));
  });
}

/**
 * bench/src/epoll_micro.c (the cost of one epoll_wait over a mostly idle
 * set): 'native' (gcc -O2, Linux's epoll) or 'wasm' (rawsock-emcc with the
 * system emcc at -O1, --rawsock-blocking=never, like the event-driven echo).
 * Returns the executable, or the wasm build's .cjs copy (this package is
 * "type": "module"; Emscripten's output is CommonJS).
 */
export function epollMicro(kind) {
  if (kind === 'native') return gcc('epoll_micro');
  const emcc = process.env.EMCC || 'emcc';
  const version = tool(emcc, ['--version']);
  if (!version) throw new Unavailable(`${emcc} is not installed`);
  if (!existsSync(join(glue, 'dist', 'rawsock-runtime.js'))) throw new Unavailable('glue not built (npm run build)');
  const args = [src('epoll_micro.c'), '-O1', '--rawsock-blocking=never'];
  return cached('epoll_micro_wasm', [...args, version, ...glueInputs()], 'epoll_micro.cjs', (dir) => {
    execFileSync(process.execPath, [join(glue, 'bin', 'rawsock-emcc.mjs'), ...args, '-o', join(dir, 'epoll_micro.js')], { stdio: 'pipe', env: { ...process.env, EMCC: emcc } });
    copyFileSync(join(dir, 'epoll_micro.js'), join(dir, 'epoll_micro.cjs'));
  });
}

/** "name x.y.z" from a --version line (the line itself if it has no version). */
function short(name, line) {
  if (!line) return undefined;
  const m = /(\d+\.\d+\.\d+)/.exec(line);
  return m ? `${name} ${m[1]}` : line;
}

/** Versions of the tools and runtimes, for the report ("Node 20.20.2", "emcc 3.1.6", ...). */
export function toolVersions(runtimes) {
  const names = { node20: 'Node', node26: 'Node', deno: 'Deno', bun: 'Bun' };
  const v = {
    gcc: short('gcc', tool('gcc', ['--version'])),
    emcc: short('emcc', tool(process.env.EMCC || 'emcc', ['--version'])),
    emccModern: short('emcc', modernEmccVersion()),
  };
  for (const [k, cmd] of Object.entries(runtimes)) v[k] = existsSync(cmd) ? short(names[k] ?? k, tool(cmd, ['--version'])) : undefined;
  return v;
}
