/*
 * rs_test.h — shared helpers of rawsock's C conformance suite: TAP output,
 * errno names, argv, addresses, and small non-blocking socket helpers.
 * Every helper is `static inline` so a program may use any subset under
 * -Wall -Werror. Errno values are compared against the macros (EAGAIN...),
 * never numbers: Emscripten's numbering differs from Linux's.
 */
#ifndef RS_TEST_H
#define RS_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---- TAP ------------------------------------------------------------- */

static int rs_count, rs_failed;
/* What the program is waiting for; printed if the deadline passes. */
static const char *rs_stage = "start";

static inline const char *rs_errname(int e) {
  static const struct { int e; const char *name; } names[] = {
#define RS_E(x) { x, #x }
    RS_E(EAGAIN), RS_E(EWOULDBLOCK), RS_E(EINPROGRESS), RS_E(EALREADY), RS_E(EISCONN),
    RS_E(ENOTCONN), RS_E(ECONNREFUSED), RS_E(ECONNRESET), RS_E(ECONNABORTED), RS_E(EPIPE),
    RS_E(EADDRINUSE), RS_E(EADDRNOTAVAIL), RS_E(EAFNOSUPPORT), RS_E(EPROTONOSUPPORT),
    RS_E(EPROTOTYPE), RS_E(EOPNOTSUPP), RS_E(ENOTSUP), RS_E(ENOPROTOOPT), RS_E(ENOTSOCK),
    RS_E(EDESTADDRREQ), RS_E(EMSGSIZE), RS_E(ENETUNREACH), RS_E(EHOSTUNREACH),
    RS_E(ETIMEDOUT), RS_E(ENETDOWN), RS_E(ESHUTDOWN), RS_E(EBADF), RS_E(EINVAL), RS_E(EFAULT),
    RS_E(ENOENT), RS_E(EEXIST), RS_E(EPERM), RS_E(EACCES), RS_E(ENOMEM), RS_E(ENOBUFS),
    RS_E(EMFILE), RS_E(ENFILE), RS_E(ESPIPE), RS_E(ENOSYS), RS_E(EINTR), RS_E(EDOM),
    RS_E(ERANGE), RS_E(ENOTDIR), RS_E(EISDIR), RS_E(ENODEV), RS_E(ENOTTY), RS_E(ELOOP),
    RS_E(ENAMETOOLONG), RS_E(EROFS), RS_E(EIO),
#undef RS_E
  };
  static char other[4][32]; /* a few at once in one printf */
  static int next;
  if (e == 0) return "0";
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].e == e) return names[i].name;
  char *out = other[next++ % 4];
  snprintf(out, sizeof other[0], "errno %d", e);
  return out;
}

static inline void rs_vreport(int pass, const char *desc, const char *fmt, va_list ap) {
  rs_count++;
  if (pass) {
    printf("ok %d - %s\n", rs_count, desc);
  } else {
    rs_failed++;
    printf("not ok %d - %s", rs_count, desc);
    if (fmt && *fmt) {
      printf(": ");
      vprintf(fmt, ap);
    }
    printf("\n");
  }
  fflush(stdout);
}

/* ok/not ok; `fmt` (printf) is the detail printed only on failure. */
static inline int rs_check(int pass, const char *desc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rs_vreport(pass, desc, fmt, ap);
  va_end(ap);
  return pass;
}

static inline int rs_eq(long got, long want, const char *desc) {
  return rs_check(got == want, desc, "got %ld, want %ld", got, want);
}

/* An errno value (SO_ERROR, a callback's err): compared and printed by name. */
static inline int rs_eq_err(int got, int want, const char *desc) {
  return rs_check(got == want, desc, "got %s, want %s", rs_errname(got), rs_errname(want));
}

/* A call that must succeed (ret >= 0). */
static inline int rs_sys(long ret, const char *desc) {
  int e = errno;
  return rs_check(ret >= 0, desc, "returned %ld, errno %s", ret, rs_errname(e));
}

/* A call that must fail with `want`. */
static inline int rs_errno(long ret, int want, const char *desc) {
  int e = errno;
  return rs_check(ret == -1 && e == want, desc, "returned %ld, errno %s, want -1 %s", ret,
                  ret == -1 ? rs_errname(e) : "-", rs_errname(want));
}

static inline void rs_skip(const char *desc, const char *why) {
  printf("ok %d - %s # SKIP %s\n", ++rs_count, desc, why);
  fflush(stdout);
}

static inline void rs_diag(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("# ");
  vprintf(fmt, ap);
  printf("\n");
  fflush(stdout);
  va_end(ap);
}

/* Prints the summary line and returns the exit status. */
static inline int rs_summary(void) {
  printf("# passed %d failed %d\n", rs_count - rs_failed, rs_failed);
  fflush(stdout);
  return rs_failed ? 1 : 0;
}

/* ---- argv ------------------------------------------------------------ */

static inline const char *rs_arg(int argc, char **argv, const char *name) {
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  return NULL;
}

