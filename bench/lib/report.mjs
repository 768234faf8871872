// The run as text (stdout) and as Markdown (README's Performance section).

const num = (v, digits = 0) => (v === undefined || v === null ? '—' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function rows(results) {
  return results.subjects
    .filter((s) => s.status === 'measured')
    .map((s) => [
      s.label,
      num(s.loads.pp50.median),
      num(s.loads.pp50.p50_us),
      num(s.loads.pp50.p99_us),
      num(s.loads.pp1.median),
      num(s.loads.bulk.median),
      num(s.loads.churn.median),
      num(s.loads.udp.median),
      num(s.idle.bytes_per_conn),
    ]);
}
const HEAD = ['subject', '50c msgs/s', 'p50 µs', 'p99 µs', '1c msgs/s', 'bulk MB/s', 'churn conns/s', 'UDP dgrams/s', 'idle B/conn'];

function verdict(t) {
  if (t.value === undefined) return 'not measured';
  const v = t.unit === '×' ? `${t.value.toFixed(2)}×` : `${t.value.toFixed(1)} ${t.unit}`;
  const goal = t.unit === '×' ? `≥ ${t.target}×` : `≤ ${t.target} ${t.unit}`;
  if (t.pass) return `${v} (target ${goal}): meets`;
  const by = t.unit === '×' ? `${Math.round((1 - t.value / t.target) * 100)}% short` : `${(t.value - t.target).toFixed(1)} ${t.unit} over`;
  return `${v} (target ${goal}): MISSES, ${by}`;
}

function machine(r) {
  const v = r.versions;
  return `${r.date} on ${r.machine.nproc} cores (${r.machine.cpu}, Linux ${r.machine.kernel}; shared with other sessions, load average ${r.machine.loadavg.start.map((x) => x.toFixed(1)).join(' ')} at start). ${[v.node20, v.node26, v.deno, v.bun, v.gcc, v.emcc, v.emccModern].filter(Boolean).join(', ')}. Medians of ${r.settings.rounds} interleaved round(s), ${r.settings.seconds} s per load (first 10% not counted); idle memory over ${r.settings.idleConns} connections.`;
}

/** The newer micro costs (older results.json files have none), for the text report. */
function extraText(m) {
  let t = '';
  if (typeof m.send_recv_64_ns === 'number') t += `; core send+recv of 64 B over a socketpair: ${num(m.send_recv_64_ns)} ns`;
  if (typeof m.epoll_wait_ns === 'number') t += `; epoll_wait over ${m.epoll_fds} fds (1 ready) in wasm: ${num(m.epoll_wait_ns)} ns/call (Linux natively: ${num(m.epoll_wait_native_ns)} ns)`;
  return t;
}

/** The same, as sentences for the README. */
function extraSentences(m) {
  let t = '';
  if (typeof m.send_recv_64_ns === 'number') t += ` Core's own data path, a 64-byte \`send\` into an in-memory socketpair and the \`recv\` of it at the other end, costs ${num(m.send_recv_64_ns)} ns.`;
  if (typeof m.epoll_wait_ns === 'number') {
    t += ` One \`epoll_wait\` in a wasm program over ${m.epoll_fds} connected sockets, one of them ready (\`bench/src/epoll_micro.c\`, socketpairs, rawsock-emcc on Node ${m.node}), costs ${num(m.epoll_wait_ns)} ns (the same program natively on Linux: ${num(m.epoll_wait_native_ns)} ns).`;
  }
  return t;
}

export function textTable(results) {
  const all = [HEAD, ...rows(results)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [machine(results), '', line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows(results).map(line), ''];
  for (const s of results.subjects.filter((x) => x.status === 'skipped')) out.push(`skipped ${s.label}: ${s.reason}`);
  out.push('', `recv → EAGAIN: ${num(results.micro.recv_eagain_ns)} ns/call; poll over ${results.micro.poll_fds} idle fds: ${num(results.micro.poll_ns)} ns/call (core SocketSyscalls + NodeProvider, Node ${results.micro.node}); worker-bridge round trip: ${num(results.micro.bridge_roundtrip_us, 1)} µs${extraText(results.micro)}`, '', 'targets:');
  for (const t of results.targets) out.push(`  ${t.name}: ${verdict(t)}${t.note ? ` [${t.note}]` : ''}`);
  return out.join('\n');
}

export function markdown(results) {
  const md = (r) => `| ${r.join(' | ')} |`;
  const out = [
    `Measured ${machine(results)}`,
    '',
    md(HEAD),
    md(HEAD.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows(results).map(md),
    '',
  ];
  const skipped = results.subjects.filter((x) => x.status === 'skipped');
  if (skipped.length) out.push(...skipped.map((s) => `- not measured: ${s.label} — ${s.reason}`), '');
  out.push(
    `Per call, through core's \`SocketSyscalls\` with the NodeProvider on Node ${results.micro.node}: a non-blocking \`recv\` that returns EAGAIN costs ${num(results.micro.recv_eagain_ns)} ns; \`poll\` over ${results.micro.poll_fds} idle fds costs ${num(results.micro.poll_ns)} ns (${num(results.micro.poll_ns / results.micro.poll_fds, 1)} ns per fd). One round trip through the worker bridge (\`@rawsock/node/sync\`, a non-blocking \`recv\` answered by the socket worker) costs ${num(results.micro.bridge_roundtrip_us, 1)} µs.${extraSentences(results.micro)}`,
    '',
    '| target (issue 6) | this run |',
    '| --- | --- |',
    ...results.targets.map((t) => `| ${t.name}${t.note ? ` (${t.note})` : ''} | ${verdict(t)} |`),
    '',
  );
  return out.join('\n');
}
