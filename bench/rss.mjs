// RSS of one echo subject under sustained 50-connection ping-pong: starts
// the subject, runs the load generator for --seconds (default 12), samples
// the server's VmRSS every 2 s. Shows whether memory levels off or keeps
// growing (the worker bridge's readiness messages once piled up).
// Usage: node bench/rss.mjs SUBJECT_ID [--seconds S]   (ids: bench/lib/subjects.mjs)
import { readFileSync } from 'node:fs';
import { loadgen as buildLoadgen } from './lib/build.mjs';
import { runLoadgen } from './lib/loads.mjs';
import { startServer } from './lib/server.mjs';
import { SUBJECTS } from './lib/subjects.mjs';

const id = process.argv[2];
const i = process.argv.indexOf('--seconds');
const seconds = i > 0 ? Number(process.argv[i + 1]) : 12;
const subject = SUBJECTS.find((s) => s.id === id);
if (!subject || !(seconds > 0)) {
  console.error(`usage: node bench/rss.mjs SUBJECT_ID [--seconds S]; ids: ${SUBJECTS.map((s) => s.id).join(', ')}`);
  process.exit(2);
}
const server = await startServer(subject.command());
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const samples = [rssMb()];
const timer = setInterval(() => samples.push(rssMb()), 2000);
const r = await runLoadgen(buildLoadgen(), ['--load', 'pingpong', '--conns', '50', '--port', String(server.tcp), '--seconds', String(seconds)], (seconds + 30) * 1000);
clearInterval(timer);
samples.push(rssMb());
await server.stop();
console.log(JSON.stringify({ id, msgs_per_s: Math.round(r.msgs_per_s ?? 0), rss_mb_every_2s: samples }));
