/*
 * A UDP client of an echo server (argv[1] = port on 127.0.0.1), driven by
 * poll() with a zero timeout: sendto/recvfrom with addresses, then on a
 * connected socket send/recv, sendmsg/recvmsg with iovecs (MSG_TRUNC in
 * msg_flags), recv(MSG_TRUNC) reporting the full length,
 * sendmmsg/recvmmsg, and writev/readv (one datagram each). Prints each step; native and wasm must print the same.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static int fd = -1, port, state, batch;
static struct sockaddr_in server;
static struct timeval t0;

static void done(int code) {
  printf("%s\n", code ? "FAILED" : "done");
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#endif
  exit(code);
}

static int readable(void) {
  struct pollfd p = { fd, POLLIN, 0 };
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* Each state waits for one echo, checks it, and sends what the next state waits for. */
static void step(void) {
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 10) { printf("timed out in state %d\n", state); done(1); }
  if (!readable()) return;
  char buf[64] = {0};
  if (state == 0) {
    int avail = 0;
    ioctl(fd, FIONREAD, &avail);
    struct sockaddr_in from; socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("recvfrom %zd '%.*s' FIONREAD %d, from the server %d, addrlen %d\n", n, (int)n, buf, avail,
           from.sin_port == server.sin_port && from.sin_addr.s_addr == server.sin_addr.s_addr, (int)fl);
    printf("connect %d\n", connect(fd, (struct sockaddr *)&server, sizeof server));
    printf("send %zd\n", send(fd, "connected", 9, 0));
    state = 1;
  } else if (state == 1) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    printf("recv %zd '%.*s'\n", n, (int)n, buf);
    struct iovec iov[3] = { { "scat", 4 }, { "ter", 3 }, { "ed", 2 } };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3 };
    printf("sendmsg %zd\n", sendmsg(fd, &m, 0));
    state = 2;
  } else if (state == 2) {
    char a[4], b[3];
    struct iovec iov[2] = { { a, 4 }, { b, 3 } };
    struct sockaddr_in from;
    struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = iov, .msg_iovlen = 2 };
    ssize_t n = recvmsg(fd, &m, 0);
    printf("recvmsg %zd '%.4s|%.3s' MSG_TRUNC %d namelen %d controllen %d\n", n, a, b, !!(m.msg_flags & MSG_TRUNC),
           (int)m.msg_namelen, (int)m.msg_controllen);
    printf("send %zd\n", send(fd, "0123456789", 10, 0));
    state = 3;
  } else if (state == 3) {
    ssize_t n = recv(fd, buf, 4, MSG_TRUNC);
    printf("recv(4, MSG_TRUNC) %zd '%.4s'\n", n, buf);
    struct iovec i1 = { "one", 3 }, i2 = { "two!", 4 };
    struct mmsghdr mm[2] = { { .msg_hdr = { .msg_iov = &i1, .msg_iovlen = 1 } }, { .msg_hdr = { .msg_iov = &i2, .msg_iovlen = 1 } } };
    int sent = sendmmsg(fd, mm, 2, 0);
    printf("sendmmsg %d (%u, %u)\n", sent, mm[0].msg_len, mm[1].msg_len);
    state = 4;
  } else if (state == 4) {
    static char r1[8], r2[8];
    struct iovec i1 = { r1, sizeof r1 }, i2 = { r2, sizeof r2 };
    struct mmsghdr mm[2] = { { .msg_hdr = { .msg_iov = &i1, .msg_iovlen = 1 } }, { .msg_hdr = { .msg_iov = &i2, .msg_iovlen = 1 } } };
    /* The second echo may not be here yet: collect both across steps. */
    int n = recvmmsg(fd, mm + batch, 2 - batch, MSG_DONTWAIT, NULL);
    if (n > 0) batch += n;
    if (batch < 2) return;
    printf("recvmmsg got '%s' and '%s'\n", r1, r2);
    struct iovec w[3] = { { "12", 2 }, { "345", 3 }, { "6", 1 } };
    printf("writev %zd (one datagram)\n", writev(fd, w, 3));
    state = 5;
  } else if (state == 5) {
    char a[4], b[4] = {0};
    struct iovec r[2] = { { a, 4 }, { b, 4 } };
    ssize_t n = readv(fd, r, 2);
    printf("readv %zd '%.4s|%.2s'\n", n, a, b);
    errno = 0;
    n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    printf("nothing more: %zd %s\n", n, errno == EAGAIN ? "EAGAIN" : "other");
    printf("close %d\n", close(fd));
    done(0);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  gettimeofday(&t0, NULL);
  port = argc > 1 ? atoi(argv[1]) : 0;
  server = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  printf("sendto %zd\n", sendto(fd, "hello", 5, 0, (struct sockaddr *)&server, sizeof server));
  struct sockaddr_in me; socklen_t ml = sizeof me;
  printf("bound by sendto: %d\n", getsockname(fd, (struct sockaddr *)&me, &ml) == 0 && me.sin_port != 0);
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
}
