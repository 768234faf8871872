/**
 * @license MIT
 * rawsock's Emscripten JS library: backs the program's socket syscalls with
 * @rawsock/core (bundled as RawsockRuntime by rawsock-emcc's --pre-js).
 *
 * This file only marshals: wasm memory ↔ byte views, FS streams ↔ fds,
 * Linux errno ↔ Emscripten errno. Every socket decision is the core's.
 * Socket fds are real FS streams (like library_sockfs.js makes them), so
 * read/write/close/poll/select on them go through FS as for any file.
 */
mergeInto(LibraryManager.library, {
#if ASYNCIFY == 2
  // library_rawsock_jspi.js: suspension, and the refusal where JSPI is missing.
  $RAWSOCK__deps: ['$FS', 'rawsock_timeval_layout', '$Asyncify', '$RAWSOCK_JSPI', '$RAWSOCK_AGAIN'],
#elif ASYNCIFY
  $RAWSOCK__deps: ['$FS', 'rawsock_timeval_layout', '$Asyncify'],
#elif PROXY_TO_PTHREAD
  // library_rawsock_threads.js: each thread waits on its own.
  $RAWSOCK__deps: ['$FS', 'rawsock_timeval_layout', '$RAWSOCK_THREADS', '$RAWSOCK_AGAIN'],
#else
  $RAWSOCK__deps: ['$FS', 'rawsock_timeval_layout'],
#endif
  // EXIT_RUNTIME builds: when the runtime exits (after FS.quit closed every
  // fd), the core hears that the program ended, so a closed stream whose
  // bytes a peer never reads does not keep the host process alive for ever
  // (core's orphans.ts). addAtExit adds nothing without EXIT_RUNTIME.
  $RAWSOCK__postset: function() {
    addAtExit('RAWSOCK.programEnded();');
#if ASYNCIFY == 1
    // Emscripten's callMain exits with main's status only when main returns
    // without having suspended; once it has (every blocking call does, in
    // suspend mode), its return ends in Asyncify's rewind and the status is
    // lost (exit code 0, no atexit, open sockets keep the process alive).
    // Seen with emcc 3.1.6 and 6.0.5, even for emscripten_sleep. Here main
    // returning for good at the end of a rewind exits as callMain would have.
    return [
      '(function(instrument) {',
      '  Asyncify.instrumentWasmExports = function(exports) {',
      '    var ret = instrument(exports);',
      '    ["main", "__main_argc_argv"].forEach(function(name) {',
      '      var main = ret[name];',
      '      if (typeof main != "function") return;',
      '      var exiting = function() {',
      '        var again = Asyncify.state === Asyncify.State.Rewinding;',
      '        var status = main.apply(this, arguments);',
      // Suspended again: a new wait holds Asyncify.currData (freed when a rewind ends).
      '        if (again && !Asyncify.currData) (typeof exitJS == "function" ? exitJS : exit)(status, /* implicit */ true);',
      '        return status;',
      '      };',
      '      ret[name] = exiting;',
      // emcc 4+ rewinds through Asyncify.funcWrappers (by the raw export); 3.1 through the exports object.
      '      if (Asyncify.funcWrappers && Asyncify.funcWrappers.get(exports[name]) === main) Asyncify.funcWrappers.set(exports[name], exiting);',
      '    });',
      '    return ret;',
      '  };',
      '})(Asyncify.instrumentWasmExports);'
    ].join('\n');
#else
    return '';
#endif
  },
  $RAWSOCK: {
    // An address getaddrinfo handed out for a name it could not resolve
    // synchronously (a placeholder in 172.29.0.0/16, or ::ffff:172.29.x.y):
    // { name, port }, or null for any other address. See @rawsock/core names/.
    fakeName: function(ptr, len) {
      var family = len >= 2 ? HEAPU16[ptr >> 1] : 0, at;
      if (family === 2 /* AF_INET */ && len >= 8) at = ptr + 4;
      else if (family === 10 /* AF_INET6 */ && len >= 24 && HEAPU32[(ptr + 8) >> 2] === 0 && HEAPU32[(ptr + 12) >> 2] === 0 && HEAPU8[ptr + 16] === 0 && HEAPU8[ptr + 17] === 0 && HEAPU8[ptr + 18] === 255 && HEAPU8[ptr + 19] === 255) at = ptr + 20;
      else return null;
      if (HEAPU8[at] !== 172 || HEAPU8[at + 1] !== 29) return null;
      var name = RAWSOCK.get().names.placeholders.nameOf(HEAPU8[at] + '.' + HEAPU8[at + 1] + '.' + HEAPU8[at + 2] + '.' + HEAPU8[at + 3]);
      return name ? { name: name, port: (HEAPU8[ptr + 2] << 8) | HEAPU8[ptr + 3] } : null;
    },
    // A datagram cannot wait for a name: sendto a placeholder fails, naming the host.
    refuseFake: function(name) {
      if (!RAWSOCK.warned) {
        RAWSOCK.warned = true;
        err('[rawsock] ' + name + ': getaddrinfo gave a placeholder address (the name needs DNS, which an event-driven build cannot wait for); UDP to it fails with EHOSTUNREACH — build with a blocking mode, or connect a TCP socket to it');
      }
      RAWSOCK.get();
      return RAWSOCK.runtime.errno(-113 /* EHOSTUNREACH */);
    },
    runtime: null,
    root: null,
    programEnded: function() {
      if (RAWSOCK.runtime) RAWSOCK.runtime.programEnded();
    },
    // Linked with -sASYNCIFY or -sJSPI: blocking calls can suspend the
    // program (JSPI: rawsock_jspi.c and library_rawsock_jspi.js, where only
    // main's stack can suspend).
#if ASYNCIFY == 1
    buildSuspends: true,
    suspend: function(start) { return Asyncify.handleAsync(start); },
    canSuspend: null,
    threads: false,
#elif ASYNCIFY == 2
    buildSuspends: true,
    suspend: function(start) { return RAWSOCK_AGAIN.suspend(start); },
    canSuspend: function() { return RAWSOCK_JSPI.canSuspend(); },
    threads: false,
#elif PROXY_TO_PTHREAD
    // -sPROXY_TO_PTHREAD (library_rawsock_threads.js): a thread's waiting
    // call runs here, on the main thread, and waits in its event loop while
    // the calling thread sleeps; only such calls can wait.
    buildSuspends: false,
    suspend: function(start) { return RAWSOCK_AGAIN.suspend(start); },
    canSuspend: function() { return RAWSOCK_THREADS.serving > 0; },
    threads: true,
#else
    buildSuspends: false,
    suspend: null,
    canSuspend: null,
    threads: false,
#endif
    // The core, made on first use so programs without sockets pay nothing.
    get: function() {
      if (RAWSOCK.runtime) return RAWSOCK.runtime;
      if (typeof RawsockRuntime === 'undefined') throw new Error('[rawsock] runtime bundle missing: link with rawsock-emcc');
      RAWSOCK.root = FS.createNode(null, '/', {{{ cDefine('S_IFDIR') }}} | 511, 0);
      // The layout of struct timeval as this program's libc has it (from the shim).
      var usecOffset = _rawsock_timeval_layout(1);
      var abi = { timeval: { size: _rawsock_timeval_layout(0), secBytes: usecOffset >= 8 ? 8 : 4, usecOffset: usecOffset, usecBytes: 4 } };
      var fs = {
        newSocketFd: function() { return RAWSOCK.createStream().fd; },
        isOtherFd: function(fd) { var s = FS.getStream(fd); return !!s && !(s.node && s.node.rawsock); },
        // Worker mode (the table lives in a worker): fds are offered, then opened.
        freeFds: function(count) {
          var out = [];
          for (var fd = 0; out.length < count && fd < FS.MAX_OPEN_FDS; fd++) if (!FS.getStream(fd)) out.push(fd);
          return out;
        },
        openSocketFd: function(fd) { RAWSOCK.createStream(fd); },
        // Worker mode: the worker keeps the process alive only for a program that waits for socket callbacks.
        hasCallbacks: function() { return Object.keys(RAWSOCK.callbacks).length > 0; }
      };
      // The blocking mode chosen at link time (rawsock-emcc --rawsock-blocking) and whether the build can suspend.
      var build = { blocking: typeof RAWSOCK_LINK_BLOCKING !== 'undefined' ? RAWSOCK_LINK_BLOCKING : 'auto', suspends: RAWSOCK.buildSuspends, suspend: RAWSOCK.suspend, canSuspend: RAWSOCK.canSuspend, threads: RAWSOCK.threads };
      RAWSOCK.runtime = RawsockRuntime.createGlueRuntime(fs, Module['rawsock'] || {}, abi, build);
      return RAWSOCK.runtime;
    },
    nextName: 0,
    // The FS stream of a socket, at the lowest free fd or at `fd` (dup2).
    // (fd, fd) suits both FS.createStream(stream, fd_start, fd_end) of 3.1
    // and FS.createStream(stream, fd) of later versions.
    // The node is made directly, not by FS.createNode, so it stays out of
    // FS's name table: no path leads to it (RAWSOCK.root is mounted nowhere),
    // and hashing it in and out cost every accepted connection.
    createStream: function(fd) {
      var name = 'rawsock[' + (RAWSOCK.nextName++) + ']';
      var node = new FS.FSNode(RAWSOCK.root, name, {{{ cDefine('S_IFSOCK') }}}, 0);
      node.rawsock = true;
      node.node_ops = RAWSOCK.node_ops;
      return FS.createStream({ path: name, node: node, flags: {{{ cDefine('O_RDWR') }}}, seekable: false, stream_ops: RAWSOCK.stream_ops }, fd, fd);
    },
    // Emscripten's socket callbacks (emscripten_set_socket_*_callback),
    // fired from core readiness changes.
    callbacks: {},
    emit: function(event, data) {
      var cb = RAWSOCK.callbacks[event];
      if (!cb) return;
#if ASYNCIFY == 2
      // JSPI: a callback is not main's stack and cannot suspend.
      RAWSOCK_JSPI.inCallback++;
      try {
        cb(data);
      } finally {
        RAWSOCK_JSPI.inCallback--;
      }
#else
      cb(data);
#endif
    },
    // Each socket stream has a node of its own (dup makes another), never in
    // FS's name table (createStream): it goes with the stream.
    closeStream: function(fd) {
      FS.closeStream(fd);
    },
    // Snapshots come from the core in this thread, or from the socket
    // worker (worker mode), where they arrive between the program's calls.
    track: function(fd) {
      var last = 0, opened = false;
      RAWSOCK.runtime.watch(fd, function(s) {
        if (s.initial) { opened = s.state === 'connected'; return; }
        var mask = s.mask;
        if (mask & 0x20 /* POLLNVAL: closed */) return;
        // Worker mode reads coalesced changes: `rose` keeps a bit that rose and fell between two reads.
        var rising = (mask & ~last) | (s.rose | 0);
        last = mask;
        if (s.state === 'listening') {
          if (rising & 0x1) RAWSOCK.emit('connection', fd);
          return;
        }
        if (!opened && s.state === 'connected') {
          opened = true;
          RAWSOCK.emit('open', fd);
        }
        if (mask & 0x1 && s.readable > 0) RAWSOCK.emit('message', fd);
        if (rising & 0x8 /* POLLERR */ && s.pendingError) RAWSOCK.emit('error', [fd, -RAWSOCK.runtime.errno(-s.pendingError), 'socket error']);
        if (rising & (0x10 | 0x2000) /* POLLHUP, POLLRDHUP */) RAWSOCK.emit('close', fd);
      });
    },
    isSocket: function(fd) {
      var s = FS.getStream(fd);
      // NODERAWFS streams have no node; only ours are sockets.
      return !!s && !!s.node && !!s.node.rawsock;
    },
    // -errno from core (Linux numbers) → -errno for this libc.
    ret: function(r) {
      return r < 0 ? RAWSOCK.runtime.errno(r) : r;
    },
    // A fd argument: sockets go to core, other streams are ENOTSOCK, the rest EBADF.
    check: function(fd) {
      if (RAWSOCK.isSocket(fd)) return 0;
      RAWSOCK.get();
      return RAWSOCK.runtime.errno(FS.getStream(fd) ? -88 /* ENOTSOCK */ : -9 /* EBADF */);
    },
    bytes: function(ptr, len) {
      return HEAPU8.subarray(ptr >>> 0, (ptr >>> 0) + len);
    },
    // Linux's access checks: bytes at NULL or past wasm memory are EFAULT
    // (wasm itself would read address 0, or a view cut short at the end).
    // Pointers and lengths are unsigned, as size_t is.
    fault: function(ptr, len) {
      ptr = ptr >>> 0; len = len >>> 0;
      return len > 0 && (ptr === 0 || ptr + len > HEAPU8.length);
    },
    efault: function() {
      RAWSOCK.get();
      return RAWSOCK.runtime.errno(-14 /* EFAULT */);
    },
    // A sockaddr in (move_addr_to_kernel): a length outside 0..128 is the
    // core's EINVAL; within it, the bytes must be readable.
    addrFault: function(addr, len) {
      return len >= 0 && len <= 128 && RAWSOCK.fault(addr, len);
    },
    // A socklen_t/int out-pointer (*addrlen, *optlen) that cannot be read.
    lenFault: function(ptr) {
      return RAWSOCK.fault(ptr, 4);
    },
    // A receive buffer to scatter from: the same memory on every call, so a
    // receive that suspended the program (suspend mode) finds its bytes
    // there when Asyncify calls the import again to resume.
    scratchBytes: null,
    scratch: function(len) {
      if (!RAWSOCK.scratchBytes || RAWSOCK.scratchBytes.byteLength < len) RAWSOCK.scratchBytes = new Uint8Array(Math.max(len, 4096));
      return RAWSOCK.scratchBytes.subarray(0, len);
    },
    // getsockname/getpeername: the address into the caller's buffer, its full length into *addrlen.
    nameCall: function(method, fd, addr, addrlenp) {
      var bad = RAWSOCK.check(fd); if (bad) return bad;
      if (RAWSOCK.lenFault(addrlenp)) return RAWSOCK.efault();
      var sys = RAWSOCK.runtime.sys;
      var cap = HEAP32[addrlenp >> 2];
      if (cap > 0 && !addr) return RAWSOCK.efault();
      var r = sys[method](fd, RAWSOCK.bytes(addr, Math.max(0, cap)), cap);
      // Linux writes min(*addrlen, the address's length) bytes: those must fit.
      if (r >= 0 && RAWSOCK.fault(addr, Math.min(cap, sys.out.addrlen))) return RAWSOCK.efault();
      if (r >= 0) HEAP32[addrlenp >> 2] = sys.out.addrlen;
      return RAWSOCK.ret(r);
    },
    // A msghdr's iovecs as [{ base, len }], or -errno (Linux numbering) as
    // copy_msghdr_from_user/import_iovec give it: EMSGSIZE past UIO_MAXIOV,
    // EINVAL for a negative length, EFAULT for memory that is not there.
    // The total is cut at MAX_RW_COUNT, as Linux cuts it.
    iovecs: function(msg) {
      var iov = HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_iov }}}) >> 2];
      var count = HEAPU32[(msg + {{{ C_STRUCTS.msghdr.msg_iovlen }}}) >> 2];
      if (count > 1024 /* UIO_MAXIOV */) return -90 /* EMSGSIZE */;
      if (RAWSOCK.fault(iov, count * {{{ C_STRUCTS.iovec.__size__ }}})) return -14 /* EFAULT */;
      var list = [], total = 0;
      for (var i = 0; i < count; i++) {
        var at = iov + i * {{{ C_STRUCTS.iovec.__size__ }}};
        var v = { base: HEAP32[(at + {{{ C_STRUCTS.iovec.iov_base }}}) >> 2], len: HEAP32[(at + {{{ C_STRUCTS.iovec.iov_len }}}) >> 2] };
        if (v.len < 0) return -22 /* EINVAL */;
        if (RAWSOCK.fault(v.base, v.len)) return -14 /* EFAULT */;
        v.len = Math.min(v.len, 0x7ffff000 /* MAX_RW_COUNT */ - total);
        total += v.len;
        list.push(v);
      }
      return list;
    },
    // The msghdr checks both directions share: the header itself, msg_name's length, the iovecs.
    msghdr: function(msg) {
      if (RAWSOCK.fault(msg, {{{ C_STRUCTS.msghdr.__size__ }}})) return -14 /* EFAULT */;
      if (HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_namelen }}}) >> 2] < 0) return -22 /* EINVAL */;
      return RAWSOCK.iovecs(msg);
    },
    // fstat on a socket fd: S_IFSOCK, size 0 (what Linux reports).
    node_ops: {
      getattr: function(node) {
        var now = new Date();
        return { dev: 0, ino: node.id, mode: node.mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, atime: now, mtime: now, ctime: now, blksize: 4096, blocks: 0 };
      }
    },
    stream_ops: {
      read: function(stream, buffer, offset, length) {
        var view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
        var r = RAWSOCK.get().sys.recvfrom(stream.fd, view, 0, null, 0);
        if (r < 0) throw new FS.ErrnoError(-RAWSOCK.runtime.errno(r));
        return r;
      },
      write: function(stream, buffer, offset, length) {
        var view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
        var r = RAWSOCK.get().sys.sendto(stream.fd, view, 0x4000 /* MSG_NOSIGNAL */, null, 0);
        if (r < 0) throw new FS.ErrnoError(-RAWSOCK.runtime.errno(r));
        return r;
      },
      poll: function(stream) {
        return RAWSOCK.get().revents(stream.fd, 0xffff);
      },
      close: function(stream) {
        RAWSOCK.get().sys.close(stream.fd);
      }
    }
  },

  __syscall_socket__deps: ['$RAWSOCK'],
  __syscall_socket: function(domain, type, protocol) {
    var fd = RAWSOCK.get().sys.socket(domain, type, protocol);
    if (fd >= 0) RAWSOCK.track(fd);
    return RAWSOCK.ret(fd);
  },

  __syscall_bind__deps: ['$RAWSOCK'],
  __syscall_bind: function(fd, addr, addrlen) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    if (RAWSOCK.addrFault(addr, addrlen)) return RAWSOCK.efault();
    return RAWSOCK.ret(RAWSOCK.runtime.sys.bind(fd, RAWSOCK.bytes(addr, Math.max(0, addrlen)), addrlen));
  },

  __syscall_connect__deps: ['$RAWSOCK'],
  __syscall_connect: function(fd, addr, addrlen) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    if (RAWSOCK.addrFault(addr, addrlen)) return RAWSOCK.efault();
    // A connect to a placeholder resolves the real name, then connects (EINPROGRESS).
    var fake = RAWSOCK.fakeName(addr, addrlen);
    if (fake) return RAWSOCK.runtime.sys.connectName ? RAWSOCK.ret(RAWSOCK.runtime.sys.connectName(fd, fake.name, fake.port, RAWSOCK.runtime.lookup)) : RAWSOCK.refuseFake(fake.name);
    return RAWSOCK.ret(RAWSOCK.runtime.sys.connect(fd, RAWSOCK.bytes(addr, Math.max(0, addrlen)), addrlen));
  },

  __syscall_listen__deps: ['$RAWSOCK'],
  __syscall_listen: function(fd, backlog) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    var r = RAWSOCK.runtime.sys.listen(fd, backlog);
    if (r === 0) RAWSOCK.emit('listen', fd);
    return RAWSOCK.ret(r);
  },

  __syscall_accept4__deps: ['$RAWSOCK'],
  __syscall_accept4: function(fd, addr, addrlenp, flags) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    var sys = RAWSOCK.runtime.sys;
    if (addr && RAWSOCK.lenFault(addrlenp)) return RAWSOCK.efault();
    var cap = addr ? HEAP32[addrlenp >> 2] : 0;
    if (addr && RAWSOCK.addrFault(addr, Math.min(cap, 128))) return RAWSOCK.efault();
    var r = sys.accept4(fd, addr ? RAWSOCK.bytes(addr, Math.max(0, cap)) : null, cap, flags);
    if (r >= 0) RAWSOCK.track(r);
    if (r >= 0 && addr) HEAP32[addrlenp >> 2] = sys.out.addrlen;
    return RAWSOCK.ret(r);
  },

  __syscall_getsockname__deps: ['$RAWSOCK'],
  __syscall_getsockname: function(fd, addr, addrlenp) {
    return RAWSOCK.nameCall('getsockname', fd, addr, addrlenp);
  },

  __syscall_getpeername__deps: ['$RAWSOCK'],
  __syscall_getpeername: function(fd, addr, addrlenp) {
    return RAWSOCK.nameCall('getpeername', fd, addr, addrlenp);
  },

  __syscall_sendto__deps: ['$RAWSOCK'],
  __syscall_sendto: function(fd, buf, len, flags, addr, addrlen) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    if (RAWSOCK.fault(buf, len) || (addr && RAWSOCK.addrFault(addr, addrlen))) return RAWSOCK.efault();
    var fake = addr ? RAWSOCK.fakeName(addr, addrlen) : null;
    if (fake) return RAWSOCK.refuseFake(fake.name);
    return RAWSOCK.ret(RAWSOCK.runtime.sys.sendto(fd, RAWSOCK.bytes(buf, len), flags, addr ? RAWSOCK.bytes(addr, Math.max(0, addrlen)) : null, addr ? addrlen : 0));
  },

  __syscall_recvfrom__deps: ['$RAWSOCK'],
  __syscall_recvfrom: function(fd, buf, len, flags, addr, addrlenp) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    // Checked before receiving, so a bad pointer never costs the data (Linux would drop it).
    if (RAWSOCK.fault(buf, len) || (addr && RAWSOCK.lenFault(addrlenp))) return RAWSOCK.efault();
    var sys = RAWSOCK.runtime.sys;
    var cap = addr ? HEAP32[addrlenp >> 2] : 0;
    if (addr && RAWSOCK.addrFault(addr, Math.min(cap, 128))) return RAWSOCK.efault();
    var r = sys.recvfrom(fd, RAWSOCK.bytes(buf, len), flags, addr ? RAWSOCK.bytes(addr, Math.max(0, cap)) : null, cap);
    if (r >= 0 && addr) HEAP32[addrlenp >> 2] = sys.out.addrlen;
    return RAWSOCK.ret(r);
  },

  // sendmsg/recvmsg: gather/scatter the iovecs; one copy each way, done by core.
  __syscall_sendmsg__deps: ['$RAWSOCK'],
  __syscall_sendmsg: function(fd, msg, flags) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    var list = RAWSOCK.msghdr(msg);
    if (typeof list === 'number') return RAWSOCK.ret(list);
    var name = HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_name }}}) >> 2];
    // Linux cuts an over-long msg_namelen to sizeof(struct sockaddr_storage).
    var namelen = Math.min(HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_namelen }}}) >> 2], 128);
    if (name && RAWSOCK.fault(name, namelen)) return RAWSOCK.efault();
    if (RAWSOCK.fault(HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_control }}}) >> 2] || 0, HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_controllen }}}) >> 2])) return RAWSOCK.efault();
    var total = list.reduce(function(n, v) { return n + v.len; }, 0);
    var data = new Uint8Array(total), off = 0;
    list.forEach(function(v) { data.set(HEAPU8.subarray(v.base, v.base + v.len), off); off += v.len; });
    return RAWSOCK.ret(RAWSOCK.runtime.sys.sendto(fd, data, flags, name ? RAWSOCK.bytes(name, Math.max(0, namelen)) : null, name ? namelen : 0));
  },

  __syscall_recvmsg__deps: ['$RAWSOCK'],
  __syscall_recvmsg: function(fd, msg, flags) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    var sys = RAWSOCK.runtime.sys;
    var list = RAWSOCK.msghdr(msg);
    if (typeof list === 'number') return RAWSOCK.ret(list);
    var name = HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_name }}}) >> 2];
    var namelen = Math.min(HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_namelen }}}) >> 2], 128);
    if (name && RAWSOCK.fault(name, namelen)) return RAWSOCK.efault();
    var total = list.reduce(function(n, v) { return n + v.len; }, 0);
    var data = RAWSOCK.scratch(total);
    var r = sys.recvfrom(fd, data, flags, name ? RAWSOCK.bytes(name, Math.max(0, namelen)) : null, name ? namelen : 0);
    if (r < 0) return RAWSOCK.ret(r);
    // Scatter what was copied (r may exceed it with MSG_TRUNC on a datagram).
    var copied = Math.min(r, total), off = 0;
    list.forEach(function(v) {
      var l = Math.min(v.len, copied - off);
      if (l > 0) HEAPU8.set(data.subarray(off, off + l), v.base);
      off += Math.max(0, l);
    });
    if (name) HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_namelen }}}) >> 2] = sys.out.addrlen;
    HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_controllen }}}) >> 2] = 0;
    HEAP32[(msg + {{{ C_STRUCTS.msghdr.msg_flags }}}) >> 2] = sys.out.msgFlags;
    return r;
  },

  __syscall_getsockopt__deps: ['$RAWSOCK'],
  __syscall_getsockopt: function(fd, level, name, optval, optlenp) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    var sys = RAWSOCK.runtime.sys;
    if (RAWSOCK.lenFault(optlenp)) return RAWSOCK.efault();
    var cap = HEAP32[optlenp >> 2];
    // Linux writes min(*optlen, the value's length) bytes; no value is longer than 16.
    if (cap > 0 && RAWSOCK.fault(optval, Math.min(cap, 16))) return RAWSOCK.efault();
    var r = sys.getsockopt(fd, level, name, RAWSOCK.bytes(optval, Math.max(0, cap)), cap);
    if (r >= 0) {
      HEAP32[optlenp >> 2] = sys.out.optlen;
      // SO_ERROR carries an errno: give it in this libc's numbering.
      if (level === 1 && name === 4 && sys.out.optlen >= 4 && HEAP32[optval >> 2] !== 0) HEAP32[optval >> 2] = -RAWSOCK.runtime.errno(-HEAP32[optval >> 2]);
    }
    return RAWSOCK.ret(r);
  },

  __syscall_shutdown__deps: ['$RAWSOCK'],
  __syscall_shutdown: function(fd, how) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    return RAWSOCK.ret(RAWSOCK.runtime.sys.shutdown(fd, how));
  },

  // Called by rawsock_shim.c, which replaces libc functions Emscripten 3.1
  // implements as C stubs returning errors. Like Emscripten's syscalls they
  // run on the main thread in pthread builds (__proxy), where the sockets
  // and their FS streams live.
  rawsock_setsockopt__proxy: 'sync',
  rawsock_setsockopt__sig: 'iiiiii',
  rawsock_setsockopt__deps: ['$RAWSOCK'],
  rawsock_setsockopt: function(fd, level, name, optval, optlen) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    if (optlen > 0 && RAWSOCK.fault(optval, optlen)) return RAWSOCK.efault();
    return RAWSOCK.ret(RAWSOCK.runtime.sys.setsockopt(fd, level, name, RAWSOCK.bytes(optval, Math.max(0, optlen))));
  },

  rawsock_shutdown__proxy: 'sync',
  rawsock_shutdown__sig: 'iii',
  rawsock_shutdown__deps: ['$RAWSOCK'],
  rawsock_shutdown: function(fd, how) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    return RAWSOCK.ret(RAWSOCK.runtime.sys.shutdown(fd, how));
  },

  rawsock_socketpair__proxy: 'sync',
  rawsock_socketpair__sig: 'iiiii',
  rawsock_socketpair__deps: ['$RAWSOCK'],
  rawsock_socketpair: function(domain, type, protocol, fdsp) {
    var fds = [0, 0];
    if (RAWSOCK.fault(fdsp, 8)) return RAWSOCK.efault();
    var r = RAWSOCK.get().sys.socketpair(domain, type, protocol, fds);
    if (r >= 0) { HEAP32[fdsp >> 2] = fds[0]; HEAP32[(fdsp >> 2) + 1] = fds[1]; RAWSOCK.track(fds[0]); RAWSOCK.track(fds[1]); }
    return RAWSOCK.ret(r);
  },

  // close(2) of a socket: the core closes it and the FS stream goes away.
  // (NODERAWFS's FS.close skips stream_ops.close for in-memory streams.)
  rawsock_close__proxy: 'sync',
  rawsock_close__sig: 'ii',
  rawsock_close__deps: ['$RAWSOCK'],
  rawsock_close: function(fd) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    var r = RAWSOCK.runtime.sys.close(fd);
    RAWSOCK.closeStream(fd);
    return RAWSOCK.ret(r);
  },

  rawsock_is_socket__proxy: 'sync',
  rawsock_is_socket__sig: 'ii',
  rawsock_is_socket__deps: ['$RAWSOCK'],
  rawsock_is_socket: function(fd) {
    return RAWSOCK.isSocket(fd) ? 1 : 0;
  },

  // FIONREAD/FIONBIO on sockets (Emscripten 3.1's ioctl aborts on FIONBIO).
  rawsock_ioctl__proxy: 'sync',
  rawsock_ioctl__sig: 'iiii',
  rawsock_ioctl__deps: ['$RAWSOCK'],
  rawsock_ioctl: function(fd, request, argp) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    var sys = RAWSOCK.runtime.sys;
    // FIONREAD writes an int, FIONBIO reads one.
    if ((request === 0x541b || request === 0x5421) && RAWSOCK.fault(argp, 4)) return RAWSOCK.efault();
    var r = sys.ioctl(fd, request, argp ? HEAP32[argp >> 2] : 0);
    if (r >= 0 && request === 0x541b /* FIONREAD */ && argp) HEAP32[argp >> 2] = sys.out.value;
    return RAWSOCK.ret(r);
  },

  // dup of a socket fd: a second FS stream over the same core socket.
  rawsock_dup__proxy: 'sync',
  rawsock_dup__sig: 'ii',
  rawsock_dup__deps: ['$RAWSOCK'],
  rawsock_dup: function(fd) {
    var bad = RAWSOCK.check(fd); if (bad) return bad;
    return RAWSOCK.ret(RAWSOCK.runtime.sys.dup(fd));
  },

  // Replaces library_sockfs.js's registration (which needs SOCKFS's
  // Module.websocket); the callbacks are called as Emscripten documents.
  $_setNetworkCallback__deps: ['$RAWSOCK', 'rawsock_error_text', '$runtimeKeepalivePush', '$runtimeKeepalivePop'],
  $_setNetworkCallback: function(event, userData, callback) {
    // Like library_sockfs.js: a program driven by callbacks must outlive
    // main(); once it has removed them all, it no longer is (one hold per event).
    if (!callback) {
      if (RAWSOCK.callbacks[event]) {
        delete RAWSOCK.callbacks[event];
        {{{ runtimeKeepalivePop() }}}
      }
      if (RAWSOCK.runtime) RAWSOCK.runtime.callbacksChanged();
      return;
    }
    if (!RAWSOCK.callbacks[event]) {
      {{{ runtimeKeepalivePush() }}}
    }
    RAWSOCK.callbacks[event] = function(data) {
      try {
        if (event === 'error') {
          // The message goes into the shim's static buffer: no allocator needed.
          var msg = _rawsock_error_text(), text = new TextEncoder().encode(data[2]).subarray(0, 127);
          HEAPU8.set(text, msg);
          HEAPU8[msg + text.length] = 0;
          {{{ makeDynCall('viiii', 'callback') }}}(data[0], data[1], msg, userData);
        } else {
          {{{ makeDynCall('vii', 'callback') }}}(data, userData);
        }
      } catch (e) {
        if (!(e instanceof ExitStatus)) throw e;
      }
    };
    if (RAWSOCK.runtime) RAWSOCK.runtime.callbacksChanged();
  }
