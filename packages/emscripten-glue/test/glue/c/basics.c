/*
 * Socket basics that need no peer, as TAP lines: the same source runs
 * natively (Linux is the reference) and as wasm through rawsock, and the
 * two outputs must match. Event-driven: poll() with timeout 0 in a step
 * function, so it also runs where nothing may block.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "rs_test.h"

static const char *errname(int e) {
  switch (e) {
    case EAGAIN: return "EAGAIN"; case EINPROGRESS: return "EINPROGRESS"; case ECONNREFUSED: return "ECONNREFUSED";
    case ENOTCONN: return "ENOTCONN"; case EINVAL: return "EINVAL"; case EBADF: return "EBADF"; case ENOTSOCK: return "ENOTSOCK";
    case EADDRINUSE: return "EADDRINUSE"; case EOPNOTSUPP: return "EOPNOTSUPP"; case ENOPROTOOPT: return "ENOPROTOOPT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT"; case EPIPE: return "EPIPE"; case EISCONN: return "EISCONN"; case EALREADY: return "EALREADY";
    default: return "other";
  }
}
static void errno_is(int r, int e, const char *what) {
  char line[200];
  snprintf(line, sizeof line, "%s: -1/%s (got %d/%s)", what, errname(e), r, r < 0 ? errname(errno) : "-");
  check(r == -1 && errno == e, line);
}

static struct sockaddr_in lo(int port) {
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  return a;
}
static int port_of(int fd) {
  struct sockaddr_in a; socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return ntohs(a.sin_port);
}

static int refused_fd = -1, udp_fd = -1, refused_done, udp_done;
static struct sockaddr_in udp_addr;
static struct timeval t0;


/* A datagram to ourselves, read with two iovecs: it arrives when the loop turns. */
static void check_udp(void) {
  char p1[4], p2[3];
  struct iovec iov[2] = { { p1, 4 }, { p2, 3 } };
  struct sockaddr_in from;
  struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = iov, .msg_iovlen = 2 };
  ssize_t got = recvmsg(udp_fd, &m, MSG_DONTWAIT);
  if (got < 0) return;
  check(got == 7, "recvmsg fills two iovecs (7 of 9 bytes)");
  check(m.msg_flags & MSG_TRUNC, "msg_flags has MSG_TRUNC");
  check(memcmp(p1, "data", 4) == 0 && memcmp(p2, "gra", 3) == 0, "scatter order kept");
  check(m.msg_namelen == sizeof(struct sockaddr_in) && from.sin_port == udp_addr.sin_port, "sender address reported");
  close(udp_fd);
  udp_done = 1;
}

