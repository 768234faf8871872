/**
 * The network policy of an unmodified C program (policy_probe.c, built once
 * by rawsock-emcc) set from outside: RAWSOCK_POLICY as preset names, inline
 * JSON or a file path, and Module.rawsock.policy from an embedder's runner,
 * on Node 20, Node 26, Deno and Bun. A malformed policy stops the program
 * before main with a `[rawsock]` message; it never runs unguarded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildWasm, emccVersion, source } from './harness.js';
import { OTHERS, artifactFor, type OtherRuntime } from './other-runtimes.js';

const emcc = emccVersion();
const dir = mkdtempSync(join(tmpdir(), 'rawsock-policy-env-'));
const RUNTIMES: { name: string; cmd: string; args: readonly string[] }[] = [
  ...NODES.map((n) => ({ name: n.name, cmd: n.bin, args: [] as readonly string[] })),
  // Deno with the narrowest flags: net to loopback, the policy file, and the one variable.
  ...OTHERS.map((o) => (o.name === 'Deno' ? { ...o, args: ['run', '--unstable-net', '--allow-read', '--allow-net=127.0.0.1,0.0.0.0', '--allow-env=RAWSOCK_POLICY'] } : o)),
];
let artifact = '';
let runner = '';
let server: Server;
let port = 0;

/** Runs the probe on `rt` with RAWSOCK_POLICY = `policy` (or unset); `viaRunner` passes a Module.rawsock.policy. */
function probe(rt: (typeof RUNTIMES)[number], actions: string[], policy?: string, modulePolicy?: string) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.RAWSOCK_POLICY;
  if (policy !== undefined) env.RAWSOCK_POLICY = policy;
  const file = artifactFor(rt as OtherRuntime, artifact);
  const script = modulePolicy === undefined ? [file, String(port), ...actions] : [runner, file, modulePolicy, String(port), ...actions];
  const r = spawnSync(rt.cmd, [...rt.args, ...script], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (pairs: Record<string, string>) => Object.entries(pairs).map(([k, v]) => `${k}: ${v}\n`).join('');

describe.skipIf(!emcc)(`RAWSOCK_POLICY and Module.rawsock.policy for an unmodified program (emcc ${emcc})`, () => {
  beforeAll(async () => {
    artifact = buildWasm(source('policy_probe.c'));
    const factory = buildWasm(source('policy_probe.c'), ['-sMODULARIZE'], '-factory');
    // An embedder's runner: Module.rawsock.policy from argv, the rest are the program's arguments.
    runner = join(dirname(factory), 'run-policy-probe.cjs');
    writeFileSync(
      runner,
      [
        `const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);`,
        `require(${JSON.stringify(artifactFor({ name: 'Deno', cmd: '', args: [] }, factory))})({ arguments: args.slice(2), rawsock: { policy: args[1] } });`,
      ].join('\n'),
    );
    server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }, 180_000);
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const rt of RUNTIMES) {
    describe(rt.name, () => {
      it('no policy: everything the probe tries is allowed', () => {
        const r = probe(rt, ['loop', 'listen', 'bindany', 'udp']);
        expect(r.stdout).toBe(lines({ loop: 'ok', listen: 'ok', bindany: 'ok', udp: 'ok' }));
        expect(r.code).toBe(0);
      });

      it('RAWSOCK_POLICY=loopback-only,no-listen', () => {
        const r = probe(rt, ['loop', 'private', 'listen', 'bindany', 'udp'], 'loopback-only,no-listen');
        expect(r.stdout).toBe(lines({ loop: 'ok', private: 'EACCES', listen: 'EACCES', bindany: 'EACCES', udp: 'ok' }));
      });

      it('RAWSOCK_POLICY as inline JSON, denyWith ECONNREFUSED, IPv4-mapped IPv6 included', () => {
        const json = JSON.stringify({ default: 'allow', denyWith: 'ECONNREFUSED', rules: [{ action: 'deny', ops: ['connect'], cidr: '127.0.0.0/8' }] });
        const r = probe(rt, ['loop', 'mapped', 'listen'], json);
        expect(r.stdout).toBe(lines({ loop: 'ECONNREFUSED', mapped: 'ECONNREFUSED', listen: 'ok' }));
      });

      it('RAWSOCK_POLICY as a path to a JSON file', () => {
        const file = join(dir, `policy-${rt.name.replace(/\W/g, '')}.json`);
        writeFileSync(file, JSON.stringify({ default: 'deny', rules: [{ action: 'allow', cidr: '127.0.0.1', ports: port }] }));
        const r = probe(rt, ['loop', 'private', 'listen', 'udp'], file);
        expect(r.stdout).toBe(lines({ loop: 'ok', private: 'EACCES', listen: 'EACCES', udp: 'ok' }));
      });

      it('Module.rawsock.policy from the embedder', () => {
        const r = probe(rt, ['loop', 'listen'], undefined, 'no-listen');
        expect(r.stdout).toBe(lines({ loop: 'ok', listen: 'EACCES' }));
      });

      for (const [what, bad, message] of [
        ['an unknown preset', 'loopback-onyl', 'unknown policy preset "loopback-onyl"'],
        ['broken JSON', '{"default":"deny",', 'inline policy:'],
        ['a misspelt rule key (would have allowed everything)', '{"default":"deny","rules":[{"action":"allow","cdir":"10.0.0.0/8"}]}', 'unknown key "cdir"'],
        ['an unknown operation (would have denied nothing)', '{"rules":[{"action":"deny","ops":["conect"]}]}', '"ops" must be'],
        ['a missing file', join(dir, 'missing.json'), 'missing.json'],
      ] as const) {
        it(`a malformed RAWSOCK_POLICY (${what}) stops the program before main`, () => {
          const r = probe(rt, ['loop'], bad);
          expect(r.stdout).toBe('');
          expect(r.code).not.toBe(0);
          expect(r.stderr).toContain('[rawsock] RAWSOCK_POLICY is not a valid network policy, refusing to start');
          expect(r.stderr).toContain(message);
        });
      }
    });
  }

  const deno = OTHERS.find((o) => o.name === 'Deno');
  it.skipIf(!deno)('Deno without --allow-env=RAWSOCK_POLICY: the variable is not read, and the program says so', () => {
    const rt = { name: 'Deno', cmd: (deno as OtherRuntime).cmd, args: ['run', '--allow-read', '--allow-net=127.0.0.1'] };
    const r = probe(rt, ['loop'], 'no-listen');
    expect(r.stdout).toBe(lines({ loop: 'ok' }));
    expect(r.stderr).toContain('[rawsock] RAWSOCK_POLICY was not read: Deno needs --allow-env=RAWSOCK_POLICY');
  });
});
