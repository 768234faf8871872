/** The conformance suite against NodeProvider on real loopback sockets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { NodeProvider } from '../src/index.js';
import { registerConformance } from '../../core/test/support/vitest-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'rawsock-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasLoopback6 = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6' && i.address === '::1'));
let n = 0;

registerConformance({
  name: `node ${process.versions.node}`,
  createProvider: () => new NodeProvider(),
  unixPath: (label) => join(dir, `${label}-${++n}.sock`),
  ipv6Unavailable: hasLoopback6 ? undefined : 'this machine has no ::1 on its loopback interface',
});
