/**
 * rawsock-emcc --help, --version and --doctor, against a stand-in emcc and
 * stand-in deno/bun on a PATH of their own (so the report is the same on
 * every machine), and the messages for a missing emcc. Needs no real emcc.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wrapper = join(pkg, 'bin', 'rawsock-emcc.mjs');
const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version as string;
const dir = mkdtempSync(join(tmpdir(), 'rawsock-cli-'));
const binDir = join(dir, 'bin');
const emptyDir = join(dir, 'empty');

function script(path: string, lines: string[]) {
  writeFileSync(path, ['#!/bin/sh', ...lines].join('\n'));
  chmodSync(path, 0o755);
}
spawnSync('mkdir', ['-p', binDir, emptyDir]);
const fakeEmcc = join(dir, 'emcc');
script(fakeEmcc, ['if [ "$1" = "--version" ]; then echo "emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) $FAKE_VERSION (abc)"; echo "Copyright (C) 2014 the Emscripten authors"; exit 0; fi', 'echo "built" > /dev/null', 'exit 9']);
script(join(binDir, 'deno'), ['echo "deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)"']);
script(join(binDir, 'bun'), ['echo "1.4.5"']);

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [wrapper, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EMCC: fakeEmcc, FAKE_VERSION: '3.1.6', PATH: binDir, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rawsock-emcc --help / --version', () => {
  it('--help (and -h) prints usage naming every command and EMCC, runs no emcc', () => {
    const r = cli(['--help'], { EMCC: join(dir, 'no-such-emcc') });
    expect(r.code).toBe(0);
    for (const word of ['--print-flags', '--doctor', '--version', 'EMCC', 'RAWSOCK_POLICY', '--unstable-net']) expect(r.stdout).toContain(word);
    expect(cli(['-h']).stdout).toBe(r.stdout);
  });

  it('--version prints rawsock\'s version, then emcc\'s own lines', () => {
    const r = cli(['--version'], { FAKE_VERSION: '6.0.5' });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`rawsock-emcc ${version} (@rawsock/emscripten)`);
    expect(lines[1]).toBe('emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 6.0.5 (abc)');
  });

  it('--version without an emcc still prints rawsock\'s and says why emcc\'s is missing', () => {
    const r = cli(['--version'], { EMCC: join(dir, 'no-such-emcc') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`rawsock-emcc ${version}`);
    expect(r.stdout).toContain('cannot run');
  });
});

describe('rawsock-emcc --doctor', () => {
  it('reports the emcc and its version quirk, the prebuilt glue, node, deno, bun and the socket mode', () => {
    const r = cli(['--doctor']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`✓ emcc: ${fakeEmcc} 3.1.6 (before 3.1.11: builds get -sWASM_ASYNC_COMPILATION=0); tested: 3.1.6 and 6.0.5`);
    expect(lines[1]).toBe(`✓ glue: @rawsock/emscripten ${version}, prebuilt (${join(pkg, 'dist')})`);
    expect(lines[2]).toBe(`✓ node: ${process.version} (running this command)`);
    expect(lines[3]).toBe(`✓ deno: deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu) (${join(binDir, 'deno')})`);
    expect(lines[4]).toBe(`✓ bun: 1.4.5 (${join(binDir, 'bun')})`);
    expect(lines[5]).toMatch(/^✓ sockets: auto: worker bridge .* on Node, Deno and Bun; event-driven .*returns EAGAIN\) with one warning where SharedArrayBuffer, Atomics.wait or workers are missing$/);
    expect(lines[6]).toBe('rawsock-emcc is ready to build.');
  });

  it('a newer emcc gets no synchronous-compilation note', () => {
    expect(cli(['--doctor'], { FAKE_VERSION: '6.0.5' }).stdout.split('\n')[0]).toBe(`✓ emcc: ${fakeEmcc} 6.0.5; tested: 3.1.6 and 6.0.5`);
  });

  it('deno and bun are optional: absent from PATH is a note, not a failure', () => {
    const r = cli(['--doctor'], { PATH: emptyDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- deno: not found on PATH (optional)');
    expect(r.stdout).toContain('- bun: not found on PATH (optional)');
  });

  it('reports the socket mode the build flags ask for', () => {
    expect(cli(['--doctor', 'app.c', '-sASYNCIFY']).stdout).toContain('✓ sockets: auto: suspend (the build has -sASYNCIFY)');
    expect(cli(['--doctor', 'app.c', '--rawsock-blocking=never']).stdout).toMatch(/✓ sockets: never: event-driven/);
    expect(cli(['--doctor', 'app.c', '--rawsock-blocking=worker']).stdout).toContain('✓ sockets: worker: worker bridge');
    const refused = cli(['--doctor', 'app.c', '--rawsock-blocking=suspend']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('✗ sockets: suspend needs -sASYNCIFY');
    const unknown = cli(['--doctor', 'app.c', '--rawsock-blocking=asyncify']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('✗ sockets: [rawsock] --rawsock-blocking=asyncify: expected one of auto, suspend, worker, thread, never');
  });

  it('a missing emcc fails the check (exit 1) and says how to install or point EMCC at one', () => {
    const r = cli(['--doctor'], { EMCC: join(dir, 'no-such-emcc') });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ emcc: cannot run "${join(dir, 'no-such-emcc')}": Emscripten is not installed or not on PATH. Install it (https://emscripten.org/docs/getting_started/downloads.html, or apt install emscripten), or set EMCC=/path/to/emcc`);
    expect(r.stdout).toContain('rawsock-emcc cannot build yet: fix the ✗ lines above.');
  });

  it('an emcc whose version cannot be read fails the check, quoting what it printed', () => {
    const odd = join(dir, 'odd-emcc');
    script(odd, ['echo "something else entirely"']);
    const r = cli(['--doctor'], { EMCC: odd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ emcc: "${odd}" ran but its version was not recognised: something else entirely`);
  });
});

describe('rawsock-emcc without emcc', () => {
  it('a build says what happened and what to do, and exits 127', () => {
    const r = cli(['app.c', '-o', 'app.js'], { EMCC: join(dir, 'no-such-emcc') });
    expect(r.code).toBe(127);
    expect(r.stderr).toBe(
      `[rawsock] cannot run ${join(dir, 'no-such-emcc')} (ENOENT): Emscripten is not installed or not on PATH. Install it (https://emscripten.org/docs/getting_started/downloads.html, or apt install emscripten), or set EMCC=/path/to/emcc; rawsock-emcc --doctor checks the set-up\n`,
    );
  });
});
