/*
 * fd-level calls on sockets, as TAP lines (Linux is the reference):
 * readv/writev, fcntl O_NONBLOCK/FD_CLOEXEC/F_DUPFD, dup2/dup3, and select() — both
 * right away and as connections arrive, in a step function driven by a
 * poll(0)-style loop (emscripten_set_main_loop under Emscripten).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
#include "rs_test.h"

/* "what: -1/EBADF" — the name, not the number, which differs between libcs. */
#define errno_is(r, e, what) errno_check((r), (e), #e, (what))
static void errno_check(int r, int e, const char *name, const char *what) {
  char line[160];
  snprintf(line, sizeof line, "%s: -1/%s", what, name);
  check(r == -1 && errno == e, line);
}

static struct sockaddr_in lo(int port) {
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  return a;
}
static int port_of(int fd) {
  struct sockaddr_in a; socklen_t l = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &l) != 0) return -1;
  return ntohs(a.sin_port);
}
/* select() with a zero timeout on one fd: bit 1 readable, 2 writable, or -errno. */
static int select_one(int fd) {
  fd_set r, w; FD_ZERO(&r); FD_ZERO(&w); FD_SET(fd, &r); FD_SET(fd, &w);
  struct timeval tv = { 0, 0 };
  int n = select(fd + 1, &r, &w, NULL, &tv);
  if (n < 0) return -errno;
  return (FD_ISSET(fd, &r) ? 1 : 0) | (FD_ISSET(fd, &w) ? 2 : 0);
}

static int listener = -1, high = -1, client = -1, refused = -1, phase;
static struct timeval t0;

/* Phase 1: the listener (also seen through its dup at fd 100) turns readable when the client's connection is queued. */
static void await_connection(void) {
  if (!(select_one(high) & 1)) return;
  check(select_one(listener) == 1, "select: listening socket readable, not writable, once a connection is pending");
  fd_set r; FD_ZERO(&r); FD_SET(high, &r); FD_SET(0, &r);
  struct timeval tv = { 0, 0 };
  int n = select(high + 1, &r, NULL, NULL, &tv);
  check(n >= 1 && FD_ISSET(high, &r), "select: fd 100 (a dup2 of the listener) beside stdin");
  int a = accept(high, NULL, NULL);
  check(a >= 0, "accept through the dup2'd fd");
  check(select_one(a) == 2, "select: accepted socket writable, nothing to read");
  close(a); close(client); close(high);
  /* A refused connect: readable and writable for select (POLLERR|POLLHUP), SO_ERROR says why. */
  struct sockaddr_in gone = lo(port_of(listener));
  close(listener);
  refused = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(refused, (struct sockaddr *)&gone, sizeof gone);
  phase = 2;
}

