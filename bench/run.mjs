#!/usr/bin/env node
// rawsock's benchmark (`npm run bench`): echo servers (native C, each
// runtime's own socket API, a C program built with rawsock-emcc, and
// Emscripten's -sNODERAWSOCKETS build of the same program, and a blocking C
// program in rawsock's worker-bridge and suspend modes) under loads from
// a native epoll load generator. Rounds are interleaved (every subject once
// per round, in a rotating order) and medians reported, because the machine
// may be shared. Writes a table to stdout and results.json, results.svg and
// results.md (the README table) into bench/.
//
//   node bench/run.mjs [--seconds 2] [--rounds 3] [--only id,id] [--idle-conns 1000] [--readme]
//   node bench/run.mjs --smoke     a few seconds; checks every subject answers
//                                  every load and the outputs are well-formed
//                                  (asserts nothing about speed); --all adds the
//                                  subjects the smoke leaves out for time
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Unavailable, epollMicro, loadgen as buildLoadgen, toolVersions } from './lib/build.mjs';
import { LOADS, runLoadgen } from './lib/loads.mjs';
import { root, runtimes } from './lib/paths.mjs';
import { startServer } from './lib/server.mjs';
import { median, targets } from './lib/stats.mjs';
import { SUBJECTS } from './lib/subjects.mjs';
import { chart } from './lib/svg.mjs';
import { markdown, textTable } from './lib/report.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const smoke = flag('--smoke');
const seconds = Number(option('--seconds', smoke ? '0.25' : '2'));
const rounds = Number(option('--rounds', smoke ? '1' : '3'));
const idleConns = Number(option('--idle-conns', smoke ? '20' : '1000'));
const onlyList = option('--only', '').split(',').filter(Boolean);
const only = onlyList.length ? onlyList : undefined;
const outDir = smoke ? mkdtempSync(join(tmpdir(), 'rawsock-bench-')) : option('--out', join(root, 'bench'));
const log = (...a) => console.error('[bench]', ...a);

if (!(seconds > 0) || !(rounds >= 1) || !(idleConns >= 1)) {
  console.error('usage: node bench/run.mjs [--seconds S>0] [--rounds R>=1] [--idle-conns N>=1] [--only id,id] [--smoke] [--readme]');
  process.exit(2);
}

let loadgen;
try {
  loadgen = buildLoadgen();
} catch (e) {
  console.error(`[bench] cannot build the load generator: ${e.message}`);
  process.exit(1);
}

// Build every subject first; the ones that cannot be built are skipped with the reason.
const subjects = [];
const skipped = [];
for (const s of SUBJECTS) {
  if (only && !only.includes(s.id)) continue;
  if (smoke && s.modern && !flag('--modern')) {
    skipped.push({ id: s.id, label: s.label, kind: s.kind, reason: 'smoke skips emcc 6.x builds (pass --modern; npm run test:emcc-modern covers that toolchain)' });
    continue;
  }
  if (smoke && s.smokeSkip && !flag('--all')) {
    skipped.push({ id: s.id, label: s.label, kind: s.kind, reason: `${s.smokeSkip} (pass --all to include it)` });
    continue;
  }
  try {
    log(`building ${s.id}`);
    subjects.push({ ...s, argv: s.command() });
  } catch (e) {
    if (!(e instanceof Unavailable)) throw e;
    skipped.push({ id: s.id, label: s.label, kind: s.kind, reason: e.message });
    log(`skipping ${s.id}: ${e.message}`);
  }
}

// micro.mjs runs bench/src/epoll_micro.c natively and as wasm: build both
// here, outside its time limit (it finds them cached, or says why not).
let epollBuilt = true;
for (const kind of ['native', 'wasm']) {
  try {
    log(`building epoll_micro (${kind})`);
    epollMicro(kind);
  } catch (e) {
    epollBuilt = false;
    if (!(e instanceof Unavailable)) throw e;
    log(`epoll_micro (${kind}) not built: ${e.message}`);
  }
}

const runs = new Map(); // `${subject}/${load}` -> [json]
const note = (subject, load, json) => {
  const k = `${subject}/${load}`;
  if (!runs.has(k)) runs.set(k, []);
  runs.get(k).push(json);
};
const timeoutMs = Math.ceil(seconds * 1000) + 15_000;

