/**
 * @license MIT
 * rawsock: fd-level syscalls on socket fds — readv/writev, fcntl
 * (O_NONBLOCK, FD_CLOEXEC, F_DUPFD), dup2/dup3 and select — wrapping
 * Emscripten's own syscalls.
 *
 * Sockets go to the core; every other fd goes to Emscripten's own
 * implementation, kept under the name rawsock_emscripten<syscall> with all
 * its attributes (deps, sig, proxying), so files, pipes and ttys behave
 * exactly as before. Wrapping at the syscall rather than in libc keeps
 * musl's fcntl/dup2/dup3 (and its internal fcntl calls) unchanged.
 *
 * Emscripten 3.1's versions of these open a socket stream's path again
 * (https://github.com/emscripten-core/emscripten/blob/3.1.6/src/library_syscall.js
 * __syscall_dup3, __syscall_fcntl64 F_DUPFD) and keep O_NONBLOCK in the FS
 * stream only, which the core never sees. Its readv/writev (WASI fd_read,
 * fd_write) do one read or write per iovec: a datagram per iovec, and an
 * EAGAIN on a later iovec loses the bytes already read.
 */
(function() {
  var lib = LibraryManager.library;

  // Copies Emscripten's `name` and its `name__*` attributes to
  // `rawsock_emscripten<name>` (not __postset: that stays with `name`, which
  // is still linked, so it runs once).
  function keep(name) {
    if (!lib[name]) return false;
    var kept = {};
    Object.keys(lib).forEach(function(key) {
      if ((key === name || key.indexOf(name + '__') === 0) && key !== name + '__postset') kept['rawsock_emscripten' + key] = lib[key];
    });
    mergeInto(lib, kept);
    // The copy is Emscripten's own code: unmark it as user code, or newer
    // Emscripten warns that a user library uses its internal symbols
    // (jsifier.mjs "depends on internal symbol"), which fails -Werror builds.
    delete lib['rawsock_emscripten' + name + '__user'];
    return true;
  }

  keep('__syscall_fcntl64');
  keep('__syscall_dup3');
  keep('fd_read');
  keep('fd_write');
  // Emscripten 3.1's fstat stats the stream's *path* again
  // (SYSCALLS.doStat(FS.stat, stream.path, buf)): an unlinked file such as
  // tmpfile()'s is then ENOENT. Later versions stat the stream's node, as
  // done here for streams that have one (NODERAWFS host files have none).
  var pathFstat = lib['__syscall_fstat64'] && String(lib['__syscall_fstat64']).indexOf('stream.path') >= 0 && keep('__syscall_fstat64');
  // (The functions below are emitted as source text: they can use only
  // literals and library symbols, nothing from this enclosing scope.)
  mergeInto(lib, {
    $RAWSOCK_FD__deps: ['$RAWSOCK'],
    $RAWSOCK_FD: {
      // close(2) of whatever `fd` is, before dup2 reuses the number; like
      // Linux, a failing close does not fail the dup.
      release: function(fd) {
        var stream = FS.getStream(fd);
        if (!stream) return;
        if (RAWSOCK.isSocket(fd)) {
          RAWSOCK.runtime.sys.close(fd);
          RAWSOCK.closeStream(fd);
          return;
        }
        try { FS.close(stream); } catch (e) { if (!(e instanceof FS.ErrnoError)) throw e; }
      },
      // A second fd for socket `fd` at exactly `target` (free in the FS).
      dupTo: function(fd, target, cloexec) {
        var r = RAWSOCK.runtime.dupTo(fd, target, cloexec);
        if (r < 0) return RAWSOCK.ret(r);
        RAWSOCK.createStream(target);
        return target;
      },
      // readv/writev on a socket: one receive or send over all the iovecs
      // (as Linux's sock_read_iter/sock_write_iter), gathered/scattered
      // here. Returns the byte count or -errno (Emscripten numbering).
      vectored: function(write, fd, iov, iovcnt) {
        if (iovcnt < 0 || iovcnt > 1024 /* UIO_MAXIOV */) return RAWSOCK.ret(-22 /* EINVAL */);
        if (RAWSOCK.fault(iov, iovcnt * {{{ C_STRUCTS.iovec.__size__ }}})) return RAWSOCK.efault();
        var parts = [], total = 0;
        for (var i = 0; i < iovcnt; i++) {
          var at = iov + i * {{{ C_STRUCTS.iovec.__size__ }}};
          var part = { base: HEAP32[(at + {{{ C_STRUCTS.iovec.iov_base }}}) >> 2], len: HEAP32[(at + {{{ C_STRUCTS.iovec.iov_len }}}) >> 2] };
          if (part.len < 0) return RAWSOCK.ret(-22 /* EINVAL */);
          if (RAWSOCK.fault(part.base, part.len)) return RAWSOCK.efault();
          parts.push(part);
          total += part.len;
        }
        var sys = RAWSOCK.runtime.sys;
        // One iovec (plain read/write): straight from/into wasm memory.
        var data = parts.length === 1 ? RAWSOCK.bytes(parts[0].base, parts[0].len) : write ? new Uint8Array(total) : RAWSOCK.scratch(total);
        if (write) {
          if (parts.length !== 1) parts.reduce(function(off, p) { data.set(HEAPU8.subarray(p.base, p.base + p.len), off); return off + p.len; }, 0);
          // write(2) on a socket is send(2) without flags; no signals here, so MSG_NOSIGNAL.
          return RAWSOCK.ret(sys.sendto(fd, data, 0x4000 /* MSG_NOSIGNAL */, null, 0));
        }
        var r = sys.recvfrom(fd, data, 0, null, 0);
        if (r > 0 && parts.length !== 1) {
          for (var i = 0, off = 0; i < parts.length && off < r; i++) {
            var n = Math.min(parts[i].len, r - off);
            HEAPU8.set(data.subarray(off, off + n), parts[i].base);
            off += n;
          }
        }
        return RAWSOCK.ret(r);
      }
    },

    // WASI's fd_read/fd_write (read, readv, write, writev): they return a
    // positive errno and the count through *pnum.
    fd_read__deps: ['$RAWSOCK_FD', 'rawsock_emscriptenfd_read'],
    fd_read: function(fd, iov, iovcnt, pnum) {
      if (!RAWSOCK.isSocket(fd)) return _rawsock_emscriptenfd_read(fd, iov, iovcnt, pnum);
      var r = RAWSOCK_FD.vectored(false, fd, iov, iovcnt);
      if (r < 0) return -r;
      HEAPU32[pnum >> 2] = r;
      return 0;
    },

    fd_write__deps: ['$RAWSOCK_FD', 'rawsock_emscriptenfd_write'],
    fd_write: function(fd, iov, iovcnt, pnum) {
      if (!RAWSOCK.isSocket(fd)) return _rawsock_emscriptenfd_write(fd, iov, iovcnt, pnum);
      var r = RAWSOCK_FD.vectored(true, fd, iov, iovcnt);
      if (r < 0) return -r;
      HEAPU32[pnum >> 2] = r;
      return 0;
    },

    __syscall_fcntl64__deps: ['$RAWSOCK_FD', 'rawsock_emscripten__syscall_fcntl64'],
    __syscall_fcntl64: function(fd, cmd, varargs) {
      // An epoll fd (library_rawsock.js) keeps its FD_CLOEXEC itself.
      var epoll = FS.getStream(fd);
      if (epoll && epoll.node && epoll.node.epoll && (cmd === 1 /* F_GETFD */ || cmd === 2 /* F_SETFD */)) {
        if (cmd === 1) return epoll.rawsockCloexec ? 1 : 0;
        epoll.rawsockCloexec = !!(HEAP32[varargs >> 2] & 1 /* FD_CLOEXEC */);
        return 0;
      }
      if (!RAWSOCK.isSocket(fd)) return _rawsock_emscripten__syscall_fcntl64(fd, cmd, varargs);
      var sys = RAWSOCK.get().sys;
      // The commands that take an int read it from the varargs buffer.
      var arg = function() { return HEAP32[varargs >> 2]; };
      switch (cmd) {
        case 3 /* F_GETFL */:
        case 1 /* F_GETFD */:
          return RAWSOCK.ret(sys.fcntl(fd, cmd));
        case 4 /* F_SETFL */:
        case 2 /* F_SETFD */:
          return RAWSOCK.ret(sys.fcntl(fd, cmd, arg()));
        case 0 /* F_DUPFD */:
        case 1030 /* F_DUPFD_CLOEXEC */: {
          var min = arg();
          if (min < 0 || min >= FS.MAX_OPEN_FDS) return RAWSOCK.ret(-22 /* EINVAL */);
          var target = min;
          while (target < FS.MAX_OPEN_FDS && FS.getStream(target)) target++;
          if (target >= FS.MAX_OPEN_FDS) return RAWSOCK.ret(-24 /* EMFILE */);
          return RAWSOCK_FD.dupTo(fd, target, cmd === 1030);
        }
        default:
          // Locks, owners, ...: what Emscripten answers for any stream.
          return _rawsock_emscripten__syscall_fcntl64(fd, cmd, varargs);
      }
    },

    // dup2 and dup3 both arrive here (musl; dup2(fd, fd) never does).
    __syscall_dup3__deps: ['$RAWSOCK_FD', 'rawsock_emscripten__syscall_dup3'],
    __syscall_dup3: function(fd, newfd, flags) {
      if (!RAWSOCK.isSocket(fd)) return _rawsock_emscripten__syscall_dup3(fd, newfd, flags);
      RAWSOCK.get();
      if (fd === newfd || (flags & ~0x80000 /* O_CLOEXEC */)) return RAWSOCK.ret(-22 /* EINVAL */);
      if (newfd < 0 || newfd >= FS.MAX_OPEN_FDS) return RAWSOCK.ret(-9 /* EBADF */);
      RAWSOCK_FD.release(newfd);
      return RAWSOCK_FD.dupTo(fd, newfd, !!(flags & 0x80000));
    }
  });

  if (pathFstat) {
    mergeInto(lib, {
      __syscall_fstat64__deps: ['rawsock_emscripten__syscall_fstat64'],
      __syscall_fstat64: function(fd, buf) {
        var stream = FS.getStream(fd);
        if (!stream || !stream.node || !stream.node.node_ops || !stream.node.node_ops.getattr) return _rawsock_emscripten__syscall_fstat64(fd, buf);
        return SYSCALLS.doStat(function() { return stream.node.node_ops.getattr(stream.node); }, stream.path, buf);
      }
    });
  }

  // select(2): Emscripten 3.1 has it in JS, reading only the first 64 fds
  // (fd 64 and up alias lower ones) and reporting a socket readable only on
  // POLLIN. Later versions build it in C over poll(2), which already sees
  // the core's mask, so they are left alone.
  if (!lib['__syscall__newselect']) return;
  mergeInto(lib, {
    __syscall__newselect__deps: ['$RAWSOCK'],
    __syscall__newselect: function(nfds, readfds, writefds, exceptfds, timeout) {
      if (nfds < 0) return -{{{ cDefine('EINVAL') }}};
      nfds = Math.min(nfds, 1024 /* FD_SETSIZE */);
      // Which poll bits make an fd readable, writable, exceptional. Sockets
      // follow Linux (fs/select.c POLLIN_SET/POLLOUT_SET/POLLEX_SET): a
      // refused or reset socket is readable and writable. Other streams keep
      // Emscripten's rule. The timeout is not waited for: this build cannot
      // block (Emscripten's select does the same).
      var socketRule = [0x1 | 0x10 | 0x8 /* POLLIN|POLLHUP|POLLERR */, 0x4 | 0x8 /* POLLOUT|POLLERR */, 0x2 /* POLLPRI */];
      var streamRule = [0x1, 0x4, 0x2];
      var sets = [readfds, writefds, exceptfds], words = (nfds + 31) >> 5, result = [], total = 0;
      for (var w = 0; w < words; w++) {
        var inW = sets.map(function(set) { return set ? HEAP32[(set >> 2) + w] : 0; }), outW = [0, 0, 0];
        for (var b = 0; b < 32 && w * 32 + b < nfds; b++) {
          if (!(((inW[0] | inW[1] | inW[2]) >>> b) & 1)) continue;
          var fd = w * 32 + b, stream = FS.getStream(fd);
          if (!stream) return -{{{ cDefine('EBADF') }}};
          var mask = stream.stream_ops && stream.stream_ops.poll ? stream.stream_ops.poll(stream) : 0x5 /* POLLIN|POLLOUT, Emscripten's default */;
          var rule = RAWSOCK.isSocket(fd) ? socketRule : streamRule;
          for (var k = 0; k < 3; k++) {
            if (((inW[k] >>> b) & 1) && (mask & rule[k])) { outW[k] |= 1 << b; total++; }
          }
        }
        result.push(outW);
      }
      // Nothing is written back on error (above); now every set gets its result.
      for (var w = 0; w < words; w++) for (var k = 0; k < 3; k++) if (sets[k]) HEAP32[(sets[k] >> 2) + w] = result[w][k];
      return total;
    }
  });
})();
