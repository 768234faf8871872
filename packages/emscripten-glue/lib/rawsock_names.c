/*
 * rawsock's netdb functions, linked by rawsock-emcc with rawsock_shim.c.
 * Emscripten's own (library.js / libcore.js in JS, musl's gethostbyname*
 * over _emscripten_lookup_name in 4.x+) invent 172.29.x.y addresses for
 * every name and return one result; these return what the system would:
 * the answers come from @rawsock/core's NameResolver through the JS
 * functions in library_rawsock_names.js, and this file builds the structs.
 * Defining the libc names here keeps both Emscripten versions' own
 * implementations out of the link (JS library functions and archive
 * members are only used for symbols nothing else defines).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <emscripten.h>

/* --print-flags puts this file into C++ links too (em++ compiles it as C++): C names either way. */
#ifdef __cplusplus
extern "C" {
#endif

/* One result as library_rawsock_names.js writes it. */
struct rawsock_ai {
  int family, socktype, protocol, port;
  uint32_t scope;
  unsigned char addr[16];
};

/* Implemented in library_rawsock_names.js. */
extern int rawsock_gai(const char *node, const char *service, int flags, int family, int socktype, int protocol,
                       struct rawsock_ai *out, int max, char *canon, int canonlen);
extern int rawsock_gni(int family, const unsigned char *addr, int port, uint32_t scope, int flags, char *host, int hostlen,
                       char *serv, int servlen);
extern int rawsock_ghbn(const char *name, int family, unsigned char *addrs, int max, char *namebuf, int namelen,
                        char *aliases, int aliaseslen);
extern int rawsock_ghba(const unsigned char *addr, int family, char *namebuf, int namelen, char *aliases, int aliaseslen);

extern int rawsock_names_should_wait(const char *node, int flags, int family);

/* Asyncify/JSPI builds: suspend until the name's lookup settles, so the
 * answer is real (never a placeholder). Only called when
 * rawsock_names_should_wait says so, which it never does in other builds. */
EM_ASYNC_JS(void, rawsock_names_wait, (const char *node), {
  await RAWSOCK_NAMES.wait(node);
});

/* -sPROXY_TO_PTHREAD builds: the calling thread sleeps until the lookup
 * settles on the main thread (library_rawsock_threads.js); a no-op elsewhere. */
extern void rawsock_names_thread_wait(const char *node);

static void wait_for_name(const char *node, int flags, int family) {
  int how = node ? rawsock_names_should_wait(node, flags, family) : 0;
  if (how == 1) rawsock_names_wait(node);
  else if (how == 2) rawsock_names_thread_wait(node);
}

/* At most this many addrinfo results (glibc has no fixed limit; /etc/hosts lines rarely come close). */
#define RS_MAX_RESULTS 64
#define RS_MAX_ADDRS 16

struct rs_ainode {
  struct addrinfo ai;
  union {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
  } sa;
};

void freeaddrinfo(struct addrinfo *p) {
  while (p) {
    struct addrinfo *next = p->ai_next;
    free(p->ai_canonname);
    free(p);
    p = next;
  }
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
  struct rawsock_ai recs[RS_MAX_RESULTS]; /* 2.3 KiB of stack; no static state, for pthreads */
  char canon[256];
  int flags = 0, family = AF_UNSPEC, socktype = 0, protocol = 0;
  if (hints) {
    flags = hints->ai_flags;
    family = hints->ai_family;
    socktype = hints->ai_socktype;
    protocol = hints->ai_protocol;
  }
  canon[0] = 0;
  wait_for_name(node, flags, family);
  int n = rawsock_gai(node, service, flags, family, socktype, protocol, recs, RS_MAX_RESULTS, canon, sizeof canon);
  if (n < 0) return n;
  struct addrinfo *head = 0, **tail = &head;
  for (int i = 0; i < n; i++) {
    struct rs_ainode *p = (struct rs_ainode *)calloc(1, sizeof *p);
    if (!p) {
      freeaddrinfo(head);
      return EAI_MEMORY;
    }
    p->ai.ai_family = recs[i].family;
    p->ai.ai_socktype = recs[i].socktype;
    p->ai.ai_protocol = recs[i].protocol;
    p->ai.ai_addr = (struct sockaddr *)&p->sa;
    if (recs[i].family == AF_INET) {
      p->ai.ai_addrlen = sizeof p->sa.v4;
      p->sa.v4.sin_family = AF_INET;
      p->sa.v4.sin_port = htons((uint16_t)recs[i].port);
      memcpy(&p->sa.v4.sin_addr, recs[i].addr, 4);
    } else {
      p->ai.ai_addrlen = sizeof p->sa.v6;
      p->sa.v6.sin6_family = AF_INET6;
      p->sa.v6.sin6_port = htons((uint16_t)recs[i].port);
      p->sa.v6.sin6_scope_id = recs[i].scope;
      memcpy(&p->sa.v6.sin6_addr, recs[i].addr, 16);
    }
    if (i == 0 && (flags & AI_CANONNAME)) {
      p->ai.ai_canonname = strdup(canon);
      if (!p->ai.ai_canonname) {
        free(p);
        freeaddrinfo(head);
        return EAI_MEMORY;
      }
    }
    *tail = &p->ai;
    tail = &p->ai.ai_next;
  }
  *res = head;
  return 0;
}

int getnameinfo(const struct sockaddr *__restrict sa, socklen_t sl, char *__restrict host, socklen_t hostlen, char *__restrict serv,
                socklen_t servlen, int flags) {
  if (!sa) return EAI_FAMILY;
  if (!(host && hostlen) && !(serv && servlen)) return EAI_NONAME;
  if (sa->sa_family == AF_INET && sl >= sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    return rawsock_gni(AF_INET, (const unsigned char *)&in->sin_addr, ntohs(in->sin_port), 0, flags, host, host ? (int)hostlen : 0, serv,
                       serv ? (int)servlen : 0);
  }
  if (sa->sa_family == AF_INET6 && sl >= sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    return rawsock_gni(AF_INET6, (const unsigned char *)&in6->sin6_addr, ntohs(in6->sin6_port), in6->sin6_scope_id, flags, host,
                       host ? (int)hostlen : 0, serv, serv ? (int)servlen : 0);
  }
  return EAI_FAMILY;
}

/* Lays a hostent out in `buf`: pointer arrays first (aligned), then addresses and strings. */
static int fill_hostent(struct hostent *h, char *buf, size_t buflen, int family, const char *name, const char *aliases,
                        const unsigned char *addrs, int n) {
  int len = family == AF_INET6 ? 16 : 4, nalias = 0;
  size_t names = strlen(name) + 1;
  for (const char *a = aliases; *a; a += strlen(a) + 1) {
    nalias++;
    names += strlen(a) + 1;
  }
  uintptr_t align = (uintptr_t)buf % sizeof(char *) ? sizeof(char *) - (uintptr_t)buf % sizeof(char *) : 0;
  size_t need = align + (nalias + 1 + n + 1) * sizeof(char *) + (size_t)n * len + names;
  if (need > buflen) return ERANGE;
  char **ptrs = (char **)(buf + align);
  char *data = (char *)(ptrs + nalias + 1 + n + 1);
  h->h_aliases = ptrs;
  h->h_addr_list = ptrs + nalias + 1;
  h->h_addrtype = family;
  h->h_length = len;
  for (int i = 0; i < n; i++) {
    memcpy(data, addrs + i * 16, len);
    h->h_addr_list[i] = data;
    data += len;
  }
  h->h_addr_list[n] = 0;
  h->h_name = data;
  strcpy(data, name);
  data += strlen(name) + 1;
  int i = 0;
  for (const char *a = aliases; *a; a += strlen(a) + 1) {
    h->h_aliases[i++] = data;
    strcpy(data, a);
    data += strlen(a) + 1;
  }
  h->h_aliases[i] = 0;
  return 0;
}

/* glibc's convention: 0 with *res NULL and *err set when the name is not found; ERANGE when buf is too small. */
static int answer(int r, struct hostent *h, char *buf, size_t buflen, int family, const char *name, const char *aliases,
                  const unsigned char *addrs, struct hostent **res, int *err) {
  *res = 0;
  if (r < 0) {
    *err = -r;
    return -r == TRY_AGAIN ? EAGAIN : 0;
  }
  int e = fill_hostent(h, buf, buflen, family, name, aliases, addrs, r);
  if (e) {
    *err = -1; /* NETDB_INTERNAL (glibc; musl has no name for it) */
    return e;
  }
  *err = 0;
  *res = h;
  return 0;
}

int gethostbyname2_r(const char *name, int af, struct hostent *h, char *buf, size_t buflen, struct hostent **res, int *err) {
  unsigned char addrs[RS_MAX_ADDRS * 16];
  char canon[256], aliases[1024];
  if (af != AF_INET && af != AF_INET6) {
    *res = 0;
    *err = NO_RECOVERY;
    return EAFNOSUPPORT;
  }
  wait_for_name(name, 0, af);
  int r = rawsock_ghbn(name, af, addrs, RS_MAX_ADDRS, canon, sizeof canon, aliases, sizeof aliases);
  return answer(r, h, buf, buflen, af, canon, aliases, addrs, res, err);
}

int gethostbyname_r(const char *name, struct hostent *h, char *buf, size_t buflen, struct hostent **res, int *err) {
  return gethostbyname2_r(name, AF_INET, h, buf, buflen, res, err);
}

int gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *h, char *buf, size_t buflen, struct hostent **res,
                    int *err) {
  char name[256], aliases[1024];
  unsigned char one[16];
  *res = 0;
  if (!((type == AF_INET && len == 4) || (type == AF_INET6 && len == 16))) {
    *err = NO_RECOVERY;
    return EINVAL;
  }
  memcpy(one, addr, len);
  int r = rawsock_ghba(one, type, name, sizeof name, aliases, sizeof aliases);
  return answer(r < 0 ? r : 1, h, buf, buflen, type, name, aliases, one, res, err);
}

static struct hostent rs_host;
static char rs_hostbuf[2048];

struct hostent *gethostbyname2(const char *name, int af) {
  struct hostent *res;
  int e = gethostbyname2_r(name, af, &rs_host, rs_hostbuf, sizeof rs_hostbuf, &res, &h_errno);
  if (e) errno = e;
  return res;
}

struct hostent *gethostbyname(const char *name) {
  return gethostbyname2(name, AF_INET);
}

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type) {
  struct hostent *res;
  int e = gethostbyaddr_r(addr, len, type, &rs_host, rs_hostbuf, sizeof rs_hostbuf, &res, &h_errno);
  if (e) errno = e;
  return res;
}

#ifdef __cplusplus
}
#endif
