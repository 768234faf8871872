/**
 * @license MIT
 * rawsock: suspend mode for JSPI builds (-sJSPI, emcc ≥ 4; ASYNCIFY == 2),
 * with rawsock_jspi.c. Nothing here is used by other builds.
 *
 * What JSPI allows, measured on Node 26 (V8): a call of a
 * WebAssembly.Suspending import made outside a WebAssembly.promising
 * export throws SuspendError, even when the import returns a plain value,
 * and inside one it suspends at every call. emcc makes only main promising.
 * https://github.com/WebAssembly/js-promise-integration/blob/main/proposals/js-promise-integration/Overview.md
 *
 * So the glue's socket imports stay plain. rawsock_jspi.c defines the
 * syscalls that can wait and calls each import here as
 * rawsock_jspi_<name>: the import runs as usual; when it had to wait and
 * could (only on main's stack), it answers WAITING (library_rawsock_again.js).
 * The C side then suspends in rawsock_jspi_wait, the one suspending import,
 * and calls the import again, which gets the settled value from the wait —
 * the two calls Asyncify makes around a suspension (the first one's memory
 * writes do not count), so the glue's marshalling serves both.
 *
 * Main's stack is tracked by count: entering a promising export (main),
 * suspending in rawsock_jspi_wait, resuming (rawsock_jspi_resume, main's
 * first act after the wait) and the export's end. Socket callbacks are
 * marked while they run; anything else (a main-loop iteration, a timer)
 * runs while main is suspended or done.
 */
#if ASYNCIFY == 2
(function() {
  var lib = LibraryManager.library;
  // The imports rawsock_jspi.c wraps (the calls that can wait).
  var WAITING_CALLS = ['__syscall_connect', '__syscall_accept4', '__syscall_recvfrom', '__syscall_sendto', '__syscall_recvmsg', '__syscall_sendmsg',
                       '__syscall_poll', 'fd_read', 'fd_write', 'rawsock_epoll_wait'];

  mergeInto(lib, {
    // The two calls and the wait between them: library_rawsock_again.js.
    $RAWSOCK_JSPI__deps: ['$Asyncify', '$RAWSOCK_AGAIN'],
    $RAWSOCK_JSPI: {
      // Values of settled waits, by id, until main takes its own.
      settled: new Map(),
      nextWait: 1,
      // Promising exports (main) running, not suspended.
      running: 0,
      // Socket callbacks running (RAWSOCK.emit).
      inCallback: 0,
      canSuspend: function() {
        return RAWSOCK_JSPI.running > 0 && RAWSOCK_JSPI.inCallback === 0;
      }
    },
    // Counts main's stack in and out of promising exports (emcc wraps them
    // with Asyncify.makeAsyncFunction when the wasm is instantiated, after
    // this runs); refuses to start where JSPI is missing (Node 20), before
    // emcc's own `new WebAssembly.Suspending` fails with a bare TypeError.
    $RAWSOCK_JSPI__postset: [
        "if (typeof WebAssembly.Suspending != 'function') throw new Error('[rawsock] this program was linked with -sJSPI, which needs WebAssembly.Suspending (JSPI), and this runtime has none (Node 20 lacks it; Node 26, Deno and Bun have it): run it where JSPI exists, or relink without -sJSPI (a plain build blocks through the worker bridge, -sASYNCIFY suspends)');",
        '(function(make) {',
        '  Asyncify.makeAsyncFunction = function(f) {',
        '    var promising = make(f);',
        '    return function() {',
        '      RAWSOCK_JSPI.running++;',
        '      var done = function() { RAWSOCK_JSPI.running--; };',
        '      var ret;',
        '      try {',
        '        ret = promising.apply(this, arguments);',
        '      } catch (e) {',
        '        done();',
        '        throw e;',
        '      }',
        '      Promise.resolve(ret).then(done, done);',
        '      return ret;',
        '    };',
        '  };',
        '})(Asyncify.makeAsyncFunction);'
    ].join('\n'),
    // The one suspending import: main waits here for the wait its import started.
    rawsock_jspi_wait__deps: ['$RAWSOCK_JSPI'],
    rawsock_jspi_wait__async: true,
    rawsock_jspi_wait: function() {
      var wait = RAWSOCK_AGAIN.take(), id = RAWSOCK_JSPI.nextWait++;
      RAWSOCK_JSPI.running--;
      return wait.then(function(value) {
        RAWSOCK_JSPI.settled.set(id, value);
        return id;
      });
    },
    // Main's first act after the wait: it runs again; the import's next call gets the value.
    rawsock_jspi_resume__deps: ['$RAWSOCK_JSPI'],
    rawsock_jspi_resume: function(id) {
      RAWSOCK_JSPI.running++;
      RAWSOCK_AGAIN.resume(RAWSOCK_JSPI.settled.get(id));
      RAWSOCK_JSPI.settled.delete(id);
    }
  });

  WAITING_CALLS.forEach(function(name) {
    if (!lib[name]) return;
    // rawsock_jspi_inner<name> is the import as the other libraries made it
    // (with its attributes, not __postset or __async); rawsock_jspi_<name>
    // calls it for rawsock_jspi.c.
    var kept = {};
    Object.keys(lib).forEach(function(key) {
      if ((key === name || key.indexOf(name + '__') === 0) && key !== name + '__postset' && key !== name + '__async') kept['rawsock_jspi_inner' + key] = lib[key];
    });
    mergeInto(lib, kept);
    var entry = {};
    // Made from text so that its source (what emcc emits) names the inner import.
    entry['rawsock_jspi_' + name] = new Function('return function() { return RAWSOCK_AGAIN.call(_rawsock_jspi_inner' + name + ', arguments); };')();
    entry['rawsock_jspi_' + name + '__deps'] = ['$RAWSOCK_JSPI', '$RAWSOCK_AGAIN', 'rawsock_jspi_inner' + name];
    mergeInto(lib, entry);
  });
})();
#endif
