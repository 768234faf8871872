/**
 * esbuild plugin for the runtime bundle: Node builtins (`node:net`,
 * `node:dgram`, ...) are taken from the host at load time through
 * `process.getBuiltinModule` (Node ≥ 20.16, Deno 2, Bun) and only then
 * through `require`.
 *
 * Why: the bundle runs as a --pre-js inside whatever Emscripten emitted —
 * CommonJS (where `require` exists), an ES module (where it may not), or a
 * runtime that runs the file as a plain script (Deno without .cjs). A bare
 * `require("dgram")` at load made every program fail there, even one that
 * never opens a socket. When neither is available the module is an empty
 * object: only the Node provider uses these, and it is only picked on Node.
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const NAMESPACE = 'rawsock-host-builtin';

export function builtinsFromHost(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'rawsock-builtins-from-host',
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
        const bare = args.path.replace(/^node:/, '');
        return builtins.has(bare) ? { path: `node:${bare}`, namespace: NAMESPACE } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        loader: 'js',
        // `name` is a variable so esbuild does not try to bundle the
        // require() (it becomes esbuild's __require, which throws when the
        // host has no require: hence the try).
        contents: [
          `var name = ${JSON.stringify(args.path)};`,
          `var p = typeof process === 'object' && process !== null ? process : undefined;`,
          `if (p && typeof p.getBuiltinModule === 'function') module.exports = p.getBuiltinModule(name);`,
          `else try { module.exports = require(name); } catch (e) { module.exports = {}; }`,
        ].join('\n'),
      }));
    },
  };
}
