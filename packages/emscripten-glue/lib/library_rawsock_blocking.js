/**
 * @license MIT
 * rawsock: poll, select and epoll_wait that wait for their timeout when the
 * program's blocking calls can block (worker mode: the thread sleeps in
 * Atomics.wait while the socket worker watches the fds; suspend mode: the
 * wasm stack is suspended by Asyncify while the core waits).
 *
 * Each wraps the call it replaces (Emscripten's poll; rawsock's select and
 * epoll_wait) and keeps it as the one implementation of readiness: look
 * once without waiting; if nothing is ready and the timeout is not 0, wait
 * until one of the socket fds in the set is ready or the timeout passes
 * (RAWSOCK.runtime.waitReady, the core's poll), then look again. Only
 * sockets can become ready while waiting: files are always ready (poll(2)),
 * so a set with a file never waits. In 'never' mode nothing waits, as in
 * Emscripten's own sockets.
 */
(function() {
  var lib = LibraryManager.library;

  // Keeps `name` (with its attributes) as rawsock_blocking<name>, like library_rawsock_fd.js's keep.
  function keep(name) {
    if (!lib[name]) return false;
    var kept = {};
    Object.keys(lib).forEach(function(key) {
      if ((key === name || key.indexOf(name + '__') === 0) && key !== name + '__postset') kept['rawsock_blocking' + key] = lib[key];
    });
    mergeInto(lib, kept);
    delete lib['rawsock_blocking' + name + '__user'];
    return true;
  }

  mergeInto(lib, {
#if ASYNCIFY == 2 || PROXY_TO_PTHREAD
    $RAWSOCK_WAIT__deps: ['$RAWSOCK', '$RAWSOCK_AGAIN'],
#else
    $RAWSOCK_WAIT__deps: ['$RAWSOCK'],
#endif
    $RAWSOCK_WAIT: {
      // True when a call may wait: a runtime exists (a socket was made) that blocks in this thread.
      can: function() {
        return !!RAWSOCK.runtime && RAWSOCK.runtime.mode !== 'never';
      },
      // Waits for one of `requests` ({fd, events}, sockets only) or `timeout` ms (-1: forever).
      wait: function(requests, timeout) {
        if (requests.length) RAWSOCK.runtime.waitReady(requests, timeout < 0 ? -1 : timeout);
      },
      // Suspend mode: Asyncify calls the import again when it resumes the
      // program (rewinding), and that call must reach the same wait without
      // looking first; the call made while suspending (unwinding) must not
      // touch the program's memory after the wait.
#if ASYNCIFY == 1
      rewinding: function() { return Asyncify.state === Asyncify.State.Rewinding; },
      unwinding: function() { return Asyncify.state === Asyncify.State.Unwinding; }
#elif ASYNCIFY == 2 || PROXY_TO_PTHREAD
      // JSPI (rawsock_jspi.c) and threads (library_rawsock_threads.js) call
      // the import again after its wait, the same way (library_rawsock_again.js).
      rewinding: function() { return RAWSOCK_AGAIN.resumed; },
      unwinding: function() { return RAWSOCK_AGAIN.pending !== null; }
#else
      rewinding: function() { return false; },
      unwinding: function() { return false; }
#endif
    }
  });

  if (keep('__syscall_poll')) {
    // Emscripten ≥ 4 marks its poll __async (with ASYNCIFY it then always
    // suspends, waiting on FS node wait-queues rawsock's sockets do not
    // signal) and gives libc a non-suspending __syscall_poll_nonblocking for
    // timeout 0: look through that one, and suspend here only to wait.
    delete lib['__syscall_poll__async'];
    var nonblocking = !!lib['__syscall_poll_nonblocking'];
    mergeInto(lib, {
      $RAWSOCK_POLL_LOOK__deps: [nonblocking ? '__syscall_poll_nonblocking' : 'rawsock_blocking__syscall_poll'],
      $RAWSOCK_POLL_LOOK: nonblocking
        ? function(fds, nfds) { return ___syscall_poll_nonblocking(fds, nfds); }
        : function(fds, nfds) { return _rawsock_blocking__syscall_poll(fds, nfds, 0); },
      __syscall_poll__deps: ['$RAWSOCK_WAIT', '$RAWSOCK_POLL_LOOK'],
      __syscall_poll: function(fds, nfds, timeout) {
        var r = 0;
        if (!RAWSOCK_WAIT.rewinding()) {
          r = RAWSOCK_POLL_LOOK(fds, nfds);
          if (r !== 0 || timeout === 0 || !RAWSOCK_WAIT.can()) return r;
        }
        var requests = [];
        for (var i = 0; i < nfds; i++) {
          var at = fds + i * 8; // struct pollfd { int fd; short events, revents; }
          var fd = HEAP32[at >> 2];
          if (RAWSOCK.isSocket(fd)) requests.push({ fd: fd, events: HEAP16[(at + 4) >> 1] & 0xffff });
        }
        if (!requests.length) return r;
        RAWSOCK_WAIT.wait(requests, timeout);
        if (RAWSOCK_WAIT.unwinding()) return 0;
        return RAWSOCK_POLL_LOOK(fds, nfds);
      }
    });
  }

  if (keep('__syscall__newselect')) {
    mergeInto(lib, {
      __syscall__newselect__deps: ['$RAWSOCK_WAIT', 'rawsock_blocking__syscall__newselect', 'rawsock_timeval_layout'],
      __syscall__newselect: function(nfds, readfds, writefds, exceptfds, timeout) {
        var inner = _rawsock_blocking__syscall__newselect;
        if (nfds <= 0 || !RAWSOCK_WAIT.can()) return inner(nfds, readfds, writefds, exceptfds, timeout);
        var ms = -1;
        if (timeout) {
          var usecAt = _rawsock_timeval_layout(1);
          var sec = HEAP32[timeout >> 2], usec = HEAP32[(timeout + usecAt) >> 2];
          ms = sec * 1000 + Math.ceil(usec / 1000);
        }
        if (ms === 0) return inner(nfds, readfds, writefds, exceptfds, timeout);
        var sets = [readfds, writefds, exceptfds], words = (Math.min(nfds, 1024) + 31) >> 5;
        var saved = sets.map(function(set) { return set ? HEAP32.slice(set >> 2, (set >> 2) + words) : null; });
        var restore = function() { saved.forEach(function(words, k) { if (words) HEAP32.set(words, sets[k] >> 2); }); };
        var r = 0;
        if (!RAWSOCK_WAIT.rewinding()) {
          r = inner(nfds, readfds, writefds, exceptfds, timeout);
          if (r !== 0) return r;
          restore();
        }
        var requests = [], bits = [0x1 /* POLLIN */, 0x4 /* POLLOUT */, 0x2 /* POLLPRI */];
        for (var fd = 0; fd < Math.min(nfds, 1024); fd++) {
          var events = 0;
          for (var k = 0; k < 3; k++) if (saved[k] && ((saved[k][fd >> 5] >>> (fd & 31)) & 1)) events |= bits[k];
          if (events && RAWSOCK.isSocket(fd)) requests.push({ fd: fd, events: events });
        }
        if (!requests.length) {
          // Nothing to wait for: the sets say so, as the first look left them.
          inner(nfds, readfds, writefds, exceptfds, timeout);
          return 0;
        }
        RAWSOCK_WAIT.wait(requests, ms);
        if (RAWSOCK_WAIT.unwinding()) return 0;
        return inner(nfds, readfds, writefds, exceptfds, timeout);
      }
    });
  }

  if (keep('rawsock_epoll_wait')) {
    mergeInto(lib, {
      rawsock_epoll_wait__deps: ['$RAWSOCK_WAIT', '$RAWSOCK_EPOLL', 'rawsock_blockingrawsock_epoll_wait'],
      rawsock_epoll_wait: function(epfd, out, max, timeout) {
        var r = 0;
        if (!RAWSOCK_WAIT.rewinding()) {
          r = _rawsock_blockingrawsock_epoll_wait(epfd, out, max, 0);
          if (r !== 0 || timeout === 0 || !RAWSOCK_WAIT.can()) return r;
        }
        var ep = RAWSOCK_EPOLL.get(epfd), requests = [];
        if (!ep) return r;
        ep.interest.forEach(function(w, fd) {
          if (w.armed && RAWSOCK.isSocket(fd) && RAWSOCK_EPOLL.current(w)) requests.push({ fd: fd, events: w.events & 0xffff });
        });
        if (!requests.length) return r;
        RAWSOCK_WAIT.wait(requests, timeout);
        if (RAWSOCK_WAIT.unwinding()) return 0;
        return _rawsock_blockingrawsock_epoll_wait(epfd, out, max, 0);
      }
    });
  }
})();
