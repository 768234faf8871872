// Starts an echo server subject and waits for its "tcp PORT udp PORT" line.
import { spawn } from 'node:child_process';

/** Resolves to { pid, tcp, udp, stop() }; rejects if no ports line comes within `timeoutMs`. */
export function startServer(argv, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    let settled = false;
    const exited = new Promise((r) => p.once('exit', r));
    const stop = async () => {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      await exited;
    };
    const timer = setTimeout(() => finish(new Error(`no "tcp PORT udp PORT" line in ${timeoutMs} ms`)), timeoutMs);
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        stop();
        reject(new Error(`${error.message}${err ? `; stderr: ${err.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
      } else resolve(value);
    };
    p.stdout.on('data', (d) => {
      out += d;
      const m = /tcp (\d+) udp (\d+)/.exec(out);
      if (m) finish(null, { pid: p.pid, tcp: Number(m[1]), udp: Number(m[2]), stop, stderr: () => err });
    });
    p.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    p.once('error', (e) => finish(e));
    p.once('exit', (code, signal) => finish(new Error(`exited (${code ?? signal}) before listening`)));
  });
}
