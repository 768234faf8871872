// rawsock-emcc's informational commands: --help, --version and --doctor.
// Kept apart from the wrapper itself (rawsock-emcc.mjs) so the build path
// stays small; none of these runs a build.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

/** What to do when emcc cannot be run (shared by the build path and --doctor). */
export const MISSING_EMCC_ADVICE =
  'Emscripten is not installed or not on PATH. Install it (https://emscripten.org/docs/getting_started/downloads.html, or apt install emscripten), or set EMCC=/path/to/emcc; rawsock-emcc --doctor checks the set-up';

/**
 * emcc settings that cannot work with rawsock, and ones that no longer do
 * anything: rawsock-emcc refuses the first (exit 2) and notes the second.
 */
const REFUSED = {
  PROXY_POSIX_SOCKETS:
    'proxies sockets to a native WebSocket bridge and provides the socket syscalls itself, as rawsock does; the two cannot be linked together. Remove -sPROXY_POSIX_SOCKETS (and -lwebsocket.js): rawsock gives the program real sockets directly',
};
const NO_EFFECT = ['WEBSOCKET_URL', 'WEBSOCKET_SUBPROTOCOL', 'SOCKET_DEBUG'];

/** The -s settings among `args` (`-sNAME`, `-sNAME=..`, `-s NAME=..`), by name. */
function settings(args) {
  const names = [];
  args.forEach((a, i) => {
    const text = a === '-s' ? args[i + 1] : a.startsWith('-s') ? a.slice(2) : undefined;
    if (text) names.push(text.split('=')[0]);
  });
  return names;
}

/** Problems with the build's flags: `errors` stop the build, `notes` are printed. */
export function flagProblems(args) {
  const used = settings(args);
  const errors = Object.entries(REFUSED)
    .filter(([name]) => used.includes(name))
    .map(([name, why]) => `[rawsock] -s${name} is not supported with rawsock-emcc: it ${why}.`);
  const notes = NO_EFFECT.filter((name) => used.includes(name)).map(
    (name) => `[rawsock] -s${name} has no effect with rawsock: it configures Emscripten's WebSocket socket emulation, which rawsock replaces with real sockets`,
  );
  return { errors, notes };
}

/** The commands this module answers. */
export const INFO_COMMANDS = ['--help', '-h', '--version', '--doctor'];

export const HELP = `rawsock-emcc — emcc with real POSIX sockets (rawsock) for Node.js, Deno and Bun

Usage:
  rawsock-emcc [emcc arguments]   build as emcc does, linking rawsock's socket glue
  rawsock-emcc --print-flags [link flags]
                                  the flags it adds, for Makefiles and CMake
                                  (LDFLAGS += $(rawsock-emcc --print-flags)); give the
                                  link's -pthread, -sASYNCIFY or -sJSPI, which add more
  rawsock-emcc --doctor [args]    check the emcc, the glue files and the runtimes found,
                                  and say which socket mode a build with [args] would get
  rawsock-emcc --version          rawsock's version, then emcc's
  rawsock-emcc --help             this text

Environment:
  EMCC            the emcc to run (default: emcc on PATH)
  RAWSOCK_POLICY  at run time: network policy for the program (e.g. loopback-only)

Run the output with: node app.js | deno run --allow-net app.cjs | bun app.js
(name it .cjs for Deno; UDP on Deno also needs --unstable-net).
More: the README of @rawsock/emscripten, and examples/c-http-server and examples/cmake-cpp.
`;

/** First line of `cmd --version`, or undefined if it does not run. */
function versionOf(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return undefined;
  return `${r.stdout}`.split('\n').find((l) => l.trim())?.trim();
}

/** `name` on PATH, as an absolute path, or undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * The socket mode a build with `args` gets: `{ good, text }` (good false for
 * a mode rawsock-emcc would refuse). `glue` is the built package
 * (blockingArg, asyncifyOn); see README "Blocking modes".
 */
