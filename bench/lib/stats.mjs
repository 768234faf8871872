// Medians and the target ratios of issue 6, computed from a run's results.

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * The targets, each { name, value, target, unit, pass, note }; value is
 * undefined when a side of the ratio was not measured.
 * `med(subject, load)` gives a median; `mem(subject)` bytes per idle connection.
 */
export function targets(med, mem, has) {
  const out = [];
  const ratio = (a, b) => (a !== undefined && b ? a / b : undefined);
  const push = (name, value, target, cmp, unit = '×', note = '') =>
    out.push({ name, value, target, unit, pass: value === undefined ? undefined : cmp(value, target), note });
  for (const [rt, label] of [['node20', 'Node 20'], ['node26', 'Node 26'], ['deno', 'Deno'], ['bun', 'Bun']]) {
    for (const [load, what] of [['pp50', '50-conn ping-pong'], ['bulk', 'bulk']]) {
      push(`rawsock / own API, ${label}, ${what}`, ratio(med(`rawsock-${rt}`, load), med(`own-${rt}`, load)), 0.9, (v, t) => v >= t);
    }
    const a = mem(`rawsock-${rt}`);
    const b = mem(`own-${rt}`);
    push(`idle memory beyond own API, ${label}`, a !== undefined && b !== undefined ? (a - b) / 1024 : undefined, 16, (v, t) => v <= t, 'KiB/conn');
  }
  // Same toolchain on both sides when emcc 6 built rawsock too.
  const ours = has('rawsock6-node26') ? 'rawsock6-node26' : 'rawsock-node26';
  push(`rawsock / -sNODERAWSOCKETS, Node 26, 50-conn ping-pong`, ratio(med(ours, 'pp50'), med('noderawsockets-node26', 'pp50')), 1.5, (v, t) => v >= t, '×', ours);
  for (const [load, what] of [['pp1', '1-conn ping-pong'], ['bulk', 'bulk'], ['churn', 'churn'], ['udp', 'UDP']]) {
    push(`rawsock / -sNODERAWSOCKETS, Node 26, ${what}`, ratio(med(ours, load), med('noderawsockets-node26', load)), 1.0, (v, t) => v >= t, '×', ours);
  }
  push('blocking (worker bridge) / own API, Node 26, 50-conn ping-pong', ratio(med('blocking-bridge-node26', 'pp50'), med('own-node26', 'pp50')), 0.5, (v, t) => v >= t, '×', 'bench/src/echo_blocking.c, plain build');
  return out;
}
