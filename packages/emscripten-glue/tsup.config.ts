import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';
import { builtinsFromHost } from './build/builtins-from-host.js';
import { workerSource } from './build/worker-source.js';

export default defineConfig([
  packageBuild(),
  // The runtime bundled into each program (--pre-js): core and the providers,
  // as one script defining RawsockRuntime. Node builtins come from the host
  // at load (process.getBuiltinModule, then require): see build/builtins-from-host.ts.
  {
    entry: { 'rawsock-runtime': 'src/runtime/index.ts' },
    format: ['iife'],
    globalName: 'RawsockRuntime',
    platform: 'node',
    target: 'es2020',
    // Class fields as plain assignments, not Object.defineProperty (see the file).
    tsconfig: 'tsconfig.runtime.json',
    noExternal: [/^@rawsock\//],
    esbuildPlugins: [builtinsFromHost(), workerSource()],
    // tsup's own node: handling would mark them external before the plugin sees them.
    removeNodeProtocol: false,
    outExtension: () => ({ js: '.js' }),
    // As a --pre-js the bundle runs where Module is in scope: check the
    // network policy before main, so a bad RAWSOCK_POLICY stops the program.
    footer: { js: "if (typeof Module !== 'undefined') RawsockRuntime.startup(Module);" },
    clean: false,
    dts: false,
  },
]);
