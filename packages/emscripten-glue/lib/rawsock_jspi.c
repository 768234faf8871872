/*
 * rawsock's suspend mode for JSPI builds (-sJSPI, emcc ≥ 4), linked by
 * rawsock-emcc into those builds only.
 *
 * Under JSPI only a WebAssembly.Suspending import can suspend, V8 refuses
 * any call of one outside main's promising stack (socket callbacks,
 * main-loop iterations), and suspends at every call. So the glue's socket
 * imports stay plain, and these definitions of the syscalls that can wait
 * (libc calls them; defining them here keeps the plain imports for the
 * JS library) call them through library_rawsock_jspi.js: when a call on a
 * blocking fd has to wait, and may (main's stack), the import answers
 * RAWSOCK_JSPI_WAITING; this code then suspends in the one suspending
 * import, rawsock_jspi_wait, until core's promise settles, and calls the
 * import again, which answers with the settled result (as Asyncify's
 * rewind does).
 */
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <wasi/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An answer no syscall gives: "suspend, then call me again". */
#define RAWSOCK_JSPI_WAITING (-0x7ffe)

/* library_rawsock_jspi.js */
extern int rawsock_jspi_wait(void);
extern void rawsock_jspi_resume(int wait);
extern int rawsock_jspi___syscall_connect(int fd, const struct sockaddr *addr, socklen_t len, int u1, int u2, int u3);
extern int rawsock_jspi___syscall_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags, int u1, int u2);
extern int rawsock_jspi___syscall_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen);
extern int rawsock_jspi___syscall_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen);
extern int rawsock_jspi___syscall_recvmsg(int fd, struct msghdr *msg, int flags, int u1, int u2, int u3);
extern int rawsock_jspi___syscall_sendmsg(int fd, const struct msghdr *msg, int flags, int u1, int u2, int u3);
extern int rawsock_jspi___syscall_poll(struct pollfd *fds, nfds_t nfds, int timeout);
extern int rawsock_jspi_fd_read(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t iovs_len, __wasi_size_t *nread);
extern int rawsock_jspi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len, __wasi_size_t *nwritten);
extern int rawsock_jspi_rawsock_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout);

#define RAWSOCK_JSPI_CALL(call)                       \
  do {                                                \
    int r_ = (call);                                  \
    if (r_ == RAWSOCK_JSPI_WAITING) {                 \
      rawsock_jspi_resume(rawsock_jspi_wait());       \
      r_ = (call);                                    \
    }                                                 \
    return r_;                                        \
  } while (0)

int __syscall_connect(int fd, const struct sockaddr *addr, socklen_t len, int u1, int u2, int u3) {
  RAWSOCK_JSPI_CALL(rawsock_jspi___syscall_connect(fd, addr, len, u1, u2, u3));
}
int __syscall_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags, int u1, int u2) {
  RAWSOCK_JSPI_CALL(rawsock_jspi___syscall_accept4(fd, addr, len, flags, u1, u2));
}
int __syscall_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen) {
  RAWSOCK_JSPI_CALL(rawsock_jspi___syscall_recvfrom(fd, buf, len, flags, addr, alen));
}
int __syscall_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen) {
  RAWSOCK_JSPI_CALL(rawsock_jspi___syscall_sendto(fd, buf, len, flags, addr, alen));
}
int __syscall_recvmsg(int fd, struct msghdr *msg, int flags, int u1, int u2, int u3) {
  RAWSOCK_JSPI_CALL(rawsock_jspi___syscall_recvmsg(fd, msg, flags, u1, u2, u3));
}
int __syscall_sendmsg(int fd, const struct msghdr *msg, int flags, int u1, int u2, int u3) {
  RAWSOCK_JSPI_CALL(rawsock_jspi___syscall_sendmsg(fd, msg, flags, u1, u2, u3));
}
int __syscall_poll(struct pollfd *fds, nfds_t nfds, int timeout) {
  RAWSOCK_JSPI_CALL(rawsock_jspi___syscall_poll(fds, nfds, timeout));
}
/* WASI's read and write (read, readv, write, writev on any fd). */
__wasi_errno_t __wasi_fd_read(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t iovs_len, __wasi_size_t *nread) {
  RAWSOCK_JSPI_CALL(rawsock_jspi_fd_read(fd, iovs, iovs_len, nread));
}
__wasi_errno_t __wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len, __wasi_size_t *nwritten) {
  RAWSOCK_JSPI_CALL(rawsock_jspi_fd_write(fd, iovs, iovs_len, nwritten));
}
/* rawsock_shim.c's epoll_wait calls this. */
int rawsock_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout) {
  RAWSOCK_JSPI_CALL(rawsock_jspi_rawsock_epoll_wait(epfd, events, max, timeout));
}

#ifdef __cplusplus
}
#endif