/* The refused connect reports through poll and SO_ERROR. */
static void check_refused(void) {
  struct pollfd p = { refused_fd, POLLOUT, 0 };
  poll(&p, 1, 0);
  if (!(p.revents & (POLLERR | POLLHUP))) return;
  check((p.revents & (POLLOUT | POLLERR | POLLHUP)) == (POLLOUT | POLLERR | POLLHUP), "refused connect: POLLOUT|POLLERR|POLLHUP");
  int e = 0; socklen_t l = sizeof e;
  check(getsockopt(refused_fd, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == ECONNREFUSED, "SO_ERROR is ECONNREFUSED");
  e = -1; l = sizeof e;
  check(getsockopt(refused_fd, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == 0, "SO_ERROR read clears it");
  close(refused_fd);
  refused_done = 1;
}

static void step(void) {
  if (!udp_done) check_udp();
  if (udp_done && !refused_done) check_refused();
  if (udp_done && refused_done) finish();
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 10) { check(0, "events arrived within 10 s"); finish(); }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  gettimeofday(&t0, NULL);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  check(t >= 0, "socket(AF_INET, SOCK_STREAM)");
  struct stat st;
  check(fstat(t, &st) == 0 && S_ISSOCK(st.st_mode), "fstat says S_ISSOCK");
  errno_is(send(t, "x", 1, MSG_NOSIGNAL), EPIPE, "send on an unconnected socket");
  errno_is(recv(t, (char[4]){0}, 4, MSG_DONTWAIT), ENOTCONN, "recv on an unconnected socket");
  errno_is(shutdown(t, SHUT_WR), ENOTCONN, "shutdown on an unconnected socket");
  struct sockaddr_in a = lo(0);
  check(bind(t, (struct sockaddr *)&a, sizeof a) == 0, "bind 127.0.0.1:0");
  check(port_of(t) > 0, "getsockname reports the port right after bind");
  errno_is(bind(t, (struct sockaddr *)&a, sizeof a), EINVAL, "second bind");
  errno_is(bind(socket(AF_INET, SOCK_STREAM, 0), (struct sockaddr *)&a, 8), EINVAL, "bind with a short addrlen");
  check(listen(t, 4) == 0, "listen");
  struct sockaddr_in same = lo(port_of(t));
  int other = socket(AF_INET, SOCK_STREAM, 0);
  errno_is(bind(other, (struct sockaddr *)&same, sizeof same), EADDRINUSE, "bind to a listening port");
  int on = 1, v = 0; socklen_t vl = sizeof v;
  check(setsockopt(other, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0, "setsockopt TCP_NODELAY");
  check(getsockopt(other, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v == 1, "getsockopt TCP_NODELAY = 1");
  int rb = 65536; v = 0; vl = sizeof v;
  check(setsockopt(other, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb) == 0, "setsockopt SO_RCVBUF 65536");
  check(getsockopt(other, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0 && v == 131072, "SO_RCVBUF reads back doubled");
  struct timeval tv = { 1, 500000 }, back = { 0, 0 }; socklen_t tl = sizeof back;
  check(setsockopt(other, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "setsockopt SO_RCVTIMEO");
  check(getsockopt(other, SOL_SOCKET, SO_RCVTIMEO, &back, &tl) == 0 && back.tv_sec == 1 && back.tv_usec == 500000, "SO_RCVTIMEO round-trips");
  errno_is(setsockopt(other, SOL_SOCKET, 9999, &on, sizeof on), ENOPROTOOPT, "unknown option");
  errno_is(listen(socket(AF_INET, SOCK_DGRAM, 0), 1), EOPNOTSUPP, "listen on UDP");
  errno_is(send(0, "x", 1, 0), ENOTSOCK, "send on stdin");
  errno_is(send(999, "x", 1, 0), EBADF, "send on a closed fd");

  int sv[2];
  check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair(AF_UNIX)");
  check(write(sv[0], "pair", 4) == 4, "write to one end");
  int avail = 0;
  struct pollfd pp = { sv[1], POLLIN, 0 };
  check(poll(&pp, 1, 0) == 1 && (pp.revents & POLLIN), "the other end is readable at once");
  check(ioctl(sv[1], FIONREAD, &avail) == 0 && avail == 4, "FIONREAD counts 4 bytes");
  char buf[16] = {0};
  check(read(sv[1], buf, sizeof buf) == 4 && memcmp(buf, "pair", 4) == 0, "read from the other end");
  int d = dup(sv[0]);
  check(d >= 0 && write(d, "dup", 3) == 3, "write through a dup");
  close(sv[0]); close(d); close(sv[1]);

  udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
  udp_addr = lo(0);
  check(bind(udp_fd, (struct sockaddr *)&udp_addr, sizeof udp_addr) == 0, "bind UDP");
  udp_addr = lo(port_of(udp_fd));
  check(sendto(udp_fd, "datagram!", 9, 0, (struct sockaddr *)&udp_addr, sizeof udp_addr) == 9, "sendto self");

  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
  check(getaddrinfo("localhost", "80", &hints, &res) == 0 && res != NULL, "getaddrinfo(localhost)");
  if (res) {
    struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
    check(sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(sin->sin_port) == 80, "localhost is 127.0.0.1:80");
    freeaddrinfo(res);
  }

  refused_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in closed = lo(port_of(t));
  close(t);
  errno_is(connect(refused_fd, (struct sockaddr *)&closed, sizeof closed), EINPROGRESS, "non-blocking connect to a closed port");
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
}
