#!/usr/bin/env node
// Builds and runs every example and checks what it prints, so none can rot.
//   node examples/run.mjs            all of them
//   node examples/run.mjs c-http     the ones whose name contains "c-http"
// Ends with "N passed, N failed" (scripts/test.mjs adds it to npm test's total).
// Each example runs in a fresh temporary directory for its build output;
// servers listen on port 0, so runs in parallel sessions do not collide.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const rawsockEmcc = join(root, 'packages', 'emscripten-glue', 'bin', 'rawsock-emcc.mjs');
const node = process.execPath;
// The Deno binary itself: node_modules/.bin/deno is a Node launcher, which `deno task` cannot re-run.
const deno = join(root, 'node_modules', 'deno', 'deno');
const bun = join(root, 'node_modules', '.bin', 'bun');
const TIMEOUT_MS = 60_000;

/** How to run a built Emscripten artifact (a .cjs file) on each runtime; Deno gets narrow permissions. */
const RUNTIMES = {
  node: (file, args) => [node, [file, ...args]],
  // UDP on Deno 2 needs --unstable-net (Deno.listenDatagram is unstable).
  deno: (file, args, udp = false) => [
    deno,
    ['run', ...(udp ? ['--unstable-net'] : []), '--allow-net=127.0.0.1', `--allow-read=${dirname(file)}`, '--allow-env=RAWSOCK_POLICY', file, ...args],
  ],
  bun: (file, args) => [bun, [file, ...args]],
};

/** Runs a command to completion; returns its stdout (throws with its output on failure). */
function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function buildDir() {
  return mkdtempSync(join(tmpdir(), 'rawsock-example-'));
}

/** GET http://127.0.0.1:port/path, one connection per request. */
function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

/** Starts the HTTP server artifact, sends it `paths`, returns what both sides printed. */
function serveOn(runtime, file, paths) {
  const [cmd, args] = RUNTIMES[runtime](file, [String(paths.length)]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    let out = '';
    let err = '';
    const replies = [];
    let asked = false;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', async (d) => {
      out += d;
      const m = /^listening (\d+)$/m.exec(out);
      if (!m || asked) return;
      asked = true;
      try {
        for (const p of paths) replies.push(await get(Number(m[1]), p));
      } catch (e) {
        child.kill('SIGKILL');
        reject(e);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${runtime} exited with ${code}\n${out}${err}`));
      else resolve(`${out}${replies.join('\n')}\n`);
    });
  });
}

const examples = [
  { name: 'node', check: () => run(node, ['main.mjs'], join(here, 'node')), expect: ['echoed: hello from Node', 'recv on a closed fd: EBADF'] },
  {
    name: 'deno',
    // deno.json's start task (its narrow --allow-net=127.0.0.1), run with the workspace's
    // Deno: inside `deno task`, "deno" would resolve to the npm package's launcher instead.
    check: () => {
      const task = JSON.parse(readFileSync(join(here, 'deno', 'deno.json'), 'utf8')).tasks.start.split(' ');
      if (task[0] !== 'deno') throw new Error(`deno.json's start task should begin with "deno": ${task.join(' ')}`);
      return run(deno, task.slice(1), join(here, 'deno'));
    },
    expect: ['echoed: hello from Deno', 'recv on a closed fd: EBADF'],
  },
  { name: 'bun', check: () => run(bun, ['main.ts'], join(here, 'bun')), expect: ['echoed: hello from Bun', 'recv on a closed fd: EBADF'] },
  {
    name: 'untrusted-memory',
    check: () => run(node, ['main.mjs'], join(here, 'untrusted-memory')),
    expect: ['virtual 127.0.0.1:8080 carried: inside the sandbox', "connect to the host's port: ECONNREFUSED", 'connections the host saw: 0'],
  },
  {
    name: 'policy',
    check: () => run(node, ['main.mjs'], join(here, 'policy')),
    expect: [
      'connect 127.0.0.1 (loopback): connected, read "hello from an allowed service"',
      'audit: denied connect to 169.254.169.254:80',
      'connect 169.254.169.254 (cloud metadata): EACCES',
      'connect 10.1.2.3 (private network): EACCES',
      /^audit: denied listen to 127\.0\.0\.1:\d+$/m,
      'listen: EACCES',
    ],
  },
];

