/*
 * epoll_micro.c — the cost of one epoll_wait over a large, mostly idle set:
 * IDLE connected sockets that never become readable plus one that always
 * is (unread data, level-triggered), all in one epoll set for EPOLLIN;
 * then N calls of epoll_wait(timeout 0), each must report exactly the
 * active socket. The sockets are AF_UNIX socketpairs (connected at once,
 * so the program needs no event loop); what is measured is epoll's
 * bookkeeping, not the network. Built natively (gcc) and as wasm
 * (rawsock-emcc, event-driven); prints one JSON line:
 *   {"ok":true,"fds":1001,"calls":N,"epoll_wait_ns":X}
 * Usage: epoll_micro [--idle 1000] [--calls 100000]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long arg(int argc, char **argv, const char *name, long fallback) {
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return atol(argv[i + 1]);
  return fallback;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int fail(const char *what) {
  printf("{\"ok\":false,\"error\":\"%s\"}\n", what);
  return 1;
}

int main(int argc, char **argv) {
  long idle = arg(argc, argv, "--idle", 1000), calls = arg(argc, argv, "--calls", 100000);
  int ep = epoll_create1(0);
  if (ep < 0) return fail("epoll_create1");
  int pair[2];
  for (long i = 0; i < idle; i++) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) != 0) return fail("socketpair (idle)");
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (unsigned long long)i };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, pair[0], &ev) != 0) return fail("epoll_ctl (idle)");
  }
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) != 0) return fail("socketpair (active)");
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 424242 };
  if (epoll_ctl(ep, EPOLL_CTL_ADD, pair[0], &ev) != 0) return fail("epoll_ctl (active)");
  if (send(pair[1], "x", 1, 0) != 1) return fail("send");

  struct epoll_event out[16];
  long warm = calls < 1000 ? calls : 1000;
  for (long i = 0; i < warm; i++)
    if (epoll_wait(ep, out, 16, 0) != 1) return fail("warm-up: not exactly the active socket");
  double t0 = now_ns();
  long bad = 0;
  for (long i = 0; i < calls; i++)
    if (epoll_wait(ep, out, 16, 0) != 1 || out[0].data.u64 != 424242) bad++;
  double t1 = now_ns();
  if (bad) return fail("a call did not report exactly the active socket");
  printf("{\"ok\":true,\"fds\":%ld,\"calls\":%ld,\"epoll_wait_ns\":%.0f}\n", idle + 1, calls, (t1 - t0) / (double)calls);
  return 0;
}
