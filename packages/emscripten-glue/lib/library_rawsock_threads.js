/**
 * @license MIT
 * rawsock: the own-thread mode of -pthread -sPROXY_TO_PTHREAD builds — a
 * blocking socket call blocks only the thread that makes it, as on Linux.
 *
 * Emscripten runs every syscall on the main JS thread (its FS, and so the
 * socket fds, live there) by proxying it synchronously: the calling thread
 * sleeps while the main thread runs the call. A call that waits would hold
 * the main thread, and with it every other thread's syscalls. Here the
 * calls that can wait (WAITING_CALLS) are not proxied that way: the calling
 * thread posts the call to the main thread without waiting for it to run
 * (an async proxy), then sleeps in Atomics.wait on a slot of its own in
 * the program's shared memory. The main thread runs the glue's import;
 * where it has to wait, the core's promise waits in the main thread's
 * event loop (library_rawsock_again.js: the import answers "wait", is
 * called again with the settled value) while the main thread serves other
 * threads' calls, and the answer is stored in the slot and the thread woken.
 *
 * Only calls from threads wait: a socket callback, which runs on the main
 * thread, gets the non-blocking answer (the core warns once). Calls that
 * never wait (socket, bind, setsockopt, …) keep Emscripten's sync proxying.
 */
#if PROXY_TO_PTHREAD && !ASYNCIFY
(function() {
  var lib = LibraryManager.library;
  // The imports a thread's call can wait in (as the other rawsock libraries
  // left them); the position is the call's number across the threads.
  var WAITING_CALLS = ['__syscall_connect', '__syscall_accept4', '__syscall_recvfrom', '__syscall_sendto', '__syscall_recvmsg', '__syscall_sendmsg',
                       '__syscall_poll', '__syscall__newselect', 'fd_read', 'fd_write', 'rawsock_epoll_wait'].filter(function(name) { return !!lib[name]; });
  // One more call: a host name's lookup (getaddrinfo & co. wait for it, rawsock_names.c).
  var LOOKUP = WAITING_CALLS.length;
  var inner = function(name) { return 'rawsock_threads_inner' + name; };

  mergeInto(lib, {
    $RAWSOCK_THREADS__deps: ['$RAWSOCK_AGAIN', 'malloc', 'rawsock_threads_post', '$RAWSOCK_THREADS_CALLS'],
    $RAWSOCK_THREADS: {
      // Main thread: threads' calls running now (only they may wait).
      serving: 0,
      // The number of the lookup call.
      lookup: LOOKUP,
      // A thread: its slot { Int32 state (0 waiting, 1 answered), Int32 result }, made on first use.
      slot: 0,
      // A thread: runs call `op` on the main thread and sleeps until it is answered.
      call: function(op, args) {
        if (!RAWSOCK_THREADS.slot) RAWSOCK_THREADS.slot = _malloc(8);
        var at = RAWSOCK_THREADS.slot >> 2;
        Atomics.store(HEAP32, at, 0);
        _rawsock_threads_post(RAWSOCK_THREADS.slot, op, args[0] | 0, args[1] | 0, args[2] | 0, args[3] | 0, args[4] | 0, args[5] | 0);
        while (Atomics.load(HEAP32, at) === 0) Atomics.wait(HEAP32, at, 0);
        return HEAP32[at + 1];
      },
      // Main thread: stores a call's result in its thread's slot and wakes the thread.
      answer: function(slot, result) {
        HEAP32[(slot >> 2) + 1] = result;
        Atomics.store(HEAP32, slot >> 2, 1);
        Atomics.notify(HEAP32, slot >> 2);
      },
      // Main thread: a call's import, run as one of a thread's calls.
      once: function(f, args) {
        RAWSOCK_THREADS.serving++;
        try {
          return RAWSOCK_AGAIN.call(f, args);
        } finally {
          RAWSOCK_THREADS.serving--;
        }
      },
      // Main thread: runs call `op` for the thread waiting on `slot`. An
      // import that has to wait answers WAITING and is called again when
      // the wait settles; a lookup is a promise. A call that throws still
      // answers (EIO), so no thread sleeps for ever on a main thread that went on.
      run: function(slot, op, args) {
        var fail = function(e) {
          err('[rawsock] a thread\'s socket call failed on the main thread: ' + (e && e.stack || e));
          RAWSOCK_THREADS.answer(slot, op === RAWSOCK_THREADS.lookup ? 0 : RAWSOCK_THREADS_CALLS.wasi[op] ? 29 : -29 /* EIO */);
        };
        var step = function(r) {
          if (r === RAWSOCK_AGAIN.WAITING) {
            RAWSOCK_AGAIN.take().then(function(value) {
              try {
                RAWSOCK_AGAIN.resume(value);
                step(RAWSOCK_THREADS.once(f, args));
              } catch (e) {
                fail(e);
              }
            }, fail);
          } else {
            RAWSOCK_THREADS.answer(slot, r);
          }
        };
        var f = RAWSOCK_THREADS_CALLS.imports()[op];
        try {
          if (op === RAWSOCK_THREADS.lookup) {
            RAWSOCK_NAMES.wait(args[0]).then(function() { RAWSOCK_THREADS.answer(slot, 0); }, fail);
            return;
          }
          step(RAWSOCK_THREADS.once(f, args));
        } catch (e) {
          fail(e);
        }
      }
    },
    // The calls by number (made from text so the emitted source names each import).
    $RAWSOCK_THREADS_CALLS__deps: ['$RAWSOCK_NAMES'].concat(WAITING_CALLS.map(inner)),
    $RAWSOCK_THREADS_CALLS: {
      imports: new Function('return function() { return [' + WAITING_CALLS.map(function(name) { return '_' + inner(name); }).join(', ') + ']; };')(),
      // WASI calls answer a positive errno.
      wasi: WAITING_CALLS.map(function(name) { return name.indexOf('fd_') === 0; })
    },
    // Posted by a thread, run by the main thread when its event loop gets to it.
    rawsock_threads_post__proxy: 'async',
    rawsock_threads_post__sig: 'viiiiiiii',
    rawsock_threads_post__deps: ['$RAWSOCK_THREADS'],
    rawsock_threads_post: function(slot, op, a, b, c, d, e, f) {
      RAWSOCK_THREADS.run(slot, op, [a, b, c, d, e, f]);
    },
    // rawsock_names.c: a thread waits here for a host name's lookup (main thread: no wait).
    rawsock_names_thread_wait__deps: ['$RAWSOCK_THREADS'],
    rawsock_names_thread_wait: function(node) {
      if (ENVIRONMENT_IS_PTHREAD) RAWSOCK_THREADS.call(RAWSOCK_THREADS.lookup, [node]);
    }
  });

  WAITING_CALLS.forEach(function(name, op) {
    // rawsock_threads_inner<name>: the import as the other libraries made it
    // (with its attributes: run on the main thread, it does what it did).
    var kept = {};
    Object.keys(lib).forEach(function(key) {
      if ((key === name || key.indexOf(name + '__') === 0) && key !== name + '__postset') kept[inner(name) + key.slice(name.length)] = lib[key];
    });
    mergeInto(lib, kept);
    delete lib[inner(name) + '__user'];
    // <name> itself runs in the calling thread: a thread posts it, the main thread runs it.
    var entry = {};
    entry[name] = new Function('return function() { return ENVIRONMENT_IS_PTHREAD ? RAWSOCK_THREADS.call(' + op + ', arguments) : _' + inner(name) + '.apply(null, arguments); };')();
    entry[name + '__deps'] = ['$RAWSOCK_THREADS', inner(name)];
    mergeInto(lib, entry);
    // Not proxied: no __proxy at all (emcc 3.1 knows no 'none', emcc ≥ 4 takes only strings).
    delete lib[name + '__proxy'];
  });
})();
#endif
