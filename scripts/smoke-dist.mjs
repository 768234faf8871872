// Loads each built package the two ways users will (import and require) and
// checks the main exports are there, so a broken exports map or bundle fails.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const checks = [
  ['@rawsock/core', ['RawSockets', 'SocketSyscalls', 'MemoryProvider', 'decodeSockaddr']],
  ['@rawsock/node', ['NodeProvider', 'createNodeProvider']],
  ['@rawsock/node/sync', ['createSyncSockets']],
  ['@rawsock/core/conformance', ['conformanceCases', 'runCase']],
  ['@rawsock/emscripten', ['glueFlags', 'parseEmccVersion', 'detectRuntime']],
];
let bad = 0;
for (const [name, exportsWanted] of checks) {
  const esm = await import(name);
  const cjs = require(name);
  for (const key of exportsWanted) {
    for (const [kind, mod] of [['esm', esm], ['cjs', cjs]]) {
      if (typeof mod[key] === 'undefined') {
        console.error(`${name} (${kind}) lacks export ${key}`);
        bad++;
      }
    }
  }
}
const { RawSockets, MemoryProvider } = await import('@rawsock/core');
const net = new RawSockets({ provider: new MemoryProvider() });
const fd = net.socket('ipv4', 'stream');
if (!fd.ok) bad++;
console.log(bad ? `${bad} problems` : 'built packages load as ESM and CJS');
process.exit(bad ? 1 : 0);
