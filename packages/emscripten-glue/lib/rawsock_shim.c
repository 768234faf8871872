/*
 * rawsock's libc shim, linked by rawsock-emcc. Emscripten 3.1's libc answers
 * setsockopt, shutdown, socketpair, sendmmsg and recvmmsg with C stubs that fail, and
 * its ioctl aborts on FIONBIO; defining the libc functions here keeps those
 * archive members out of the link and routes sockets to rawsock's JS
 * library instead. Everything that is not a socket goes to the normal path.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <signal.h>
#include <sys/stat.h>
#include <string.h>
#include <stddef.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <wasi/api.h>
#include <emscripten.h>

/* em++ links this file as C++ (a CMake C++ target passing rawsock-emcc
 * --print-flags as linker flags): keep C names so libc's and the JS
 * library's symbols still match. */
#ifdef __cplusplus
extern "C" {
#endif

/* Implemented in library_rawsock.js; they return a result or -errno. */
extern int rawsock_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
extern int rawsock_socketpair(int domain, int type, int protocol, int fds[2]);
extern int rawsock_shutdown(int fd, int how);
extern int rawsock_is_socket(int fd);
extern int rawsock_ioctl(int fd, int request, void *arg);
extern int rawsock_dup(int fd);
extern int rawsock_close(int fd);
extern int rawsock_epoll_create(int flags);
extern int rawsock_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
extern int rawsock_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout);
/* Emscripten's syscall entry points (syscall_arch.h), for the non-socket path. */
long __syscall_ioctl(long fd, long request, ...);
long __syscall_dup(long fd);
long __syscall_fstat64(long fd, long buf);

/* Room for the text passed to the socket error callback (filled by the JS library). */
EMSCRIPTEN_KEEPALIVE char *rawsock_error_text(void) {
  static char text[128];
  return text;
}

/* struct timeval's layout in this libc (time_t is 32-bit in emcc 3.1, 64-bit later): size, then tv_usec's offset. */
EMSCRIPTEN_KEEPALIVE int rawsock_timeval_layout(int which) {
  return which == 0 ? (int)sizeof(struct timeval) : (int)offsetof(struct timeval, tv_usec);
}

/* struct epoll_event's layout here (packed only on x86_64): size, then data's offset. */
EMSCRIPTEN_KEEPALIVE int rawsock_epoll_layout(int which) {
  return which == 0 ? (int)sizeof(struct epoll_event) : (int)offsetof(struct epoll_event, data);
}

static int result(int r) {
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return r;
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len) {
  return result(rawsock_setsockopt(fd, level, name, value, len));
}

int shutdown(int fd, int how) {
  return result(rawsock_shutdown(fd, how));
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
  return result(rawsock_socketpair(domain, type, protocol, fds));
}

int ioctl(int fd, int request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  if ((request == FIONREAD || request == FIONBIO) && rawsock_is_socket(fd)) return result(rawsock_ioctl(fd, request, arg));
  return result((int)__syscall_ioctl(fd, request, arg));
}

int close(int fd) {
  if (rawsock_is_socket(fd)) return result(rawsock_close(fd));
  __wasi_errno_t e = __wasi_fd_close(fd);
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}

int dup(int fd) {
  if (rawsock_is_socket(fd)) return result(rawsock_dup(fd));
  return result((int)__syscall_dup(fd));
}

/* fstat on a socket: S_IFSOCK (Emscripten 3.1 stats sockets by a path that does not resolve). */
int fstat(int fd, struct stat *st) {
  if (rawsock_is_socket(fd)) {
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFSOCK | 0777;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
  }
  return result((int)__syscall_fstat64(fd, (long)st));
}

int sendmmsg(int fd, struct mmsghdr *msgs, unsigned int n, unsigned int flags) {
  unsigned int i;
  for (i = 0; i < n; i++) {
    ssize_t r = sendmsg(fd, &msgs[i].msg_hdr, (int)flags);
    if (r < 0) return i > 0 ? (int)i : -1;
    msgs[i].msg_len = (unsigned int)r;
  }
  return (int)i;
}

int recvmmsg(int fd, struct mmsghdr *msgs, unsigned int n, unsigned int flags, struct timespec *timeout) {
  (void)timeout; /* rawsock's sockets never block in this mode; a timeout changes nothing. */
  unsigned int i;
  for (i = 0; i < n; i++) {
    /* After the first datagram, take only what is already there (Linux MSG_WAITFORONE semantics without blocking). */
    ssize_t r = recvmsg(fd, &msgs[i].msg_hdr, (int)(i > 0 ? flags | MSG_DONTWAIT : flags));
    if (r < 0) return i > 0 ? (int)i : -1;
    msgs[i].msg_len = (unsigned int)r;
  }
  return (int)i;
}

/* epoll over rawsock's readiness (Emscripten 3.1 has none). All five are
 * defined so musl's epoll.c, which holds them together, is not linked. */
int epoll_create1(int flags) {
  return result(rawsock_epoll_create(flags));
}

int epoll_create(int size) {
  if (size <= 0) {
    errno = EINVAL;
    return -1;
  }
  return epoll_create1(0);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) {
  return result(rawsock_epoll_ctl(epfd, op, fd, ev));
}

int epoll_pwait(int epfd, struct epoll_event *events, int max, int timeout, const sigset_t *sigs) {
  (void)sigs;
  return result(rawsock_epoll_wait(epfd, events, max, timeout));
}

int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout) {
  return epoll_pwait(epfd, events, max, timeout, 0);
}

#ifdef __cplusplus
}
#endif
