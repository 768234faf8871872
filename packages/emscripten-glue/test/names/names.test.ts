/**
 * Name resolution in wasm programs (test/c/names.c): the same C program
 * natively (glibc is the reference) and as wasm built with rawsock-emcc
 * ($EMCC: emcc 3.1.6, or 6.x under test:emcc-modern), run on Node 20,
 * Node 26, Deno and Bun.
 *
 * The connect-by-name part needs a name only an asynchronous resolver
 * knows, with no network: lookup-hook.js (a --pre-js) sets
 * Module.rawsock.lookup to answer RAWSOCK_TEST_NAMES after a delay, and
 * Module.rawsock.nameFiles to read RAWSOCK_TEST_HOSTS instead of
 * /etc/hosts. Natively the echo peer's name is `localhost`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run, verdicts } from '../glue/harness.js';
import { OTHERS, artifactFor } from '../glue/other-runtimes.js';

const here = dirname(fileURLToPath(import.meta.url));
const emcc = emccVersion();
const RUNTIMES = [...NODES.map((n) => ({ name: n.name, cmd: n.bin, args: [] as readonly string[], other: undefined })), ...OTHERS.map((o) => ({ ...o, other: o }))];
const ECHO_NAME = 'echo.rawsock.test';

/** The first IPv4 line of /etc/hosts that names something besides localhost (glibc reads the same file). */
function systemHostsName(): { name: string; address: string } | undefined {
  let text = '';
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    const name = names.find((n) => !/^localhost/i.test(n));
    // The first line for a name wins, in glibc and in rawsock alike.
    if (address && name && /^\d+\.\d+\.\d+\.\d+$/.test(address)) return { name, address };
  }
  return undefined;
}

/**
 * main_lookup.c built as `artifact`, on `rt`: a DNS-only name gets its real
 * address, an unknown one EAI_NONAME. `exitMayHang`: the pinned deviation of
 * thread-mode builds on Bun with emcc 3.1.6 (README, Deviations from Linux):
 * about one run in ten does not exit after main returned; only a run whose
 * output is complete is accepted that way, after 10 s.
 */
