/**
 * @license MIT
 * rawsock: "answer wait, then call again" — how a syscall import waits
 * where Asyncify cannot unwind the wasm stack for it:
 * - JSPI builds (-sJSPI): rawsock_jspi.c suspends between the two calls
 *   (library_rawsock_jspi.js);
 * - -sPROXY_TO_PTHREAD builds: the calling thread sleeps on its own while
 *   the main thread's event loop waits (library_rawsock_threads.js).
 *
 * The import runs as usual. Where it has to wait, the glue's Suspend
 * (RAWSOCK.suspend) records the wait's promise in `pending` and returns a
 * placeholder; whoever made the call waits for the promise and calls the
 * import again with the settled value (`again`), and the glue's Suspend
 * answers with that value instead of starting a wait. The first call's
 * writes to the program's memory do not count — the same two calls
 * Asyncify makes around an unwind and a rewind — so the glue's marshalling
 * serves all three.
 */
#if ASYNCIFY == 2 || PROXY_TO_PTHREAD
mergeInto(LibraryManager.library, {
  $RAWSOCK_AGAIN: {
    // An answer no syscall gives: "wait for `pending`, then call me again".
    WAITING: -0x7ffe,
    // The wait the current call started (RAWSOCK_AGAIN.suspend).
    pending: null,
    // Set for a call made again: `value` is the settled result, used once.
    resumed: false,
    value: 0,
    // The glue's Suspend: in a call made again the settled value, else
    // starts the wait (the call's own result is then a placeholder).
    suspend: function(start) {
      if (RAWSOCK_AGAIN.resumed) {
        RAWSOCK_AGAIN.resumed = false;
        return RAWSOCK_AGAIN.value;
      }
      RAWSOCK_AGAIN.pending = start();
      return 0;
    },
    // Calls import `f`: its answer, or WAITING with the wait in `pending`
    // (the caller takes it). A call made again that did not reach its wait
    // (the fd changed meanwhile) leaves no value for the next one.
    call: function(f, args) {
      var r = f.apply(null, args);
      RAWSOCK_AGAIN.resumed = false;
      return RAWSOCK_AGAIN.pending ? RAWSOCK_AGAIN.WAITING : r;
    },
    // Takes the wait `call` left.
    take: function() {
      var p = RAWSOCK_AGAIN.pending;
      RAWSOCK_AGAIN.pending = null;
      return p;
    },
    // Arms the next call of an import with the wait's settled value.
    resume: function(value) {
      RAWSOCK_AGAIN.value = value;
      RAWSOCK_AGAIN.resumed = true;
    }
  }
});
#endif
