/** The conformance suite against BunProvider on real loopback sockets, under `bun test`. */
import { afterAll, describe, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformanceCases, runCase, skipReason, type ConformanceEnv } from '../../core/conformance/index.js';
import { BunProvider } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rawsock-bun-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasLoopback6 = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6' && i.address === '::1'));
let n = 0;

const env: ConformanceEnv = {
  name: `bun ${Bun.version}`,
  createProvider: () => new BunProvider(),
  unixPath: (label) => join(dir, `${label}-${++n}.sock`),
  ...(hasLoopback6 ? {} : { ipv6Unavailable: 'this machine has no ::1 on its loopback interface' }),
};

describe(`conformance on ${env.name}`, () => {
  for (const c of conformanceCases) {
    const why = skipReason(c, env);
    if (why) test.skip(`${c.group}: ${c.name} (skipped: ${why})`, () => undefined);
    else test(`${c.group}: ${c.name}`, () => runCase(c, env), (c.timeoutMs ?? 20_000) + 5_000);
  }
});
