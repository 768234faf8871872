// The loads the native generator runs against every subject, and how to run one.
import { execFile } from 'node:child_process';

/** `metric`: the loadgen JSON field reported; `higher` is better for all of them. */
export const LOADS = [
  { id: 'pp50', label: '50 conns ping-pong 64 B', unit: 'msgs/s', metric: 'msgs_per_s', args: ['--load', 'pingpong', '--conns', '50'], latency: true },
  { id: 'pp1', label: '1 conn ping-pong 64 B', unit: 'msgs/s', metric: 'msgs_per_s', args: ['--load', 'pingpong', '--conns', '1'], latency: true },
  { id: 'bulk', label: 'bulk stream, 1 conn', unit: 'MB/s', metric: 'mb_per_s', args: ['--load', 'bulk'] },
  { id: 'churn', label: 'connection churn', unit: 'conns/s', metric: 'conns_per_s', args: ['--load', 'churn'] },
  { id: 'udp', label: 'UDP echo 64 B', unit: 'datagrams/s', metric: 'datagrams_per_s', args: ['--load', 'udp'], udp: true },
];

/** Runs the load generator; resolves to its JSON (or { ok: false, error }). Never rejects. */
export function runLoadgen(loadgen, args, timeoutMs) {
  return new Promise((resolve) => {
    execFile(loadgen, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const json = JSON.parse(line);
        resolve(typeof json === 'object' && json ? json : { ok: false, error: `not a JSON object: ${line}` });
      } catch {
        resolve({ ok: false, error: error ? `${error.killed ? 'timed out' : error.message}: ${stderr.trim()}` : `malformed JSON: ${line}` });
      }
    });
  });
}