async function mainLookupWaits(rt: (typeof RUNTIMES)[number], artifact: string, exitMayHang = false): Promise<void> {
  const r = await run(rt.cmd, [...rt.args, rt.other ? artifactFor(rt.other, artifact) : artifact, ECHO_NAME, 'nx.rawsock.test'], undefined, exitMayHang ? 10_000 : 30_000);
  expect(r.stdout).toContain('ok 1 - a DNS-only name resolves to its real address (got 0, 127.0.0.1)');
  expect(r.stdout).toContain('ok 2 - an unknown name is EAI_NONAME');
  expect(r.stdout).toMatch(/# passed 2 failed 0/);
  if (exitMayHang && r.code === null) return;
  expect(r.code).toBe(0);
}

describe.skipIf(!emcc)(`names (getaddrinfo & co.), emcc ${emcc}`, () => {
  let echo: Server;
  let port = 0;
  let native = '';
  let wasm = '';
  let suspending = '';
  let jspi = '';
  let bridged = '';
  let jspiSuspending = '';
  let mainLookup = '';
  let threadLookup = '';
  // JSPI exists from emcc 3.1.59 (as -sJSPI); Node runs it from 24 (Node 26 here).
  const jspiNode = Number(emcc?.split('.')[0] ?? 0) >= 4 ? NODES.find((n) => n.name === 'Node 26') : undefined;
  let hostsFile = '';
  const saved = { names: process.env.RAWSOCK_TEST_NAMES, hosts: process.env.RAWSOCK_TEST_HOSTS };

  beforeAll(async () => {
    echo = createServer((c) => c.pipe(c));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    port = (echo.address() as { port: number }).port;
    const src = join(here, '..', 'c', 'names.c');
    native = buildNative(src);
    // The event-driven (`never`) build is where placeholders and connect-by-name live.
    wasm = buildWasm(src, ['--pre-js', join(here, 'lookup-hook.js'), '--rawsock-blocking=never']);
    suspending = buildWasm(src, ['--pre-js', join(here, 'lookup-hook.js'), '-sASYNCIFY'], '-asyncify');
    // A plain build at the default `auto`: blocking calls (getaddrinfo included) go through the worker bridge.
    bridged = buildWasm(src, [], '-auto');
    if (jspiNode) jspi = buildWasm(src, ['--pre-js', join(here, 'lookup-hook.js'), '-sJSPI', '-Wno-experimental', '--rawsock-blocking=never'], '-jspi');
    if (jspiNode) jspiSuspending = buildWasm(src, ['--pre-js', join(here, 'lookup-hook.js'), '-sJSPI', '-Wno-experimental'], '-jspi-suspend');
    if (jspiNode) mainLookup = buildWasm(join(here, 'main_lookup.c'), ['--pre-js', join(here, 'lookup-hook.js'), '-sJSPI', '-Wno-experimental'], '-jspi');
    // -O0: emcc 3.1.6's pthread worker script at -O1 is rejected by other Nodes (blocking.test.ts).
    threadLookup = buildWasm(join(here, 'main_lookup.c'), ['--pre-js', join(here, 'lookup-hook.js'), '-O0', '-pthread', '-sPROXY_TO_PTHREAD'], '-thread');
    const dir = mkdtempSync(join(tmpdir(), 'rawsock-names-'));
    hostsFile = join(dir, 'hosts');
    writeFileSync(hostsFile, '127.0.0.1 localhost\n10.20.30.40 db.rawsock.test db # a line only the wasm runs read\n');
    process.env.RAWSOCK_TEST_NAMES = `${ECHO_NAME}=127.0.0.1`;
  }, 180_000);

  afterAll(() => {
    echo?.close();
    for (const [k, v] of [['RAWSOCK_TEST_NAMES', saved.names], ['RAWSOCK_TEST_HOSTS', saved.hosts]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const args = (echoName: string, hosts?: { name: string; address: string }) => [
    '--echo-port', String(port), '--echo-name', echoName, '--bad-name', 'nx.rawsock.test',
    ...(hosts ? ['--hosts-name', hosts.name, '--hosts-addr', hosts.address] : []),
  ];

  it('natively (glibc), every check passes', async () => {
    const r = await run(native, args('localhost', systemHostsName()));
    expect(r.stdout).toMatch(/# passed \d+ failed 0/);
    expect(r.stdout).toContain('a name that does not exist: EAI_NONAME from getaddrinfo');
    expect(r.code).toBe(0);
  });

  it.skipIf(!jspiNode)('-sJSPI build on Node 26: no suspension in getaddrinfo (only main may suspend under JSPI); placeholders, and the connect resolves', async () => {
    const r = await run(jspiNode!.bin, [jspi, ...args(ECHO_NAME)], undefined, 30_000);
    expect(r.stdout).toMatch(/# passed \d+ failed 0/);
    expect(r.stdout).toContain('...then POLLERR and SO_ERROR EHOSTUNREACH');
    expect(r.code).toBe(0);
  }, 60_000);

  for (const rt of RUNTIMES) {
    it(`wasm on ${rt.name}: every check passes; a name only DNS knows connects to its real address, an unknown one fails the connect`, async () => {
      process.env.RAWSOCK_TEST_HOSTS = hostsFile;
      try {
        const r = await run(rt.cmd, [...rt.args, (rt.other ? artifactFor(rt.other, wasm) : wasm), ...args(ECHO_NAME, { name: 'db', address: '10.20.30.40' })], undefined, 30_000);
        expect(r.stderr).not.toMatch(/Aborted|RuntimeError/);
        expect(r.stdout).toMatch(/# passed \d+ failed 0/);
        expect(r.stdout).toContain('getpeername is the real peer (127.0.0.1:echo port)');
        expect(r.stdout).toContain('...then POLLERR and SO_ERROR EHOSTUNREACH');
        expect(r.code).toBe(0);
        // Every check the native run makes, the wasm run makes with the same verdict.
        const nativeRun = await run(native, args('localhost', systemHostsName()));
        const wasmVerdicts = new Set(verdicts(r.stdout));
        for (const v of verdicts(nativeRun.stdout).filter((l) => !l.includes('EAI_NONAME from getaddrinfo') && !l.includes('/etc/hosts name'))) {
          expect(wasmVerdicts.has(v), v).toBe(true);
        }
      } finally {
        delete process.env.RAWSOCK_TEST_HOSTS;
      }
    }, 60_000);

    it(`plain build at auto (worker bridge) on ${rt.name}: getaddrinfo & co. wait for the provider's resolver in the socket worker — the same verdicts as glibc natively`, async () => {
      // No test hook here (a lookup function cannot move into the worker): the
      // provider resolves for real, from /etc/hosts and the system resolver.
      const hosts = systemHostsName();
      const r = await run(rt.cmd, [...rt.args, rt.other ? artifactFor(rt.other, bridged) : bridged, ...args('localhost', hosts)], undefined, 30_000);
      expect(r.stderr).not.toMatch(/Aborted|RuntimeError/);
      expect(r.stdout).toMatch(/# passed \d+ failed 0/);
      expect(r.stdout).toContain('a name that does not exist: EAI_NONAME from getaddrinfo');
      expect(r.stdout).toContain('getpeername is the real peer (127.0.0.1:echo port)');
      if (hosts) expect(r.stdout).toContain('an /etc/hosts name resolves');
      expect(r.code).toBe(0);
      const nativeRun = await run(native, args('localhost', hosts));
      const wasmVerdicts = new Set(verdicts(r.stdout));
      for (const v of verdicts(nativeRun.stdout)) expect(wasmVerdicts.has(v), v).toBe(true);
    }, 60_000);

    it.skipIf(!jspiNode || rt.name === 'Node 20')(`-sJSPI build (suspend mode) on ${rt.name}: getaddrinfo in main waits for DNS — the real address, EAI_NONAME`, () => mainLookupWaits(rt, mainLookup), 60_000);

    // names.c looks the DNS-only names up in its main loop, which is not
    // main's stack: under JSPI that cannot suspend, so even in suspend mode
    // those lookups get placeholders and the connect resolves the name.
    it.skipIf(!jspiNode || rt.name === 'Node 20')(`-sJSPI build (suspend mode) on ${rt.name}: lookups in the main loop get placeholders without a warning; the connect resolves`, async () => {
      const r = await run(rt.cmd, [...rt.args, rt.other ? artifactFor(rt.other, jspiSuspending) : jspiSuspending, ...args(ECHO_NAME)], undefined, 30_000);
      expect(r.stdout).toMatch(/# passed \d+ failed 0/);
      expect(r.stdout).toContain('getpeername is the real peer (127.0.0.1:echo port)');
      expect(r.stdout).toContain('...then POLLERR and SO_ERROR EHOSTUNREACH');
      expect(r.stderr).not.toContain('[rawsock]');
      expect(r.code).toBe(0);
    }, 60_000);

    // main runs in a thread: its getaddrinfo sleeps there while the main JS thread looks the name up.
    it(`-pthread -sPROXY_TO_PTHREAD build (thread mode) on ${rt.name}: getaddrinfo in a thread waits for DNS — the real address, EAI_NONAME`, () => mainLookupWaits(rt, threadLookup, rt.name === 'Bun' && emcc?.startsWith('3.')), 60_000);

    it(`-sASYNCIFY build on ${rt.name}: getaddrinfo waits for DNS — real addresses, EAI_NONAME for an unknown name, as natively`, async () => {
      const r = await run(rt.cmd, [...rt.args, rt.other ? artifactFor(rt.other, suspending) : suspending, ...args(ECHO_NAME)], undefined, 30_000);
      expect(r.stdout).toMatch(/# passed \d+ failed 0/);
      expect(r.stdout).toContain('a name that does not exist: EAI_NONAME from getaddrinfo');
      expect(r.stdout).toContain('getpeername is the real peer (127.0.0.1:echo port)');
      expect(r.code).toBe(0);
    }, 60_000);
  }
});
