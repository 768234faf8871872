/**
 * @license MIT
 * rawsock: NAME.worker.cjs, written by rawsock-emcc beside emcc's pthread
 * worker script NAME.worker.js (emcc 3.1.6 emits one) for Deno, which loads a
 * worker's .js file as an ES module but a .cjs file as CommonJS, the module
 * kind that script is written for (lib/rawsock_pthread_start.js points the
 * program at this file on Deno only).
 */
'use strict';
// A Deno worker's global `location` is read-only, and the worker script
// assigns its own (Object.assign(global, { location })): make it a plain property.
Object.defineProperty(globalThis, 'location', { value: undefined, writable: true, configurable: true, enumerable: true });
require(__filename.replace(/\.cjs$/, '.js'));
