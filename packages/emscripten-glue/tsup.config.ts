import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig([
  packageBuild(),
  // The runtime bundled into each program (--pre-js): core and the providers,
  // as one script defining RawsockRuntime; Node builtins stay require()s.
  {
    entry: { 'rawsock-runtime': 'src/runtime/index.ts' },
    format: ['iife'],
    globalName: 'RawsockRuntime',
    platform: 'node',
    target: 'es2020',
    noExternal: [/^@rawsock\//],
    outExtension: () => ({ js: '.js' }),
    clean: false,
    dts: false,
  },
]);
