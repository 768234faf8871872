/**
 * The errors a user can act on: each says what happened and what to do.
 * A provider on the wrong runtime, a missing Deno flag (--unstable-net for
 * UDP, --allow-net), an emcc setting rawsock cannot work with. (A missing
 * emcc is in cli-info.test.ts.) Deno and Bun run small scripts as child
 * processes, with the workspace's packages.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OTHERS } from './other-runtimes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const dist = (pkg: string) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;
const wrapper = join(root, 'packages', 'emscripten-glue', 'bin', 'rawsock-emcc.mjs');
const dir = mkdtempSync(join(tmpdir(), 'rawsock-errors-'));
const deno = OTHERS.find((r) => r.name === 'Deno');
const bun = OTHERS.find((r) => r.name === 'Bun');

/** Writes `name` with `code`, returns its path. */
function script(name: string, code: string): string {
  const path = join(dir, name);
  writeFileSync(path, code);
  return path;
}

function run(cmd: string, args: string[], cwd = root) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Constructs `Provider` from `pkg` and prints what it threw. */
const construct = (pkg: string, name: string) =>
  `import { ${name} } from '${dist(pkg)}';\ntry { new ${name}(); console.log('constructed'); } catch (e) { console.log(String(e.message)); }\n`;

describe('a provider on the wrong runtime names the right package', () => {
  it('DenoProvider and BunProvider on Node.js', async () => {
    const { DenoProvider } = (await import(dist('deno'))) as { DenoProvider: new () => unknown };
    const { BunProvider } = (await import(dist('bun'))) as { BunProvider: new () => unknown };
    expect(() => new DenoProvider()).toThrow('[rawsock] @rawsock/deno runs on Deno only; on Node.js use @rawsock/node, on Bun use @rawsock/bun');
    expect(() => new BunProvider()).toThrow('[rawsock] @rawsock/bun runs on Bun only; on Node.js use @rawsock/node, on Deno use @rawsock/deno');
  });

  it.skipIf(!deno)('NodeProvider and BunProvider on Deno', () => {
    // With @rawsock/deno's config, which maps @rawsock/core to npm:@rawsock/core as a Deno project would.
    const denoRun = (file: string) => run(deno!.cmd, ['run', '--config', join(root, 'packages', 'deno', 'deno.json'), '--allow-read', '--allow-env', '--allow-sys', file], join(root, 'packages', 'deno'));
    const r1 = denoRun(script('node-on-deno.mjs', construct('node', 'NodeProvider')));
    expect(r1.stdout.trim()).toBe('[rawsock] @rawsock/node runs on Node.js only; on Deno use @rawsock/deno, on Bun use @rawsock/bun');
    const r2 = denoRun(script('bun-on-deno.mjs', construct('bun', 'BunProvider')));
    expect(r2.stdout.trim()).toBe('[rawsock] @rawsock/bun runs on Bun only; on Node.js use @rawsock/node, on Deno use @rawsock/deno');
  });

  it.skipIf(!bun)('NodeProvider and DenoProvider on Bun', () => {
    const r1 = run(bun!.cmd, [script('node-on-bun.mjs', construct('node', 'NodeProvider'))]);
    expect(r1.stdout.trim()).toBe('[rawsock] @rawsock/node runs on Node.js only; on Deno use @rawsock/deno, on Bun use @rawsock/bun');
    const r2 = run(bun!.cmd, [script('deno-on-bun.mjs', construct('deno', 'DenoProvider'))]);
    expect(r2.stdout.trim()).toBe('[rawsock] @rawsock/deno runs on Deno only; on Node.js use @rawsock/node, on Bun use @rawsock/bun');
  });
});

describe.skipIf(!deno)('a missing Deno flag is named once on stderr, beside the errno', () => {
  // DenoProvider from its TypeScript sources, with core from the workspace, as a Deno user imports them.
  const program = script(
    'deno-flags.ts',
    [
      `import { RawSockets } from 'npm:@rawsock/core@^0.1.0';`,
      `import { DenoProvider } from '${pathToFileURL(join(root, 'packages', 'deno', 'src', 'index.ts')).href}';`,
      `const net = new RawSockets({ provider: new DenoProvider() });`,
      `for (let i = 0; i < 3; i++) console.log('udp', net.socket('ipv4', 'dgram').code ?? 'ok');`,
      `for (let i = 0; i < 3; i++) {`,
      `  const fd = net.socket('ipv4', 'stream', { nonBlocking: true }).value;`,
      `  console.log('connect', (await net.connectAsync(fd, { family: 'ipv4', address: '127.0.0.1', port: 9 }, 5000)).code);`,
      `  net.close(fd);`,
      `}`,
    ].join('\n'),
  );
  const denoRun = (flags: string[]) => run(deno!.cmd, ['run', '--config', join(root, 'packages', 'deno', 'deno.json'), ...flags, program], join(root, 'packages', 'deno'));

  it('UDP without --unstable-net: EAFNOSUPPORT, and one line naming the flag; no network permission: EACCES and one line naming --allow-net', () => {
    const r = denoRun([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('udp EAFNOSUPPORT\n'.repeat(3) + 'connect EACCES\n'.repeat(3));
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('[rawsock]'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '[rawsock] socket(SOCK_DGRAM): UDP on Deno needs Deno.listenDatagram, which Deno 2 offers only with the --unstable-net flag (or "unstable": ["net"] in deno.json) (errno EAFNOSUPPORT) (printed once; pass new DenoProvider({ onHostError }) to see every host error)',
    );
    expect(lines[1]).toMatch(/^\[rawsock\] connect 127\.0\.0\.1:9: NotCapable: Requires net access to "127\.0\.0\.1:9", run again with the --allow-net flag \(errno EACCES\) — Deno denied it \(errno EACCES\): grant the permission named above, e\.g\. --allow-net=127\.0\.0\.1 \(printed once;/);
  });

  it('with the flags given, the same program gets past both, and prints no advice', () => {
    const r = denoRun(['--unstable-net', '--allow-net=127.0.0.1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('udp ok\n'.repeat(3) + 'connect ECONNREFUSED\n'.repeat(3));
    expect(r.stderr).not.toContain('[rawsock]');
  });
});

describe('an emcc setting rawsock cannot work with', () => {
  const wrap = (args: string[]) => run(process.execPath, [wrapper, ...args]);

  it('-sPROXY_POSIX_SOCKETS (any spelling) stops the build (exit 2) saying why and what to remove; nothing is run', () => {
    for (const flags of [['-sPROXY_POSIX_SOCKETS'], ['-sPROXY_POSIX_SOCKETS=1'], ['-s', 'PROXY_POSIX_SOCKETS=1']]) {
      const r = wrap(['app.c', ...flags, '-o', 'app.js']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        '[rawsock] -sPROXY_POSIX_SOCKETS is not supported with rawsock-emcc: it proxies sockets to a native WebSocket bridge and provides the socket syscalls itself, as rawsock does; the two cannot be linked together. Remove -sPROXY_POSIX_SOCKETS (and -lwebsocket.js): rawsock gives the program real sockets directly.\n',
      );
    }
  });

  it('WebSocket-emulation settings are kept but noted as having no effect', () => {
    const r = run(process.execPath, [wrapper, 'app.c', '-sWEBSOCKET_URL=ws://x', '-c', '-o', 'app.o'], dir);
    expect(r.stderr).toContain("[rawsock] -sWEBSOCKET_URL has no effect with rawsock: it configures Emscripten's WebSocket socket emulation, which rawsock replaces with real sockets");
  });
});
