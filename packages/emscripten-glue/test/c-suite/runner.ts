/**
 * Runs a conformance program against its peers and judges its TAP output.
 * No vitest here, so another suite can reuse it: give it a Strategy saying
 * how to build a source and how to run the artifact. For wasm, e.g.:
 *
 *   const wasm: Strategy = {
 *     name: 'rawsock-emcc',
 *     build: async (src) => buildWasm(src),          // returns 'prog.js'
 *     command: (js) => ({ command: nodeBin, args: [js] }),
 *   };
 *   for (const c of C_CASES) {
 *     const r = await buildAndRun(c, wasm);          // or buildAll + runCase
 *     judge(r);                                      // undefined = passed
 *     verdicts(r.stdout);                            // compare with native
 *   }
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CCase, ClientsSpec, PeerInfo, PeerKind } from './cases.js';
import { startPeers } from './peers.js';

/** Directory of the C sources (test/c). */
export const C_SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'c');

export function sourcePath(c: CCase): string {
  return join(C_SOURCE_DIR, c.source);
}

/** How to build and run the programs under test. */
export interface Strategy {
  readonly name: string;
  /** Builds a source file; resolves to the artifact (a path). */
  build(source: string, c: CCase): Promise<string>;
  /** Command and leading arguments that run an artifact; the case's argv follows. */
  command(artifact: string): { command: string; args: string[] };
}

export interface ProgramRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** Problems the peers saw (e.g. a harness client got a wrong echo). */
  readonly peerErrors: string[];
  readonly ok: string[];
  readonly notOk: string[];
  /** From `# passed P failed F`, undefined if the line is missing. */
  readonly summary?: { passed: number; failed: number };
}

export interface RunOptions {
  readonly clients?: ClientsSpec;
  readonly timeoutMs?: number;
  /** Extra environment for the program. */
  readonly env?: Record<string, string>;
}

/** The TAP verdict lines of an output, with `: detail` of failures dropped: comparable across runtimes. */
export function verdicts(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^(not )?ok \d+ - /.test(l))
    .map((l) => (l.startsWith('not ok') ? l.replace(/: .*$/, '') : l));
}

/**
 * Starts `peers`, runs `command args` (args may be built from the peers'
 * ports), feeds stdout lines to the peers (`listening PORT` starts harness
 * clients), waits for exit (killed after timeoutMs) and for the clients,
 * then stops the peers.
 */
export async function runProgram(
  command: string,
  args: readonly string[] | ((p: PeerInfo) => readonly string[]),
  peers: readonly PeerKind[],
  options: RunOptions = {},
): Promise<ProgramRun> {
  const running = await startPeers(peers, options.clients);
  try {
    const argv = typeof args === 'function' ? args(running.info) : args;
    const timeoutMs = options.timeoutMs ?? 20_000;
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; stdout: string; stderr: string }>(
      (resolve) => {
        const p = spawn(command, [...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
        let stdout = '';
        let stderr = '';
        let pending = '';
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          p.kill('SIGKILL');
        }, timeoutMs);
        p.stdout.on('data', (d: Buffer) => {
          stdout += d;
          pending += d;
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            running.onLine(pending.slice(0, nl));
            pending = pending.slice(nl + 1);
          }
        });
        p.stderr.on('data', (d: Buffer) => (stderr += d));
        const settle = (code: number | null, signal: NodeJS.Signals | null) => {
          clearTimeout(timer);
          resolve({ code, signal, timedOut, stdout, stderr });
        };
        p.on('error', (e) => {
          stderr += `spawn failed: ${e.message}\n`;
          settle(null, null);
        });
        p.on('close', settle);
      },
    );
    // Clients finish when the program closes their connections; give them a moment.
    await Promise.race([running.clientsDone(), new Promise((r) => setTimeout(r, 2000))]);
    const lines = exit.stdout.split('\n');
    const m = /^# passed (\d+) failed (\d+)$/m.exec(exit.stdout);
    return {
      ...exit,
      peerErrors: [...running.errors],
      ok: lines.filter((l) => /^ok \d+ - /.test(l)),
      notOk: lines.filter((l) => /^not ok \d+ - /.test(l)),
      ...(m ? { summary: { passed: Number(m[1]), failed: Number(m[2]) } } : {}),
    };
  } finally {
    await running.close();
  }
}

/** Builds nothing: runs an artifact already built with `strategy` for case `c`. */
export function runCase(c: CCase, strategy: Strategy, artifact: string, options: RunOptions = {}): Promise<ProgramRun> {
  const { command, args } = strategy.command(artifact);
  return runProgram(command, (p) => [...args, ...c.args(p)], c.peers, {
    timeoutMs: c.timeoutMs,
    ...(c.clients ? { clients: c.clients } : {}),
    ...options,
  });
}

/** Why a run failed (exit status, `not ok` lines, missing summary, peer errors, with the output), or undefined if it passed. */
export function judge(r: ProgramRun): string | undefined {
  const problems: string[] = [];
  if (r.timedOut) problems.push('killed: timed out');
  if (r.code !== 0) problems.push(`exit code ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}`);
  if (r.notOk.length) problems.push(`${r.notOk.length} failed: ${r.notOk.join(' | ')}`);
  if (!r.summary) problems.push('no "# passed P failed F" line');
  else if (r.summary.failed !== 0 || r.summary.passed !== r.ok.length) problems.push(`summary ${JSON.stringify(r.summary)} vs ${r.ok.length} ok lines`);
  if (r.ok.length === 0) problems.push('no ok lines');
  for (const e of r.peerErrors) problems.push(`peer: ${e}`);
  if (!problems.length) return undefined;
  return `${problems.join('\n')}\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`;
}

/** Builds case `c` with `strategy`, then runs it. */
export async function buildAndRun(c: CCase, strategy: Strategy, options: RunOptions = {}): Promise<ProgramRun & { artifact: string }> {
  const artifact = await strategy.build(sourcePath(c), c);
  return { ...(await runCase(c, strategy, artifact, options)), artifact };
}

/** gcc -Wall -Werror -O1 into a temp dir; the binary runs directly. */
export function nativeStrategy(outDir: string = mkdtempSync(join(tmpdir(), 'rawsock-c-native-'))): Strategy {
  return {
    name: 'native (gcc)',
    build(source) {
      const out = join(outDir, basename(source, '.c'));
      return new Promise((resolve, reject) => {
        execFile('gcc', ['-Wall', '-Werror', '-O1', '-o', out, source], (err, _stdout, stderr) =>
          err ? reject(new Error(`gcc ${basename(source)} failed:\n${stderr}`)) : resolve(out),
        );
      });
    },
    command: (artifact) => ({ command: artifact, args: [] }),
  };
}

/** Builds every case with `strategy` (in parallel); maps case name → artifact, or the build error. */
export async function buildAll(cases: readonly CCase[], strategy: Strategy): Promise<Map<string, string | Error>> {
  const built = await Promise.all(
    cases.map(async (c): Promise<[string, string | Error]> => {
      try {
        return [c.name, await strategy.build(sourcePath(c), c)];
      } catch (e) {
        return [c.name, e instanceof Error ? e : new Error(String(e))];
      }
    }),
  );
  return new Map(built);
}
