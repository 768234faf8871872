/**
 * @rawsock/emscripten — link-time glue that backs an Emscripten program's
 * sockets with @rawsock/core. The `rawsock-emcc` wrapper adds it to a build;
 * this entry exposes the link-time decisions for build tools.
 */
export { detectRuntime, type RuntimeName } from './detect-runtime.js';
export { asyncifyOn, blockingArg, compileOnly, glueFlags, linkRecord, outputOf, parseEmccVersion, pthreadsOn, pthreadWorkerTwin, BLOCKING_CHOICES, type EmccVersion, type GlueFlags, type GluePaths } from './flags.js';
