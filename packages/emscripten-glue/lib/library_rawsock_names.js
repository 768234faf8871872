/**
 * @license MIT
 * rawsock's netdb glue: getaddrinfo & co. (rawsock_names.c) ask the core's
 * NameResolver (RAWSOCK.get().netdb) and this file copies the answers into
 * wasm memory. No name policy here: see @rawsock/core's names/.
 */
// Like the socket syscalls, these run on the main thread in pthread builds
// (__proxy): the runtime, its names and the lookups settled for a waiting
// thread are there.
mergeInto(LibraryManager.library, {
  $RAWSOCK_NAMES__deps: ['$RAWSOCK'],
  $RAWSOCK_NAMES: {
    // A C string (null for NULL). slice(): TextDecoder refuses shared memory.
    str: function(ptr) {
      if (!ptr) return null;
      var end = ptr;
      while (HEAPU8[end]) end++;
      return new TextDecoder().decode(HEAPU8.slice(ptr, end));
    },
    // Writes `text` NUL-terminated into [ptr, ptr+cap); false if it had to be cut.
    put: function(text, ptr, cap) {
      if (cap <= 0) return false;
      var b = new TextEncoder().encode(text), n = Math.min(b.length, cap - 1);
      HEAPU8.set(b.subarray(0, n), ptr);
      HEAPU8[ptr + n] = 0;
      return b.length < cap;
    },
    // A NUL-separated list ending with an empty string; entries that do not fit are left out.
    putList: function(list, ptr, cap) {
      var at = ptr, end = ptr + cap - 1;
      list.forEach(function(s) {
        var b = new TextEncoder().encode(s);
        if (at + b.length + 1 > end) return;
        HEAPU8.set(b, at);
        HEAPU8[at + b.length] = 0;
        at += b.length + 1;
      });
      HEAPU8[at] = 0;
    },
    // Lookups settled while an Asyncify/JSPI build waited in C (rawsock_names_wait), by name; used once.
    settled: {},
    take: function(name) {
      var s = name !== null && Object.prototype.hasOwnProperty.call(RAWSOCK_NAMES.settled, name) ? RAWSOCK_NAMES.settled[name] : undefined;
      if (s) delete RAWSOCK_NAMES.settled[name];
      return s;
    },
    // Called from rawsock_names.c's EM_ASYNC_JS: looks the name up while the program is suspended.
    wait: function(node) {
      var name = RAWSOCK_NAMES.str(node);
#if ASYNCIFY == 2
      // JSPI: main's stack is suspended meanwhile (library_rawsock_jspi.js counts it).
      RAWSOCK_JSPI.running--;
      return RAWSOCK.get().netdb.settle(name).then(function(s) { RAWSOCK_NAMES.settled[name] = s; }).finally(function() { RAWSOCK_JSPI.running++; });
#else
      return RAWSOCK.get().netdb.settle(name).then(function(s) { RAWSOCK_NAMES.settled[name] = s; });
#endif
    },
    hostent: function(h, addrs, max, name, namelen, aliases, aliaseslen) {
      if (h.hErrno) return -h.hErrno;
      RAWSOCK_NAMES.put(h.name, name, namelen);
      RAWSOCK_NAMES.putList(h.aliases, aliases, aliaseslen);
      var n = addrs ? Math.min(h.addrs.length, max) : 0;
      for (var i = 0; i < n; i++) HEAPU8.set(h.addrs[i], addrs + i * 16);
      return n;
    }
  },

  // struct rawsock_ai { int family, socktype, protocol, port; uint32_t scope; unsigned char addr[16]; } (36 bytes).
  rawsock_gai__proxy: 'sync',
  rawsock_gai__sig: 'iiiiiiiiiii',
  rawsock_gai__deps: ['$RAWSOCK_NAMES'],
  rawsock_gai: function(node, service, flags, family, socktype, protocol, out, max, canon, canonlen) {
    var host = RAWSOCK_NAMES.str(node);
    var a = RAWSOCK.get().netdb.getaddrinfo(host, RAWSOCK_NAMES.str(service), flags, family, socktype, protocol, RAWSOCK_NAMES.take(host));
    if (a.error) return a.error;
    var n = Math.min(a.records.length, max);
    for (var i = 0; i < n; i++) {
      var r = a.records[i], at = out + i * 36;
      HEAP32[at >> 2] = r.family;
      HEAP32[(at + 4) >> 2] = r.socktype;
      HEAP32[(at + 8) >> 2] = r.protocol;
      HEAP32[(at + 12) >> 2] = r.port;
      HEAPU32[(at + 16) >> 2] = r.scopeId;
      HEAPU8.fill(0, at + 20, at + 36);
      HEAPU8.set(r.addr, at + 20);
    }
    RAWSOCK_NAMES.put(a.canonname !== undefined ? a.canonname : '', canon, canonlen);
    return n;
  },

  rawsock_gni__proxy: 'sync',
  rawsock_gni__sig: 'iiiiiiiiii',
  rawsock_gni__deps: ['$RAWSOCK_NAMES'],
  rawsock_gni: function(family, addr, port, scope, flags, host, hostlen, serv, servlen) {
    var bytes = HEAPU8.slice(addr, addr + (family === 2 /* AF_INET */ ? 4 : 16));
    var a = RAWSOCK.get().netdb.getnameinfo(family, bytes, port, scope >>> 0, flags);
    if (a.error) return a.error;
    var fits = true;
    if (host && hostlen > 0) fits = RAWSOCK_NAMES.put(a.host, host, hostlen) && fits;
    if (serv && servlen > 0) fits = RAWSOCK_NAMES.put(a.service, serv, servlen) && fits;
    return fits ? 0 : -12 /* EAI_OVERFLOW */;
  },

  // Asyncify/JSPI builds can wait for DNS: 1 if `node` needs a lookup the
  // program should wait for (rawsock_names.c then suspends in
  // rawsock_names_wait) — never when a synchronous lookup is installed
  // (worker bridge) or in builds that cannot suspend (placeholders there).
  rawsock_names_should_wait__proxy: 'sync',
  rawsock_names_should_wait__sig: 'iiii',
  rawsock_names_should_wait__deps: ['$RAWSOCK_NAMES'],
  // JSPI builds (ASYNCIFY == 2) wait only in suspend mode and on main's
  // stack (a suspension anywhere else traps); elsewhere they get placeholders.
  // -sPROXY_TO_PTHREAD builds wait in the calling thread (2: rawsock_names.c
  // then waits in rawsock_names_thread_wait, library_rawsock_threads.js).
  rawsock_names_should_wait: function(node, flags, family) {
#if ASYNCIFY == 1
    var rt = RAWSOCK.get();
    if (rt.names.blocking) return 0;
    return rt.netdb.needsLookup(RAWSOCK_NAMES.str(node), flags, family) === undefined ? 0 : 1;
#elif ASYNCIFY == 2
    var rt = RAWSOCK.get();
    if (rt.names.blocking || rt.mode !== 'suspend' || !RAWSOCK_JSPI.canSuspend()) return 0;
    return rt.netdb.needsLookup(RAWSOCK_NAMES.str(node), flags, family) === undefined ? 0 : 1;
#elif PROXY_TO_PTHREAD
    var rt = RAWSOCK.get();
    if (rt.names.blocking || rt.mode !== 'thread') return 0;
    return rt.netdb.needsLookup(RAWSOCK_NAMES.str(node), flags, family) === undefined ? 0 : 2;
#else
    return 0;
#endif
  },
  // Other builds never wait in a thread (library_rawsock_threads.js defines the real one).
  rawsock_names_thread_wait: function(node) {},

  // Returns the number of addresses (each in a 16-byte slot) or -h_errno.
  rawsock_ghbn__proxy: 'sync',
  rawsock_ghbn__sig: 'iiiiiiiii',
  rawsock_ghbn__deps: ['$RAWSOCK_NAMES'],
  rawsock_ghbn: function(name, family, addrs, max, namebuf, namelen, aliases, aliaseslen) {
    var host = RAWSOCK_NAMES.str(name) || '';
    var h = RAWSOCK.get().netdb.gethostbyname(host, family, RAWSOCK_NAMES.take(host));
    return RAWSOCK_NAMES.hostent(h, addrs, max, namebuf, namelen, aliases, aliaseslen);
  },

  rawsock_ghba__proxy: 'sync',
  rawsock_ghba__sig: 'iiiiiii',
  rawsock_ghba__deps: ['$RAWSOCK_NAMES'],
  rawsock_ghba: function(addr, family, namebuf, namelen, aliases, aliaseslen) {
    var bytes = HEAPU8.slice(addr, addr + (family === 2 ? 4 : 16));
    var h = RAWSOCK.get().netdb.gethostbyaddr(family, bytes);
    var r = RAWSOCK_NAMES.hostent(h, 0, 0, namebuf, namelen, aliases, aliaseslen);
    return r < 0 ? r : 0;
  }
});
