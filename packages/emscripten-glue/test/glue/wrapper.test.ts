/**
 * rawsock-emcc as a wrapper, against a stand-in emcc that records its
 * arguments: what it adds per emcc version, what it keeps and drops, the
 * note for -sNODERAWSOCKETS, --print-flags, exit statuses. Needs no real emcc.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wrapper = join(pkg, 'bin', 'rawsock-emcc.mjs');
const dir = mkdtempSync(join(tmpdir(), 'rawsock-wrapper-'));
const fakeEmcc = join(dir, 'emcc');
const argsFile = join(dir, 'args');
writeFileSync(
  fakeEmcc,
  [
    '#!/bin/sh',
    'if [ "$1" = "--version" ]; then echo "emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) $FAKE_VERSION (abc)"; exit 0; fi',
    `printf '%s\\n' "$@" > ${JSON.stringify(argsFile)}`,
    'exit ${FAKE_EXIT:-0}',
  ].join('\n'),
);
chmodSync(fakeEmcc, 0o755);

function wrap(args: string[], version = '3.1.6', extraEnv: Record<string, string> = {}) {
  writeFileSync(argsFile, '');
  const r = spawnSync(process.execPath, [wrapper, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EMCC: fakeEmcc, FAKE_VERSION: version, ...extraEnv },
  });
  const passed = readFileSync(argsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((a) => (a.endsWith('rawsock-link-record.js') ? '<record>' : a));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, passed };
}

/** Versions, and whether their output hands the .wasm path to fetch() (before 3.1.11). */
const VERSIONS = { '3.1.6': true, '3.1.10': true, '3.1.11': false, '6.0.5': false } as const;
/** The glue's arguments; a link (not --print-flags) also gets the link record, a temp --pre-js shown as <record>. */
const glue = (v: keyof typeof VERSIONS, record = true) => [
  '--js-library', join(pkg, 'lib', 'library_rawsock.js'),
  '--js-library', join(pkg, 'lib', 'library_rawsock_fd.js'),
  '--js-library', join(pkg, 'lib', 'library_rawsock_names.js'),
  '--js-library', join(pkg, 'lib', 'library_rawsock_blocking.js'),
  '--js-library', join(pkg, 'lib', 'library_rawsock_jspi.js'),
  '--js-library', join(pkg, 'lib', 'library_rawsock_again.js'),
  '--js-library', join(pkg, 'lib', 'library_rawsock_threads.js'),
  ...(record ? ['--pre-js', '<record>'] : []),
  '--pre-js', join(pkg, 'dist', 'rawsock-runtime.js'),
  join(pkg, 'lib', 'rawsock_shim.c'),
  join(pkg, 'lib', 'rawsock_names.c'),
  ...(VERSIONS[v] ? ['-sWASM_ASYNC_COMPILATION=0'] : []),
];