/** One subject in one round: start it, warm it up, run every load and the idle-memory probe, stop it. */
async function round(s, r) {
  let server;
  try {
    server = await startServer(s.argv);
  } catch (e) {
    for (const l of LOADS) note(s.id, l.id, { ok: false, error: `server did not start: ${e.message}` });
    note(s.id, 'idle', { ok: false, error: `server did not start: ${e.message}` });
    log(`round ${r} ${s.id}: server did not start: ${e.message}`);
    return;
  }
  try {
    if (!smoke) await runLoadgen(loadgen, ['--load', 'pingpong', '--port', String(server.tcp), '--seconds', String(Math.min(1, seconds / 2))], timeoutMs);
    for (const l of LOADS) {
      const port = l.udp ? server.udp : server.tcp;
      const json = await runLoadgen(loadgen, [...l.args, '--port', String(port), '--seconds', String(seconds)], timeoutMs);
      note(s.id, l.id, json);
      if (!json.ok) log(`round ${r} ${s.id} ${l.id}: ${json.error}`);
    }
    const idle = await runLoadgen(
      loadgen,
      ['--load', 'idle', '--port', String(server.tcp), '--pid', String(server.pid), '--conns', String(idleConns), '--settle-ms', smoke ? '50' : '500'],
      timeoutMs + idleConns * 20,
    );
    note(s.id, 'idle', idle);
    if (!idle.ok) log(`round ${r} ${s.id} idle: ${idle.error}`);
  } finally {
    await server.stop();
  }
}

function micro() {
  const args = [join(root, 'bench', 'micro.mjs'), ...(smoke ? ['--iterations', '2000', '--pairs', '20'] : [])];
  return new Promise((resolve) =>
    execFile(runtimes.node26, args, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      } catch {
        resolve({ ok: false, error: `${error?.message ?? 'malformed output'} ${stderr.trim()}` });
      }
    }),
  );
}

const started = new Date();
const load0 = loadavg();
const micros = [];
if (smoke) {
  // Speed is not measured here: every subject at once, to keep it short.
  await Promise.all(subjects.map((s) => round(s, 1)));
  micros.push(await micro());
} else {
  for (let r = 0; r < rounds; r++) {
    const order = subjects.map((_, i) => subjects[(i + r) % subjects.length]);
    log(`round ${r + 1}/${rounds}: ${order.map((s) => s.id).join(' ')}`);
    for (const s of order) await round(s, r + 1);
    micros.push(await micro());
  }
}

// Medians.
const med = (subject, load) => {
  const l = LOADS.find((x) => x.id === load);
  return median((runs.get(`${subject}/${load}`) ?? []).filter((j) => j.ok).map((j) => j[l.metric]));
};
const medField = (subject, load, field) => median((runs.get(`${subject}/${load}`) ?? []).filter((j) => j.ok).map((j) => j[field]));
const mem = (subject) => medField(subject, 'idle', 'bytes_per_conn');
const has = (id) => subjects.some((s) => s.id === id);
const okMicros = micros.filter((m) => m.ok);
const results = {
  date: started.toISOString(),
  machine: {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    loadavg: { start: load0, end: loadavg() },
    note: 'shared machine: other sessions ran builds and tests at the same time',
  },
  versions: toolVersions(runtimes),
  settings: { seconds, rounds, idleConns, smoke },
  loads: LOADS.map(({ id, label, unit, metric }) => ({ id, label, unit, metric })),
  subjects: [
    ...subjects.map((s) => {
      const loads = {};
      for (const l of LOADS) {
        const all = runs.get(`${s.id}/${l.id}`) ?? [];
        loads[l.id] = {
          median: med(s.id, l.id),
          ...(l.latency ? { p50_us: medField(s.id, l.id, 'p50_us'), p99_us: medField(s.id, l.id, 'p99_us') } : {}),
          runs: all.map((j) => (j.ok ? j[l.metric] : null)),
          errors: all.filter((j) => !j.ok).map((j) => j.error),
        };
      }
      const idle = runs.get(`${s.id}/idle`) ?? [];
      return {
        id: s.id,
        label: s.label,
        kind: s.kind,
        runtime: s.runtime ?? null,
        status: 'measured',
        loads,
        idle: { bytes_per_conn: mem(s.id), runs: idle.map((j) => (j.ok ? j.bytes_per_conn : null)), errors: idle.filter((j) => !j.ok).map((j) => j.error) },
      };
    }),
    ...skipped.map((s) => ({ ...s, status: 'skipped' })),
  ],
  micro: {
    recv_eagain_ns: median(okMicros.map((m) => m.recv_eagain_ns)),
    send_recv_64_ns: median(okMicros.map((m) => m.send_recv_64_ns)),
    poll_fds: okMicros[0]?.poll_fds,
    poll_ns: median(okMicros.map((m) => m.poll_ns)),
    bridge_roundtrip_us: median(okMicros.map((m) => m.bridge_roundtrip_us)),
    epoll_fds: okMicros[0]?.epoll_fds,
    epoll_wait_ns: median(okMicros.map((m) => m.epoll_wait_ns).filter((x) => typeof x === 'number')),
    epoll_wait_native_ns: median(okMicros.map((m) => m.epoll_wait_native_ns).filter((x) => typeof x === 'number')),
    node: okMicros[0]?.node,
    runs: micros,
  },
  targets: targets(med, mem, has),
};

