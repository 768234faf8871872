/*
 * rs_loop.h — the event loop of rawsock's C conformance suite.
 *
 * rs_run(step, deadline_ms) calls step() repeatedly and never returns:
 *   - under Emscripten through emscripten_set_main_loop(..., 0, 1), so the
 *     JS event loop runs between steps (that is when socket events arrive);
 *   - natively as `while (1) { step(); usleep(1000); }`.
 * step() must not block: poll/select with timeout 0, then return.
 * rs_exit() ends the program: summary line, exit status 0 iff nothing
 * failed. After deadline_ms the program prints a failure naming rs_stage
 * and exits 1. Under Emscripten the program must be linked with
 * -sEXIT_RUNTIME=1 (rs_exit uses emscripten_force_exit).
 *
 * Emscripten's socket callbacks (emscripten_set_socket_*_callback) are
 * emulated natively with the same names and signatures, so a program
 * driven by them is the same source on both. The emulation follows
 * rawsock's library_rawsock.js: every socket made by socket(), accept(),
 * accept4() or socketpair() is watched (natively through the thin
 * wrappers at the top of this file, which is why programs include rs_loop.h
 * and not rs_test.h); each loop iteration polls them and calls, per fd, in
 * this order:
 *   connection  listening socket became readable (rising edge);
 *   open        a socket made by socket() became connected (once; never
 *               for accepted sockets or socketpair ends);
 *   message     readable with bytes queued (level: every iteration);
 *   error       POLLERR rose with a pending error: the error is passed to
 *               the handler (natively read, and so cleared, via SO_ERROR);
 *   close       POLLHUP or POLLRDHUP rose (peer closed or shut down writing).
 */
#ifndef RS_LOOP_H
#define RS_LOOP_H

#if defined(RS_TEST_H) && !defined(__EMSCRIPTEN__)
#error "include rs_loop.h instead of rs_test.h: it must wrap socket() first"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#define RS__MAXFD 1024
/* Watched sockets: the inode tells a reused fd number from the original. */
static struct { ino_t ino; int watched, opened; short last; } rs__fds[RS__MAXFD];

static inline void rs__watch(int fd, int opened) {
  struct stat st;
  if (fd < 0 || fd >= RS__MAXFD || fstat(fd, &st) < 0) return;
  rs__fds[fd].ino = st.st_ino;
  rs__fds[fd].watched = 1;
  rs__fds[fd].opened = opened;
  rs__fds[fd].last = 0;
}

/* The wrappers that watch new sockets, as library_rawsock.js tracks them. */
static inline int rs__socket(int domain, int type, int protocol) {
  int fd = socket(domain, type, protocol);
  rs__watch(fd, 0);
  return fd;
}
static inline int rs__accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  int r = accept4(fd, addr, len, flags);
  rs__watch(r, 1);
  return r;
}
static inline int rs__accept(int fd, struct sockaddr *addr, socklen_t *len) {
  return rs__accept4(fd, addr, len, 0);
}
static inline int rs__socketpair(int domain, int type, int protocol, int sv[2]) {
  int r = socketpair(domain, type, protocol, sv);
  if (r == 0) rs__watch(sv[0], 1), rs__watch(sv[1], 1);
  return r;
}
#define socket(d, t, p) rs__socket(d, t, p)
#define accept(f, a, l) rs__accept(f, a, l)
#define accept4(f, a, l, x) rs__accept4(f, a, l, x)
#define socketpair(d, t, p, v) rs__socketpair(d, t, p, v)

/* A write to a closed peer reports EPIPE instead of killing the program. */
__attribute__((constructor)) static void rs__ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }
#endif

#include "rs_test.h"

typedef void (*rs_step_fn)(void);
static rs_step_fn rs__step;
static long long rs__deadline;

static inline void rs_exit(void) {
  int code = rs_summary();
#ifdef __EMSCRIPTEN__
  emscripten_cancel_main_loop();
  emscripten_force_exit(code);
#endif
  exit(code);
}

static inline void rs__check_deadline(void) {
  if (rs_now_ms() < rs__deadline) return;
  rs_check(0, "deadline", "still waiting for: %s", rs_stage);
  rs_exit();
}

#ifdef __EMSCRIPTEN__

