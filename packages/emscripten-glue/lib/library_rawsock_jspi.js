/**
 * @license MIT
 * rawsock: JSPI builds (-sJSPI, emcc ≥ 4; ASYNCIFY == 2).
 *
 * Such a build needs WebAssembly.Suspending at instantiation (emcc wraps
 * its __async imports with it, and rawsock_names.c's EM_ASYNC_JS is one),
 * so on a runtime without JSPI (Node 20) it cannot start at all. It is
 * refused here first, before the wasm is instantiated, with a message that
 * says why — instead of emcc's bare TypeError.
 *
 * rawsock does not suspend JSPI builds yet (`auto` gives them the worker
 * bridge): V8 refuses any call of a WebAssembly.Suspending import made
 * outside a WebAssembly.promising export — even one that would not suspend
 * — and suspends at every such call. Marking the glue's socket imports
 * suspending would make every socket call from a socket callback or an
 * emscripten_set_main_loop iteration (not promising) throw SuspendError.
 * See README, "Blocking modes".
 * https://github.com/WebAssembly/js-promise-integration/blob/main/proposals/js-promise-integration/Overview.md
 */
#if ASYNCIFY == 2
mergeInto(LibraryManager.library, {
  $RAWSOCK_JSPI: {},
  $RAWSOCK_JSPI__postset: "if (typeof WebAssembly.Suspending != 'function') throw new Error('[rawsock] this program was linked with -sJSPI, which needs WebAssembly.Suspending (JSPI), and this runtime has none (Node 20 lacks it; Node 26, Deno and Bun have it): run it where JSPI exists, or relink without -sJSPI (a plain build blocks through the worker bridge, -sASYNCIFY suspends)');"
});
#endif