mkdirSync(outDir, { recursive: true }); // --out may name a directory that does not exist yet
const jsonPath = join(outDir, 'results.json');
const svgPath = join(outDir, 'results.svg');
const mdPath = join(outDir, 'results.md');
writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
const measured = results.subjects.filter((s) => s.status === 'measured');
writeFileSync(
  svgPath,
  chart({
    title: `rawsock echo benchmark — ${results.date.slice(0, 10)}`,
    subtitle: `${results.machine.nproc} cores shared with other sessions, ${results.machine.cpu}; medians of ${rounds} interleaved round(s), ${seconds} s per load; ${[results.versions.node20, results.versions.node26, results.versions.deno, results.versions.bun].filter(Boolean).join(', ')}`,
    panels: [
      ...LOADS.map((l) => ({ title: l.label, unit: `${l.unit}, higher is better`, bars: measured.map((s) => ({ label: s.label, kind: s.kind, value: s.loads[l.id].median })) })),
      { title: `idle memory, ${idleConns} conns`, unit: 'RSS bytes/conn, lower is better', bars: measured.map((s) => ({ label: s.label, kind: s.kind, value: s.idle.bytes_per_conn })) },
    ],
  }),
);
writeFileSync(mdPath, markdown(results));
console.log(textTable(results));
console.log(`\nwrote ${jsonPath}, ${svgPath}, ${mdPath}`);

if (flag('--readme')) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) console.error(`[bench] README.md has no ${start} ... ${end} block; not updated`);
  else writeFileSync(readme, `${text.slice(0, a + start.length)}\n${markdown(results)}${text.slice(b)}`);
}

if (smoke) {
  // Every measured subject answered every load and the idle probe; the files parse.
  let passed = 0;
  let failed = 0;
  const check = (ok, what) => {
    if (ok) passed++;
    else {
      failed++;
      console.log(`not ok - ${what}`);
    }
  };
  for (const s of measured) {
    for (const l of LOADS) {
      const all = runs.get(`${s.id}/${l.id}`) ?? [];
      const answered = all.length > 0 && all.every((j) => j.ok && typeof j[l.metric] === 'number' && j.answered > 0);
      check(answered, `${s.id} answers ${l.id}${s.loads[l.id].errors.length ? `: ${s.loads[l.id].errors.join('; ')}` : ''}`);
    }
    check(typeof s.idle.bytes_per_conn === 'number', `${s.id} holds ${idleConns} idle connections${s.idle.errors.length ? `: ${s.idle.errors.join('; ')}` : ''}`);
  }
  const mc = results.micro;
  check([mc.recv_eagain_ns, mc.send_recv_64_ns, mc.poll_ns, mc.bridge_roundtrip_us].every((x) => typeof x === 'number'), `micro costs measured: ${JSON.stringify(micros)}`);
  // Without emcc or gcc the epoll micro is not built (said above); when built it must give numbers.
  if (epollBuilt) check([mc.epoll_wait_ns, mc.epoll_wait_native_ns].every((x) => typeof x === 'number'), `epoll_wait measured: ${JSON.stringify(micros)}`);
  const back = JSON.parse(readFileSync(jsonPath, 'utf8'));
  check(back.subjects.length === subjects.length + skipped.length && Array.isArray(back.targets), 'results.json is well-formed');
  check(/^<svg [^>]*>[\s\S]*<\/svg>\n$/.test(readFileSync(svgPath, 'utf8')), 'results.svg is an SVG document');
  for (const s of skipped) console.log(`skip - ${s.id}: ${s.reason}`);
  console.log(`bench smoke: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
  process.exit(failed ? 1 : 0);
}