,

  // epoll: an epoll fd is an FS stream holding an interest list; readiness
  // comes from each fd's stream_ops.poll (core's mask for sockets), so files,
  // pipes and sockets mix as on Linux. Event-driven builds cannot block, so
  // a timeout is not waited for (like Emscripten's own poll).
  //
  // Readiness is kept incrementally, as Linux keeps its ready list: each
  // instance has `ready`, the items that may be ready, and epoll_wait looks
  // only at those. A socket of this thread's core queues its items from
  // core's synchronous change hook (SocketBase.onChange); streams without
  // one (files, pipes, ttys, and every fd in worker mode, where the core is
  // in the socket worker) are "polled": they stay in `ready` and are looked
  // at on every call, as before.
  $RAWSOCK_EPOLL__deps: ['$RAWSOCK', 'rawsock_epoll_layout'],
  $RAWSOCK_EPOLL: {
    // Core socket → its items (one per epoll instance and fd watching it).
    bySocket: null,
    get: function(epfd) {
      var s = FS.getStream(epfd);
      return s && s.node && s.node.epoll ? s.node.epoll : null;
    },
    mask: function(stream) {
      return stream.stream_ops && stream.stream_ops.poll ? stream.stream_ops.poll(stream) : 0x5 /* POLLIN|POLLOUT, like poll(2) for files */;
    },
    queue: function(w) {
      if (w.queued) return;
      w.queued = true;
      w.ep.ready.push(w);
    },
    // Starts keeping an item's readiness. EPOLLET on a socket: Linux queues
    // the item on every wakeup of the socket (each arrival, not only a
    // change of the mask), filtered by the wakeup's key (ep_poll_callback).
    // The core's change hook stands for the wakeups: one counts if it brings
    // an interesting bit that was not there, or (for EPOLLIN) a new arrival
    // (core's `arrivals`). Worker mode has no table in this thread: its
    // sockets are looked at on every call (their masks come from the
    // readiness board, with no round trip), and the board counts the same
    // wakeups for EPOLLET (runtime.wakeups).
    watch: function(w, fd) {
      var table = RAWSOCK.runtime.table;
      if (!RAWSOCK.isSocket(fd) || !table) {
        w.polled = true;
        var count = RAWSOCK.isSocket(fd) && RAWSOCK.runtime.wakeups ? function() { return RAWSOCK.runtime.wakeups(fd, w.events); } : null;
        if (!count || count() === undefined) return;
        // `woken` as epoll_wait reads and clears it: the count moved since it was cleared.
        var counted = -1;
        w.counted = true;
        Object.defineProperty(w, 'woken', { get: function() { return count() !== counted; }, set: function(v) { counted = v ? -1 : count(); } });
        return;
      }
      var s = table.get(fd), map = RAWSOCK_EPOLL.bySocket || (RAWSOCK_EPOLL.bySocket = new Map()), items = map.get(s);
      if (!items) {
        items = [];
        map.set(s, items);
        // One hook per socket, made once (core calls it with no arguments).
        s.onChange = function() { RAWSOCK_EPOLL.changed(s); };
      }
      w.socket = s;
      w.hookMask = s.pollMask();
      w.seen = s.arrivals;
      items.push(w);
    },
    // Core's change hook (synchronous, inside the call that changed the
    // socket): queue the socket's items; a closed socket leaves every
    // interest list, as close(2) of the last reference does.
    changed: function(s) {
      var items = RAWSOCK_EPOLL.bySocket.get(s);
      if (!items) return;
      var i, w;
      if (s.state === 'closed') {
        for (i = 0; i < items.length; i++) {
          w = items[i];
          w.dead = true;
          if (w.ep.interest.get(w.fd) === w) w.ep.interest.delete(w.fd);
        }
        RAWSOCK_EPOLL.bySocket.delete(s);
        s.onChange = undefined;
        return;
      }
      var mask = -1;
      for (i = 0; i < items.length; i++) {
        w = items[i];
        if (!w.armed) continue;
        if (w.events & 0x80000000 /* EPOLLET */) {
          if (mask < 0) mask = s.pollMask();
          if ((mask & ~w.hookMask & (w.events | 0x18)) || ((w.events & 0x1) && s.arrivals !== w.seen)) w.woken = true;
          w.hookMask = mask;
          w.seen = s.arrivals;
          if (!w.woken) continue;
        }
        RAWSOCK_EPOLL.queue(w);
      }
    },
    // Stops keeping an item (EPOLL_CTL_DEL/MOD, a closed fd, the epoll fd closed).
    forget: function(w) {
      if (!w || w.dead) return;
      w.dead = true;
      var s = w.socket, map = RAWSOCK_EPOLL.bySocket;
      if (!s || !map) return;
      var items = map.get(s);
      if (!items) return;
      var at = items.indexOf(w);
      if (at >= 0) items.splice(at, 1);
      if (!items.length) {
        map.delete(s);
        s.onChange = undefined;
      }
    },
    // True while `w` still stands for what its fd is (the fd was not closed, or closed and reused).
    current: function(w) {
      return !w.dead && FS.getStream(w.fd) === w.stream;
    }
  },

  rawsock_epoll_create__proxy: 'sync',
  rawsock_epoll_create__sig: 'ii',
  rawsock_epoll_create__deps: ['$RAWSOCK_EPOLL'],
  rawsock_epoll_create: function(flags) {
    RAWSOCK.get();
    if (flags & ~0x80000 /* EPOLL_CLOEXEC */) return RAWSOCK.runtime.errno(-22);
    var node = FS.createNode(RAWSOCK.root, 'epoll[' + (RAWSOCK.nextName++) + ']', 0, 0);
    // ready: the items that may be ready (see $RAWSOCK_EPOLL); spare: the
    // array the next epoll_wait fills, so a call allocates nothing.
    node.epoll = { interest: new Map(), ready: [], spare: [] };
    node.node_ops = RAWSOCK.node_ops;
    var stream = FS.createStream({ path: node.name, node: node, flags: {{{ cDefine('O_RDWR') }}}, seekable: false, stream_ops: { close: function() { node.epoll.interest.forEach(RAWSOCK_EPOLL.forget); node.epoll.interest.clear(); node.epoll.ready.length = 0; FS.destroyNode(node); } } });
    // FD_CLOEXEC of this fd (read and set by fcntl F_GETFD/F_SETFD).
    stream.rawsockCloexec = !!(flags & 0x80000);
    return stream.fd;
  },

  rawsock_epoll_ctl__proxy: 'sync',
  rawsock_epoll_ctl__sig: 'iiiii',
  rawsock_epoll_ctl__deps: ['$RAWSOCK_EPOLL'],
  rawsock_epoll_ctl: function(epfd, op, fd, ev) {
    RAWSOCK.get();
    var e = RAWSOCK.runtime.errno;
    if (!FS.getStream(epfd) || !FS.getStream(fd)) return e(-9 /* EBADF */);
    var ep = RAWSOCK_EPOLL.get(epfd);
    if (!ep || fd === epfd) return e(-22 /* EINVAL */);
    var target = FS.getStream(fd);
    // Linux: regular files and directories cannot be watched.
    // (NODERAWFS host files have no stream_ops at all.)
    if (!(target.stream_ops && target.stream_ops.poll) && !target.tty && !(target.node && target.node.rawsock)) return e(-1 /* EPERM */);
    var old = ep.interest.get(fd);
    // An item whose fd was closed (and the number reused) is gone, as on Linux.
    if (old && !RAWSOCK_EPOLL.current(old)) {
      RAWSOCK_EPOLL.forget(old);
      ep.interest.delete(fd);
      old = undefined;
    }
    var has = !!old;
    if (op === 2 /* DEL */) {
      if (!has) return e(-2 /* ENOENT */);
      RAWSOCK_EPOLL.forget(old);
      ep.interest.delete(fd);
      return 0;
    }
    if (op !== 1 && op !== 3) return e(-22);
    if (op === 1 && has) return e(-17 /* EEXIST */);
    if (op === 3 && !has) return e(-2);
    var dataAt = _rawsock_epoll_layout(1);
    if (RAWSOCK.fault(ev, dataAt + 8)) return e(-14 /* EFAULT */);
    RAWSOCK_EPOLL.forget(old);
    // Linux checks readiness when an item is added or modified: what is ready then is reported once, even with EPOLLET.
    var w = { ep: ep, fd: fd, stream: target, socket: null, events: HEAPU32[ev >> 2], lo: HEAPU32[(ev + dataAt) >> 2], hi: HEAPU32[(ev + dataAt + 4) >> 2], last: 0, armed: true, woken: true, queued: false, polled: false, counted: false, dead: false, hookMask: 0, seen: 0 };
    RAWSOCK_EPOLL.watch(w, fd);
    ep.interest.set(fd, w);
    RAWSOCK_EPOLL.queue(w);
    return 0;
  },

  rawsock_epoll_wait__proxy: 'sync',
  rawsock_epoll_wait__sig: 'iiiii',
  rawsock_epoll_wait__deps: ['$RAWSOCK_EPOLL'],
  rawsock_epoll_wait: function(epfd, out, max, timeout) {
    RAWSOCK.get();
    var e = RAWSOCK.runtime.errno;
    if (!FS.getStream(epfd)) return e(-9);
    var ep = RAWSOCK_EPOLL.get(epfd);
    if (!ep || max <= 0) return e(-22);
    var size = _rawsock_epoll_layout(0), dataAt = _rawsock_epoll_layout(1), n = 0;
    if (RAWSOCK.fault(out, max * size)) return e(-14 /* EFAULT */);
    // Only the ready list is visited: idle sockets cost nothing here.
    var list = ep.ready, kept = ep.spare, i = 0;
    ep.ready = kept;
    for (; i < list.length && n < max; i++) {
      var w = list[i];
      if (w.dead) continue;
      // A closed fd leaves every interest list (close(2) of the last reference).
      if (!RAWSOCK_EPOLL.current(w)) {
        RAWSOCK_EPOLL.forget(w);
        if (ep.interest.get(w.fd) === w) ep.interest.delete(w.fd);
        continue;
      }
      if (!w.armed) { w.queued = false; continue; }
      var mask = w.socket ? w.socket.pollMask() : RAWSOCK_EPOLL.mask(w.stream);
      var ready = mask & (w.events | 0x8 | 0x10) & 0xffff;
      // EPOLLET: report once per wakeup (sockets), or when a condition appears (other streams).
      var report = ready;
      if (w.events & 0x80000000) report = w.polled && !w.counted ? ready & ~w.last : (w.woken ? ready : 0);
      w.woken = false;
      w.last = ready;
      if (report) {
        var at = out + n * size;
        HEAPU32[at >> 2] = report;
        HEAPU32[(at + dataAt) >> 2] = w.lo;
        HEAPU32[(at + dataAt + 4) >> 2] = w.hi;
        if (w.events & 0x40000000 /* EPOLLONESHOT */) w.armed = false;
        n++;
      }
      // Stays in line: a polled stream always; a level-triggered socket
      // while still ready (Linux re-queues it after reporting, at the end).
      // Others come back through the change hook.
      if (w.armed && (w.polled || (ready && !(w.events & 0x80000000)))) kept.push(w);
      else w.queued = false;
    }
    if (i < list.length) {
      // maxevents reached: the items not looked at go first next time, the
      // reported ones after them (Linux's order, so none starves).
      ep.ready = list.slice(i).concat(kept);
      kept.length = 0;
      ep.spare = kept;
    } else {
      ep.spare = list;
    }
    list.length = 0;
    return n;
  }
});

// Pthread builds: the sockets, and the readiness changes that fire socket
// callbacks, live on the main JS thread; a callback set from a thread (main
// itself runs in one with -sPROXY_TO_PTHREAD) is set there and runs there.
// Emscripten's setters run in the calling thread, where no event ever comes.
(function() {
  var lib = LibraryManager.library;
  ['error', 'open', 'listen', 'connection', 'message', 'close'].forEach(function(event) {
    var name = 'emscripten_set_socket_' + event + '_callback';
    if (!lib[name]) return;
    lib[name + '__proxy'] = 'sync';
    lib[name + '__sig'] = 'vii';
  });
})();