export function socketMode(args, glue) {
  const { blocking, error } = glue.blockingArg(args);
  if (error) return { good: false, text: error };
  const eventDriven = 'event-driven (non-blocking sockets driven by poll/select/epoll in emscripten_set_main_loop, or by Emscripten socket callbacks; a blocking call that would wait returns EAGAIN)';
  const worker = 'worker bridge (sockets in a worker; the program waits in Atomics.wait) on Node, Deno and Bun';
  const asyncify = glue.asyncifyOn(args);
  switch (blocking) {
    case 'never':
      return { good: true, text: `never: ${eventDriven}` };
    case 'suspend':
      return asyncify
        ? { good: true, text: 'suspend: blocking calls suspend the wasm stack (-sASYNCIFY)' }
        : { good: false, text: 'suspend needs -sASYNCIFY in the build; without it the program is refused at start' };
    case 'worker':
      return { good: true, text: `worker: ${worker}` };
    default:
      return asyncify
        ? { good: true, text: 'auto: suspend (the build has -sASYNCIFY)' }
        : { good: true, text: `auto: ${worker}; ${eventDriven} with one warning where SharedArrayBuffer, Atomics.wait or workers are missing` };
  }
}

/**
 * Checks the set-up; returns the exit status (0 when a build can work).
 * `paths` are the glue files rawsock-emcc links; `glue` is the built package.
 */
function doctor(args, paths, glue) {
  const lines = [];
  let ok = true;
  const report = (good, label, text) => {
    if (good === false) ok = false;
    lines.push(`${good === false ? '✗' : good === null ? '-' : '✓'} ${label}: ${text}`);
  };
  const emcc = process.env.EMCC || 'emcc';
  const emccLine = versionOf(emcc);
  const version = emccLine && glue.parseEmccVersion(emccLine);
  if (!emccLine) {
    report(false, 'emcc', `cannot run "${emcc}": ${MISSING_EMCC_ADVICE.replace('; rawsock-emcc --doctor checks the set-up', '')}`);
  } else if (!version) {
    report(false, 'emcc', `"${emcc}" ran but its version was not recognised: ${emccLine}`);
  } else {
    const v = `${version.major}.${version.minor}.${version.patch}`;
    const older = version.major < 3 || (version.major === 3 && (version.minor < 1 || (version.minor === 1 && version.patch < 11)));
    report(true, 'emcc', `${emcc} ${v}${older ? ' (before 3.1.11: builds get -sWASM_ASYNC_COMPILATION=0)' : ''}; tested: 3.1.6 and 6.0.5`);
  }
  const files = [...paths.libraries, paths.runtime, paths.shim];
  const missing = files.filter((f) => !existsSync(f));
  report(missing.length === 0, 'glue', missing.length ? `missing ${missing.join(', ')} — reinstall @rawsock/emscripten (in its repository: npm run build)` : `${pkg.name} ${pkg.version}, prebuilt (${dirname(paths.runtime)})`);
  report(true, 'node', `${process.version} (running this command)`);
  for (const [name, label] of [['deno', 'deno'], ['bun', 'bun']]) {
    const where = onPath(name);
    const line = where && versionOf(where);
    report(line ? true : null, label, line ? `${line} (${where})` : 'not found on PATH (optional)');
  }
  const mode = socketMode(args, glue);
  report(mode.good, 'sockets', mode.text);
  console.log(lines.join('\n'));
  console.log(ok ? 'rawsock-emcc is ready to build.' : 'rawsock-emcc cannot build yet: fix the ✗ lines above.');
  return ok ? 0 : 1;
}

/**
 * Answers --help, --version and --doctor; returns the exit status, or
 * undefined when `args` is a build (not one of these commands).
 */
export function runInfoCommand(args, paths, glue) {
  const cmd = args[0];
  if (cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === '--version') {
    console.log(`rawsock-emcc ${pkg.version} (${pkg.name})`);
    // Then emcc's own, so tools that read a compiler's --version still find it.
    const emcc = process.env.EMCC || 'emcc';
    const r = spawnSync(emcc, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) process.stdout.write(r.stdout);
    else console.log(`(emcc: cannot run "${emcc}"; set EMCC or install Emscripten)`);
    return 0;
  }
  if (cmd === '--doctor') return doctor(args.slice(1), paths, glue);
  return undefined;
}