/* A required argument; a missing one ends the program ("Bail out!"). */
static inline const char *rs_need(int argc, char **argv, const char *name) {
  const char *v = rs_arg(argc, argv, name);
  if (!v) {
    printf("Bail out! missing argument %s\n", name);
    fflush(stdout);
    exit(2);
  }
  return v;
}

static inline int rs_port(int argc, char **argv, const char *name) {
  return atoi(rs_need(argc, argv, name));
}

/* ---- time, addresses ------------------------------------------------- */

static inline long long rs_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline struct sockaddr_in rs_v4(const char *ip, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

static inline struct sockaddr_in6 rs_v6(const char *ip, int port) {
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons((unsigned short)port);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return a;
}

static inline struct sockaddr_un rs_un(const char *dir, const char *name) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof a.sun_path, "%s/%s", dir, name);
  return a;
}

#define RS_SA(a) ((struct sockaddr *)&(a))

/* Port of getsockname (v4 or v6), -1 on error. */
static inline int rs_local_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -1;
  if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  return -1;
}

/* "127.0.0.1:80" / "[::1]:80" / unix path of an address, for diagnostics. */
static inline const char *rs_addrstr(const void *sa) {
  static char out[160];
  char ip[INET6_ADDRSTRLEN] = "?";
  const struct sockaddr *s = sa;
  if (s->sa_family == AF_INET) {
    const struct sockaddr_in *a = sa;
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    snprintf(out, sizeof out, "%s:%d", ip, ntohs(a->sin_port));
  } else if (s->sa_family == AF_INET6) {
    const struct sockaddr_in6 *a = sa;
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    snprintf(out, sizeof out, "[%s]:%d", ip, ntohs(a->sin6_port));
  } else if (s->sa_family == AF_UNIX) {
    snprintf(out, sizeof out, "unix:%s", ((const struct sockaddr_un *)sa)->sun_path);
  } else {
    snprintf(out, sizeof out, "family %d", s->sa_family);
  }
  return out;
}

/* ---- sockets ----------------------------------------------------------- */

/* revents of fd for `events`, without waiting. */
static inline short rs_poll1(int fd, short events) {
  struct pollfd p = { fd, events, 0 };
  return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static inline int rs_getint(int fd, int level, int opt) {
  int v = -12345;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, opt, &v, &len) < 0) return -12345;
  return v;
}

static inline int rs_setint(int fd, int level, int opt, int v) {
  return setsockopt(fd, level, opt, &v, sizeof v);
}

/* Non-blocking TCP listener on 127.0.0.1:0 (or [::1]:0); *port gets its port. */
static inline int rs_listen_tcp(int family, int *port) {
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a4 = rs_v4("127.0.0.1", 0);
  struct sockaddr_in6 a6 = rs_v6("::1", 0);
  int r = family == AF_INET ? bind(fd, RS_SA(a4), sizeof a4) : bind(fd, RS_SA(a6), sizeof a6);
  if (r < 0 || listen(fd, 16) < 0) {
    close(fd);
    return -1;
  }
  *port = rs_local_port(fd);
  return fd;
}

/* Non-blocking TCP socket connecting to 127.0.0.1:port (or [::1]); connect is started, not finished. */
static inline int rs_connect_tcp(int family, int port) {
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a4 = rs_v4("127.0.0.1", port);
  struct sockaddr_in6 a6 = rs_v6("::1", port);
  int r = family == AF_INET ? connect(fd, RS_SA(a4), sizeof a4) : connect(fd, RS_SA(a6), sizeof a6);
  if (r < 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

/*
 * An in-process TCP connection over loopback: rs_pair_start() makes a
 * listener and starts a client; call rs_pair_ready() from each step until it
 * returns 1 (client `c` connected, server side `s` accepted, both
 * non-blocking). The listener stays open in `l`.
 */
struct rs_pair { int l, c, s, port; };

static inline int rs_pair_start(struct rs_pair *p, int family) {
  p->s = -1;
  p->l = rs_listen_tcp(family, &p->port);
  p->c = p->l < 0 ? -1 : rs_connect_tcp(family, p->port);
  return p->c >= 0 ? 0 : -1;
}

static inline int rs_pair_ready(struct rs_pair *p) {
  if (p->s < 0) p->s = accept4(p->l, NULL, NULL, SOCK_NONBLOCK);
  return p->s >= 0 && (rs_poll1(p->c, POLLOUT) & POLLOUT);
}

/* Byte i of a test stream is (i % 251): a pattern that shows reordering and loss. */
static inline void rs_fill(unsigned char *buf, size_t len, size_t offset) {
  for (size_t i = 0; i < len; i++) buf[i] = (unsigned char)((offset + i) % 251);
}

/* Index of the first byte not following the pattern, or -1. */
static inline long rs_verify(const unsigned char *buf, size_t len, size_t offset) {
  for (size_t i = 0; i < len; i++)
    if (buf[i] != (unsigned char)((offset + i) % 251)) return (long)i;
  return -1;
}

#endif
