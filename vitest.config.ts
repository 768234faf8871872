import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so `npm test` needs no build step
// to see a change; the built packages are checked by their own smoke tests.
export default defineConfig({
  resolve: {
    alias: {
      '@rawsock/core': src('core'),
      '@rawsock/node': src('node'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    // Deno's and Bun's own tests run under `deno test` and `bun test` (scripts/test.mjs).
    exclude: [...configDefaults.exclude, 'packages/deno/test/**', 'packages/bun/test/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
