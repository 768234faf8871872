// The echo servers the benchmark compares. Each subject's `command()`
// builds what it needs and returns the argv that starts it, or throws
// Unavailable (the runner then skips it, saying why).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Unavailable, nativeEcho, wasmBlockingEcho, wasmEcho } from './build.mjs';
import { root, runtimes } from './paths.mjs';

const servers = join(root, 'bench', 'servers');

function runtime(name) {
  if (!existsSync(runtimes[name])) throw new Unavailable(`${runtimes[name]} is missing`);
  return runtimes[name];
}

/**
 * argv that runs a wasm artifact on a runtime. Emscripten's output is
 * CommonJS, and bench/ sits in a "type": "module" package, so every runtime
 * gets the .cjs copy (Deno runs Emscripten's CommonJS only as .cjs anyway).
 */
function runWasm(rt, artifact) {
  const cjs = artifact.replace(/\.js$/, '.cjs');
  if (rt === 'deno') return [runtime('deno'), 'run', '-A', '--unstable-net', cjs];
  return [runtime(rt), cjs];
}

const RUNTIME_LABEL = { node20: 'Node 20', node26: 'Node 26', deno: 'Deno', bun: 'Bun' };

/**
 * kind: native | own (the runtime's own socket API) | rawsock | emscripten
 * (Emscripten's -sNODERAWSOCKETS) | blocking (rawsock's blocking modes).
 * runtime: whose own-API subject it is compared with. smokeSkip: why
 * `--smoke` leaves the subject out (unless --all).
 */
export const SUBJECTS = [
  { id: 'native', label: 'native C (epoll)', kind: 'native', command: () => [nativeEcho()] },
  { id: 'own-node20', label: 'node:net, Node 20', kind: 'own', runtime: 'node20', command: () => [runtime('node20'), join(servers, 'node-echo.mjs')] },
  { id: 'own-node26', label: 'node:net, Node 26', kind: 'own', runtime: 'node26', command: () => [runtime('node26'), join(servers, 'node-echo.mjs')] },
  { id: 'own-deno', label: 'Deno.listen, Deno', kind: 'own', runtime: 'deno', command: () => [runtime('deno'), 'run', '--allow-net', '--unstable-net', join(servers, 'deno-echo.ts')] },
  { id: 'own-bun', label: 'Bun.listen, Bun', kind: 'own', runtime: 'bun', command: () => [runtime('bun'), join(servers, 'bun-echo.js')] },
  ...['node20', 'node26', 'deno', 'bun'].map((rt) => ({
    id: `rawsock-${rt}`,
    label: `rawsock event, ${RUNTIME_LABEL[rt]}`,
    kind: 'rawsock',
    runtime: rt,
    command: () => runWasm(rt, wasmEcho('system', 'rawsock')),
  })),
  {
    // The same event-driven echo linked at --rawsock-blocking=worker: what a
    // plain build left at `auto` runs (sockets in the worker bridge).
    id: 'rawsock-worker-node26',
    label: 'rawsock event (worker bridge, as auto), Node 26',
    kind: 'rawsock',
    runtime: 'node26',
    smokeSkip: 'the smoke measures the event-driven echo in its own mode (never); this one shows what auto costs it',
    command: () => runWasm('node26', wasmEcho('system', 'rawsock', 'worker')),
  },
  {
    id: 'rawsock6-node26',
    label: 'rawsock event (emcc 6), Node 26',
    kind: 'rawsock',
    runtime: 'node26',
    modern: true,
    command: () => runWasm('node26', wasmEcho('modern', 'rawsock')),
  },
  {
    id: 'noderawsockets-node26',
    label: 'emcc -sNODERAWSOCKETS, Node 26',
    kind: 'emscripten',
    runtime: 'node26',
    modern: true,
    command: () => runWasm('node26', wasmEcho('modern', 'noderawsockets')),
  },
  // The blocking echo (bench/src/echo_blocking.c: one thread, a poll() loop
  // with a timeout, blocking accept/recv/send) in the two modes that block
  // for real: the worker bridge (plain build) and suspend (-sASYNCIFY).
  // Node 26 carries the target; the other runtimes are there for comparison.
  ...['node26', 'node20', 'deno', 'bun'].flatMap((rt) =>
    [
      ['worker', 'bridge', 'worker bridge'],
      ['suspend', 'suspend', 'suspend, -sASYNCIFY'],
    ].map(([mode, id, what]) => ({
      id: `blocking-${id}-${rt}`,
      label: `rawsock blocking (${what}), ${RUNTIME_LABEL[rt]}`,
      kind: 'blocking',
      runtime: rt,
      ...(rt === 'node26' ? {} : { smokeSkip: 'the smoke runs the blocking echo on Node 26 only, to stay short (test/glue/blocking.test.ts runs blocking programs on every runtime)' }),
      command: () => runWasm(rt, wasmBlockingEcho(mode)),
    })),
  ),
];