static void await_refusal(void) {
  int s = select_one(refused);
  if (s < 0 || !(s & 1)) return;
  check(s == 3, "select: refused connect is readable and writable");
  int e = 0; socklen_t l = sizeof e;
  check(getsockopt(refused, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == ECONNREFUSED, "SO_ERROR is ECONNREFUSED");
  close(refused);
  finish();
}

static void step(void) {
  if (phase == 1) await_connection();
  else if (phase == 2) await_refusal();
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 10) { check(0, "events arrived within 10 s"); finish(); }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  gettimeofday(&t0, NULL);

  /* fcntl: O_NONBLOCK and FD_CLOEXEC live with the socket. */
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int fl = fcntl(s, F_GETFL);
  check(fl >= 0 && (fl & O_ACCMODE) == O_RDWR && !(fl & O_NONBLOCK), "F_GETFL: O_RDWR, blocking");
  check(fcntl(s, F_SETFL, fl | O_NONBLOCK) == 0 && (fcntl(s, F_GETFL) & O_NONBLOCK), "F_SETFL O_NONBLOCK reads back");
  check(fcntl(s, F_SETFL, fl & ~O_NONBLOCK) == 0 && !(fcntl(s, F_GETFL) & O_NONBLOCK), "F_SETFL clears O_NONBLOCK");
  int on = 1;
  check(ioctl(s, FIONBIO, &on) == 0 && (fcntl(s, F_GETFL) & O_NONBLOCK), "FIONBIO shows in F_GETFL");
  check(fcntl(s, F_GETFD) == 0, "F_GETFD: no FD_CLOEXEC");
  check(fcntl(s, F_SETFD, FD_CLOEXEC) == 0 && fcntl(s, F_GETFD) == FD_CLOEXEC, "F_SETFD FD_CLOEXEC reads back");
  int c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  check(fcntl(c, F_GETFD) == FD_CLOEXEC && (fcntl(c, F_GETFL) & O_NONBLOCK), "SOCK_CLOEXEC|SOCK_NONBLOCK show in fcntl");
  close(c);

  /* readv/writev on a stream socket: one receive, one send. */
  int sv[2];
  check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0, "socketpair");
  struct iovec w[3] = { { "12", 2 }, { "345", 3 }, { "6", 1 } };
  check(writev(sv[0], w, 3) == 6, "writev of three iovecs sends 6 bytes");
  char r1[4] = {0}, r2[8] = {0};
  struct iovec rv[2] = { { r1, 4 }, { r2, 8 } };
  check(readv(sv[1], rv, 2) == 6 && memcmp(r1, "1234", 4) == 0 && memcmp(r2, "56", 2) == 0, "readv scatters the 6 bytes over two iovecs");
  check(write(sv[0], "abcd", 4) == 4, "write 4 bytes");
  struct iovec r3[2] = { { r1, 4 }, { r2, 8 } };
  check(readv(sv[1], r3, 2) == 4 && memcmp(r1, "abcd", 4) == 0, "readv with more room than data returns what is there (no EAGAIN)");
  errno_is(readv(sv[1], r3, 2), EAGAIN, "readv with nothing to read");
  close(sv[0]); close(sv[1]);

  /* F_DUPFD / dup2 / dup3: more fds for the same socket. */
  struct sockaddr_in a = lo(0);
  check(bind(s, (struct sockaddr *)&a, sizeof a) == 0, "bind 127.0.0.1:0");
  int port = port_of(s);
  int d = fcntl(s, F_DUPFD, 40);
  check(d >= 40 && port_of(d) == port, "F_DUPFD gives an fd >= 40 for the same socket");
  check(fcntl(d, F_GETFD) == 0 && (fcntl(d, F_GETFL) & O_NONBLOCK), "the dup has no FD_CLOEXEC and shares O_NONBLOCK");
  int dc = fcntl(s, F_DUPFD_CLOEXEC, 40);
  check(dc > d && fcntl(dc, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC: next free fd, FD_CLOEXEC set");
  struct stat st;
  check(fstat(dc, &st) == 0 && S_ISSOCK(st.st_mode), "fstat on the dup: S_ISSOCK");
  close(d); close(dc);
  int p[2];
  check(pipe(p) == 0, "pipe");
  check(dup2(s, p[0]) == p[0] && port_of(p[0]) == port, "dup2 onto an open pipe fd replaces it with the socket");
  check(fstat(p[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat: that fd is a socket now");
  close(p[1]);
  errno_is(dup3(s, s, 0), EINVAL, "dup3 onto itself");
  errno_is(dup3(s, 60, 12345), EINVAL, "dup3 with unknown flags");
  check(dup3(s, 60, O_CLOEXEC) == 60 && fcntl(60, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC");
  check(dup2(s, s) == s, "dup2 onto itself is a no-op");
  close(60); close(p[0]);
  errno_is(fcntl(60, F_GETFL), EBADF, "fcntl on a closed dup");
  check(listen(s, 4) == 0, "listen");

  /* A socket at fd 100, past the 64 fds Emscripten 3.1's select looked at. */
  listener = s;
  high = dup2(s, 100);
  check(high == 100, "dup2 to fd 100");
  check(select_one(high) == 0, "select: idle listener at fd 100 is neither readable nor writable");
  fd_set r; FD_ZERO(&r); FD_SET(99, &r);
  struct timeval tv = { 0, 0 };
  errno_is(select(100, &r, NULL, NULL, &tv), EBADF, "select on a closed fd");
  client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in to = lo(port);
  int cr = connect(client, (struct sockaddr *)&to, sizeof to);
  check(cr == 0 || errno == EINPROGRESS, "connect to the listener");
  phase = 1;
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
}