// One artifact, built once, run on every runtime.
let httpServer;
const builtHttpServer = () => {
  if (httpServer) return httpServer;
  const dir = buildDir();
  run(node, [rawsockEmcc, join(here, 'c-http-server', 'server.c'), '-O1', '-sEXIT_RUNTIME=1', '-o', join(dir, 'server.cjs')], dir);
  return (httpServer = join(dir, 'server.cjs'));
};
for (const runtime of Object.keys(RUNTIMES)) {
  examples.push({
    name: `c-http-server on ${runtime}`,
    check: () => serveOn(runtime, builtHttpServer(), ['/', '/hello', '/bye']),
    expect: ['GET / -> 200', 'GET /hello -> 200', 'GET /bye -> 200', 'served 3 requests', '200 hello from C: GET /hello', '200 hello from C: GET /bye'],
  });
}

let cmakeBuild;
const builtCmake = () => {
  if (cmakeBuild) return cmakeBuild;
  const dir = buildDir();
  const flags = run(node, [rawsockEmcc, '--print-flags'], dir).trim();
  run('emcmake', ['cmake', '-S', join(here, 'cmake-cpp'), '-B', dir, `-DCMAKE_EXE_LINKER_FLAGS=${flags}`], dir);
  run('cmake', ['--build', dir], dir);
  return (cmakeBuild = join(dir, 'udp_ping.cjs'));
};
for (const runtime of Object.keys(RUNTIMES)) {
  examples.push({
    name: `cmake-cpp on ${runtime}`,
    check: () => {
      const [cmd, args] = RUNTIMES[runtime](builtCmake(), [], true);
      return run(cmd, args);
    },
    expect: ["got pong for 'ping 1'", "got pong for 'ping 3'", '3 round trips over UDP'],
  });
}

// The same UDP program on Deno without --unstable-net: the C program sees
// EAFNOSUPPORT (and exits 1), and stderr names the missing flag.
examples.push({
  name: 'cmake-cpp on deno without --unstable-net (the error names the flag)',
  check: () => {
    const [cmd, args] = RUNTIMES.deno(builtCmake(), [], false);
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } });
    return `exit ${r.status}\n${r.stdout}${r.stderr}`;
  },
  expect: ['exit 1', 'socket failed: Address family not supported by protocol', /^\[rawsock\] socket\(SOCK_DGRAM\): UDP on Deno needs .*--unstable-net flag/m],
});

const filter = process.argv[2];
let passed = 0;
let failed = 0;
const missing = [deno, bun].filter((b) => !existsSync(b));
if (missing.length) console.log(`[examples] missing runtimes: ${missing.join(', ')} (run npm ci)`);
for (const ex of examples) {
  if (filter && !ex.name.includes(filter)) continue;
  let out = '';
  let problem;
  try {
    out = await ex.check();
    const absent = ex.expect.filter((e) => (typeof e === 'string' ? !out.split('\n').includes(e) : !e.test(out)));
    if (absent.length) problem = `missing from the output: ${absent.map(String).join(' | ')}`;
  } catch (e) {
    problem = e.message;
  }
  if (problem) {
    failed++;
    console.log(`not ok ${ex.name}\n  ${problem.replaceAll('\n', '\n  ')}\n  output:\n    ${out.trim().replaceAll('\n', '\n    ')}`);
  } else {
    passed++;
    console.log(`ok ${ex.name}`);
  }
}
for (const dir of [httpServer, cmakeBuild]) if (dir) rmSync(dirname(dir), { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
