/**
 * esbuild plugin: `import source from 'rawsock:worker-source'` gives the
 * socket worker's code (src/runtime/blocking/worker-entry.ts bundled as one
 * script, with the same host-builtin handling as the runtime) as a string.
 * The runtime starts the worker from that text, so an Emscripten artifact
 * stays one file that needs nothing else at run time.
 */
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { builtinsFromHost } from './builtins-from-host.js';

const ENTRY = fileURLToPath(new URL('../src/runtime/blocking/worker-entry.ts', import.meta.url));
// The glue's tsconfig for every file, as tsup gives it to the runtime bundle:
// its paths map each @rawsock/* to its source. Without it esbuild reads each
// file's nearest tsconfig, and a provider whose own has no paths (Deno's)
// pulls in core's dist as a second core — whose ErrnoError the worker's core
// does not recognise, so every host error became EIO.
// tsconfig.runtime.json extends it with class fields as assignments.
const TSCONFIG = fileURLToPath(new URL('../tsconfig.runtime.json', import.meta.url));

export function workerSource(): Plugin {
  return {
    name: 'rawsock-worker-source',
    setup(b) {
      b.onResolve({ filter: /^rawsock:worker-source$/ }, () => ({ path: 'worker-source', namespace: 'rawsock-worker' }));
      b.onLoad({ filter: /.*/, namespace: 'rawsock-worker' }, async () => {
        const out = await build({
          entryPoints: [ENTRY],
          bundle: true,
          write: false,
          format: 'iife',
          platform: 'node',
          target: 'es2020',
          tsconfig: TSCONFIG,
          plugins: [builtinsFromHost()],
          logLevel: 'silent',
        });
        const code = out.outputFiles[0]?.text ?? '';
        return { loader: 'js', contents: `export default ${JSON.stringify(code)};`, watchFiles: [ENTRY] };
      });
    },
  };
}
