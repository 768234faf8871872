import { defineConfig } from 'tsup';

export default defineConfig({
  // The conformance cases ship too, so any provider can check itself.
  entry: { index: 'src/index.ts', conformance: 'conformance/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