describe('rawsock-emcc', () => {
  for (const v of Object.keys(VERSIONS) as (keyof typeof VERSIONS)[]) {
    it(`emcc ${v}: user arguments first, untouched and in order, then the glue${VERSIONS[v] ? ' and synchronous wasm compilation' : ''}`, () => {
      const user = ['app.c', '-O2', '-s', 'EXIT_RUNTIME=1', '-o', 'app.js', '-lm'];
      const r = wrap(user, v);
      expect(r.code).toBe(0);
      expect(r.passed).toEqual([...user, ...glue(v)]);
      expect(r.stderr).toBe('');
    });
  }

  it('keeps the user\'s own WASM_ASYNC_COMPILATION', () => {
    const r = wrap(['app.c', '-sWASM_ASYNC_COMPILATION=1'], '3.1.6');
    expect(r.passed.filter((a) => a.includes('WASM_ASYNC_COMPILATION'))).toEqual(['-sWASM_ASYNC_COMPILATION=1']);
  });

  it('drops every form of -sNODERAWSOCKETS, saying so once', () => {
    const r = wrap(['app.c', '-sNODERAWSOCKETS', '-sNODERAWSOCKETS=1', '-s', 'NODERAWSOCKETS=1', '-o', 'app.js'], '3.1.6');
    expect(r.passed.slice(0, 3)).toEqual(['app.c', '-o', 'app.js']);
    expect(r.passed.join(' ')).not.toContain('NODERAWSOCKETS');
    expect(r.stderr).toBe('[rawsock] -sNODERAWSOCKETS ignored: rawsock provides sockets\n');
  });

  it('adds nothing to compile-only steps', () => {
    expect(wrap(['-c', 'app.c', '-o', 'app.o']).passed).toEqual(['-c', 'app.c', '-o', 'app.o']);
  });

  it('--print-flags prints the glue flags on one line, runs nothing', () => {
    const r = wrap(['--print-flags'], '3.1.6');
    expect(r.stdout).toBe(`${glue('3.1.6', false).join(' ')}\n`);
    expect(r.passed).toEqual([]);
    expect(wrap(['--print-flags'], '3.1.11').stdout).toBe(`${glue('3.1.11', false).join(' ')}\n`);
  });

  it('--print-flags with a link\'s flags prints what that link gets: -pthread adds the pthread start-up --pre-js', () => {
    const start = join(pkg, 'lib', 'rawsock_pthread_start.js');
    expect(wrap(['--print-flags', '-pthread'], '6.0.5').stdout).toBe(`${[...glue('6.0.5', false), '--pre-js', start].join(' ')}\n`);
    expect(wrap(['--print-flags', '-sJSPI'], '6.0.5').stdout).toBe(`${[...glue('6.0.5', false), join(pkg, 'lib', 'rawsock_jspi.c')].join(' ')}\n`);
    const bad = wrap(['--print-flags', '--rawsock-blocking=sometimes'], '6.0.5');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
  });

  it('--rawsock-blocking=MODE is taken out of the arguments; an unknown mode stops the link', () => {
    for (const mode of ['auto', 'suspend', 'worker', 'thread', 'never']) {
      const r = wrap(['app.c', `--rawsock-blocking=${mode}`, '-o', 'app.js'], '3.1.6');
      expect(r.code).toBe(0);
      expect(r.passed).toEqual(['app.c', '-o', 'app.js', ...glue('3.1.6')]);
    }
    expect(wrap(['app.c', '--rawsock-blocking', 'worker'], '3.1.6').passed.slice(0, 1)).toEqual(['app.c']);
    const bad = wrap(['app.c', '--rawsock-blocking=sometimes'], '3.1.6');
    expect(bad.code).toBe(1);
    expect(bad.passed).toEqual([]);
    expect(bad.stderr).toBe('[rawsock] --rawsock-blocking=sometimes: expected one of auto, suspend, worker, thread, never\n');
  });

  it('-sASYNCIFY: the glue\'s suspending imports join ASYNCIFY_IMPORTS, after the user\'s own', () => {
    const glueImports = '__syscall_connect,__syscall_accept4,__syscall_recvfrom,__syscall_sendto,__syscall_recvmsg,__syscall_sendmsg,wasi_snapshot_preview1.fd_read,wasi_snapshot_preview1.fd_write,__syscall_poll,__syscall__newselect,rawsock_epoll_wait';
    expect(wrap(['app.c', '-sASYNCIFY'], '3.1.6').passed.filter((a) => a.includes('ASYNCIFY_IMPORTS'))).toEqual([`-sASYNCIFY_IMPORTS=[${glueImports}]`]);
    const r = wrap(['app.c', '-sASYNCIFY=1', '-sASYNCIFY_IMPORTS=[my_sleep, env.other]'], '3.1.6');
    expect(r.passed.filter((a) => a.includes('ASYNCIFY'))).toEqual(['-sASYNCIFY=1', `-sASYNCIFY_IMPORTS=[my_sleep,env.other,${glueImports}]`]);
    expect(wrap(['app.c', '-sASYNCIFY=0'], '3.1.6').passed.join(' ')).not.toContain('ASYNCIFY_IMPORTS');
  });

  it('-sJSPI (or -sASYNCIFY=2): rawsock_jspi.c is linked, after the glue, and no ASYNCIFY_IMPORTS are added; other builds do not get it', () => {
    const jspiC = join(pkg, 'lib', 'rawsock_jspi.c');
    for (const flag of ['-sJSPI', '-sJSPI=1', '-sASYNCIFY=2']) {
      const r = wrap(['app.c', flag], '6.0.5');
      expect(r.passed).toEqual(['app.c', flag, ...glue('6.0.5'), jspiC]);
    }
    for (const flags of [[], ['-sJSPI=0'], ['-sASYNCIFY']]) expect(wrap(['app.c', ...flags], '6.0.5').passed).not.toContain(jspiC);
  });

  it('-pthread (or -sUSE_PTHREADS): the pthread start-up --pre-js is added, after the glue; other builds do not get it', () => {
    const start = ['--pre-js', join(pkg, 'lib', 'rawsock_pthread_start.js')];
    for (const flags of [['-pthread'], ['-sUSE_PTHREADS'], ['-s', 'USE_PTHREADS=1']]) {
      expect(wrap(['app.c', ...flags], '6.0.5').passed).toEqual(['app.c', ...flags, ...glue('6.0.5'), ...start]);
    }
    for (const flags of [[], ['-sUSE_PTHREADS=0']]) expect(wrap(['app.c', ...flags], '6.0.5').passed).not.toContain(start[1]);
  });

  it('-pthread: a worker script emcc wrote beside the output gets its Deno starter NAME.worker.cjs; none without one, or on a failed link', () => {
    const out = mkdtempSync(join(tmpdir(), 'rawsock-wrapper-pthread-'));
    const starter = readFileSync(join(pkg, 'lib', 'pthread_worker_deno.cjs'), 'utf8');
    // emcc 6 writes no worker script: no starter.
    expect(wrap(['app.c', '-pthread', '-o', join(out, 'none.js')], '6.0.5').code).toBe(0);
    expect(existsSync(join(out, 'none.worker.cjs'))).toBe(false);
    // emcc 3.1 writes NAME.worker.js (the stand-in emcc writes nothing: it is made here); -oFILE counts too.
    writeFileSync(join(out, 'app.worker.js'), '');
    expect(wrap(['app.c', '-pthread', `-o${join(out, 'app.js')}`], '3.1.6').code).toBe(0);
    expect(readFileSync(join(out, 'app.worker.cjs'), 'utf8')).toBe(starter);
    writeFileSync(join(out, 'bad.worker.js'), '');
    expect(wrap(['app.c', '-pthread', '-o', join(out, 'bad.js')], '3.1.6', { FAKE_EXIT: '1' }).code).toBe(1);
    expect(existsSync(join(out, 'bad.worker.cjs'))).toBe(false);
    writeFileSync(join(out, 'plain.worker.js'), '');
    expect(wrap(['app.c', '-o', join(out, 'plain.js')], '3.1.6').code).toBe(0);
    expect(existsSync(join(out, 'plain.worker.cjs'))).toBe(false);
  });

  it('exits with emcc\'s status; a missing emcc is 127 with a [rawsock] message', () => {
    expect(wrap(['app.c'], '3.1.6', { FAKE_EXIT: '3' }).code).toBe(3);
    const missing = spawnSync(process.execPath, [wrapper, 'app.c'], { encoding: 'utf8', env: { ...process.env, EMCC: join(dir, 'nope') } });
    expect(missing.status).toBe(127);
    expect(missing.stderr).toMatch(/^\[rawsock\] cannot run .*nope/);
  });
});
