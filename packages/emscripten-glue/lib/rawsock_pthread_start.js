/**
 * @license MIT
 * rawsock: starting a -pthread build's threads on Deno and Bun, where
 * Emscripten's Node start-up of a pthread worker does not work as emitted.
 * A --pre-js of -pthread links (rawsock-emcc adds it); it runs before
 * Emscripten's own environment code, so it detects the runtime itself.
 *
 * Deno, an emcc that emits a separate NAME.worker.js (3.1.6): Deno loads a
 * node:worker_threads script ending in .js as an ES module, where the
 * worker script's CommonJS globals (__filename) do not exist. rawsock-emcc
 * writes NAME.worker.cjs beside it (lib/pthread_worker_deno.cjs), which
 * Deno loads as CommonJS; here the program's lookup of NAME.worker.js is
 * pointed at it.
 *
 * Bun, emcc that starts the program's own script as the pthread worker
 * (workerData 'em-pthread'): Bun (1.4.5) gives a node:worker_threads
 * worker its parent's messages on parentPort only, not on the global
 * onmessage, yet defines a global postMessage (oven-sh/bun#43459), which
 * emcc 6.0.5 takes for "the runtime delivers to onmessage" and so skips its
 * parentPort bridge (changed upstream: emscripten-core/emscripten#27582).
 * Hiding postMessage makes Emscripten build the bridge; the global
 * onmessage becomes a plain property so that a Bun that also delivers
 * there itself (older ones did, oven-sh/bun#25860) cannot deliver each
 * message twice.
 */
(function() {
  if (typeof require != 'function' || typeof process != 'object') return;
  if (typeof Deno == 'object') {
    var fs = require('node:fs');
    var given = Module['locateFile'];
    Module['locateFile'] = function(path, dir) {
      if (!/\.worker\.js$/.test(path)) return given ? given(path, dir) : dir + path;
      var twin = path.replace(/\.js$/, '.cjs');
      var found = given ? given(twin, dir) : dir + twin;
      if (typeof found == 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(found) && !fs.existsSync(found)) {
        throw new Error('[rawsock] ' + found + ' is missing: Deno loads the pthread worker script ' + path + ' as an ES module, where it cannot run; ' +
                        'rawsock-emcc writes ' + twin + ' beside it for Deno: ship it with the program (or relink with rawsock-emcc)');
      }
      return found;
    };
  } else if (typeof Bun == 'object') {
    var threads = require('node:worker_threads');
    if (threads.isMainThread || threads.workerData !== 'em-pthread') return;
    var handler = null;
    Object.defineProperty(globalThis, 'onmessage', { get: function() { return handler; }, set: function(f) { handler = f; }, configurable: true, enumerable: true });
    Object.defineProperty(globalThis, 'postMessage', { value: undefined, writable: true, configurable: true, enumerable: true });
  }
})();
