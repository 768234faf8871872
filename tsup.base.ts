import type { Options } from 'tsup';

/** The build every package shares: ESM + CJS + .d.ts, ES2022. */
export function packageBuild(entry: Options['entry'] = ['src/index.ts']): Options {
  return { entry, format: ['esm', 'cjs'], dts: true, clean: true, sourcemap: true, target: 'es2022' };
}
