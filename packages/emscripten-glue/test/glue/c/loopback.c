/*
 * A program that talks to itself over 127.0.0.1 (TCP listener + client +
 * accepted connection, and a UDP pair), driven by poll() with a zero
 * timeout. It needs no peer, so it also runs against a provider passed in
 * Module.rawsock (the in-memory network) on any runtime. Prints each step;
 * every run must print the same lines as the native one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static int lfd = -1, cfd = -1, afd = -1, u1 = -1, u2 = -1, state;
static struct timeval t0;

static void done(int code) {
  printf("%s\n", code ? "FAILED" : "done");
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#endif
  exit(code);
}

static int ready(int fd, short events) {
  struct pollfd p = { fd, events, 0 };
  return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static void step(void) {
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 10) { printf("timed out in state %d\n", state); done(1); }
  char buf[32] = {0};
  if (state == 0 && (ready(lfd, POLLIN) & POLLIN)) {
    afd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
    printf("accepted %d\n", afd >= 0);
    state = 1;
  }
  if (state == 1 && (ready(cfd, POLLOUT) & POLLOUT)) {
    printf("client send %zd\n", send(cfd, "ping", 4, 0));
    state = 2;
  }
  if (state == 2 && (ready(afd, POLLIN) & POLLIN)) {
    ssize_t n = recv(afd, buf, sizeof buf, 0);
    printf("server recv %zd '%.*s'\n", n, (int)n, buf);
    printf("server send %zd\n", send(afd, "pong", 4, 0));
    state = 3;
  }
  if (state == 3 && (ready(cfd, POLLIN) & POLLIN)) {
    ssize_t n = recv(cfd, buf, sizeof buf, 0);
    printf("client recv %zd '%.*s'\n", n, (int)n, buf);
    close(cfd);
    state = 4;
  }
  if (state == 4 && (ready(afd, POLLIN) & POLLIN)) {
    printf("server sees EOF %zd\n", recv(afd, buf, sizeof buf, 0));
    close(afd); close(lfd);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t l = sizeof a;
    u1 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    u2 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    bind(u1, (struct sockaddr *)&a, sizeof a);
    getsockname(u1, (struct sockaddr *)&a, &l);
    printf("udp sendto %zd\n", sendto(u2, "datagram", 8, 0, (struct sockaddr *)&a, sizeof a));
    state = 5;
  }
  if (state == 5 && (ready(u1, POLLIN) & POLLIN)) {
    ssize_t n = recv(u1, buf, sizeof buf, 0);
    printf("udp recv %zd '%.*s'\n", n, (int)n, buf);
    close(u1); close(u2);
    done(0);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  gettimeofday(&t0, NULL);
  lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t l = sizeof a;
  int b = bind(lfd, (struct sockaddr *)&a, sizeof a);
  printf("bind %d listen %d\n", b, listen(lfd, 4));
  getsockname(lfd, (struct sockaddr *)&a, &l);
  cfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r = connect(cfd, (struct sockaddr *)&a, sizeof a);
  printf("connect %s\n", r == 0 || errno == EINPROGRESS ? "started" : strerror(errno));
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
}