static inline void rs__tick(void) {
  if (rs__step) rs__step();
  rs__check_deadline();
}

#else /* native */

typedef void (*em_socket_callback)(int fd, void *userData);
typedef void (*em_socket_error_callback)(int fd, int err, const char *msg, void *userData);

enum { RS__OPEN, RS__CONNECTION, RS__MESSAGE, RS__CLOSE, RS__NCB };
static struct {
  em_socket_callback cb[RS__NCB];
  void *ud[RS__NCB];
  em_socket_error_callback error;
  void *error_ud;
  int any;
} rs__cbs;

static inline void emscripten_set_socket_open_callback(void *ud, em_socket_callback cb) {
  rs__cbs.cb[RS__OPEN] = cb, rs__cbs.ud[RS__OPEN] = ud, rs__cbs.any = 1;
}
static inline void emscripten_set_socket_connection_callback(void *ud, em_socket_callback cb) {
  rs__cbs.cb[RS__CONNECTION] = cb, rs__cbs.ud[RS__CONNECTION] = ud, rs__cbs.any = 1;
}
static inline void emscripten_set_socket_message_callback(void *ud, em_socket_callback cb) {
  rs__cbs.cb[RS__MESSAGE] = cb, rs__cbs.ud[RS__MESSAGE] = ud, rs__cbs.any = 1;
}
static inline void emscripten_set_socket_close_callback(void *ud, em_socket_callback cb) {
  rs__cbs.cb[RS__CLOSE] = cb, rs__cbs.ud[RS__CLOSE] = ud, rs__cbs.any = 1;
}
static inline void emscripten_set_socket_error_callback(void *ud, em_socket_error_callback cb) {
  rs__cbs.error = cb, rs__cbs.error_ud = ud, rs__cbs.any = 1;
}

static inline void rs__emit(int which, int fd) {
  if (rs__cbs.cb[which]) rs__cbs.cb[which](fd, rs__cbs.ud[which]);
}

static inline void rs__socket_events(void) {
  for (int fd = 0; fd < RS__MAXFD; fd++) {
    struct stat st;
    if (!rs__fds[fd].watched) continue;
    if (fstat(fd, &st) < 0 || st.st_ino != rs__fds[fd].ino) { /* closed (maybe reused) */
      rs__fds[fd].watched = 0;
      continue;
    }
    struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
    short mask = poll(&p, 1, 0) == 1 ? p.revents : 0;
    short rising = mask & ~rs__fds[fd].last;
    rs__fds[fd].last = mask;
    if (rs_getint(fd, SOL_SOCKET, SO_ACCEPTCONN) == 1) {
      if (rising & POLLIN) {
        rs__emit(RS__CONNECTION, fd);
        /* The callback accepted what it could: a client arriving after that
           is a new rising edge, not the one just handled. */
        rs__fds[fd].last = poll(&p, 1, 0) == 1 ? p.revents : 0;
      }
      continue;
    }
    if (!rs__fds[fd].opened) {
      struct sockaddr_storage ss;
      socklen_t len = sizeof ss;
      if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
        rs__fds[fd].opened = 1;
        rs__emit(RS__OPEN, fd);
      }
    }
    int queued = 0;
    if ((mask & POLLIN) && ioctl(fd, FIONREAD, &queued) == 0 && queued > 0) rs__emit(RS__MESSAGE, fd);
    if (rising & POLLERR) {
      int err = rs_getint(fd, SOL_SOCKET, SO_ERROR);
      if (err > 0 && rs__cbs.error) rs__cbs.error(fd, err, "socket error", rs__cbs.error_ud);
    }
    if (rising & (POLLHUP | POLLRDHUP)) rs__emit(RS__CLOSE, fd);
  }
}

#endif /* native */

/* Runs step() (may be NULL: a program driven by socket callbacks) until rs_exit(). */
static inline void rs_run(rs_step_fn step, int deadline_ms) {
  rs__step = step;
  rs__deadline = rs_now_ms() + deadline_ms;
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(rs__tick, 0, 1);
#else
  for (;;) {
    if (rs__cbs.any) rs__socket_events();
    if (rs__step) rs__step();
    rs__check_deadline();
    usleep(1000);
  }
#endif
}

#endif
