/*
 * epoll over sockets, event-driven (epoll_wait with timeout 0 in a step
 * function): a listener's readiness, EPOLLIN with user data, EPOLLET
 * (reported once until drained), EPOLLRDHUP, EPOLLONESHOT, and epoll_ctl's
 * errors. Same verdicts natively and as wasm.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "rs_test.h"

static int ep, listener, client, server = -1, stage;
static struct timeval t0;
#define MAGIC 0x1234567890abcdefULL



static int wait_for(uint64_t data, uint32_t bits, uint32_t *got) {
  struct epoll_event ev[8];
  int k = epoll_wait(ep, ev, 8, 0);
  for (int i = 0; i < k; i++) {
    if (ev[i].data.u64 == data && (ev[i].events & bits)) { *got = ev[i].events; return 1; }
  }
  return 0;
}

static void step(void) {
  uint32_t got = 0;
  char buf[64];
  switch (stage) {
    case 0: /* the listener becomes readable when the client's connection arrives */
      if (!wait_for(1, EPOLLIN, &got)) break;
      check(got & EPOLLIN, "listener: EPOLLIN with its data");
      server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
      check(server >= 0, "accept");
      struct epoll_event e = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u64 = MAGIC };
      check(epoll_ctl(ep, EPOLL_CTL_ADD, server, &e) == 0, "add the connection with EPOLLET");
      check(send(client, "hello", 5, 0) == 5, "client sends");
      stage = 1;
      break;
    case 1: /* data: reported once with the 64-bit user data */
      if (!wait_for(MAGIC, EPOLLIN, &got)) break;
      check(1, "EPOLLIN carries the 64-bit data");
      check(!wait_for(MAGIC, EPOLLIN, &got), "EPOLLET: not reported again before draining");
      check(read(server, buf, sizeof buf) == 5, "read the 5 bytes");
      check(read(server, buf, sizeof buf) == -1 && errno == EAGAIN, "drained: EAGAIN");
      shutdown(client, SHUT_WR);
      stage = 2;
      break;
    case 2: /* the peer's FIN: EPOLLRDHUP */
      if (!wait_for(MAGIC, EPOLLRDHUP, &got)) break;
      check(got & EPOLLRDHUP, "EPOLLRDHUP after the peer's SHUT_WR");
      struct epoll_event o = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 7 };
      check(epoll_ctl(ep, EPOLL_CTL_MOD, server, &o) == 0, "MOD to EPOLLONESHOT");
      stage = 3;
      break;
    case 3: /* one shot: reported once, then disarmed */
      if (!wait_for(7, EPOLLIN, &got)) break;
      check(1, "EPOLLONESHOT reports once");
      check(!wait_for(7, EPOLLIN, &got), "then stays quiet");
      check(epoll_ctl(ep, EPOLL_CTL_DEL, server, NULL) == 0, "DEL");
      finish();
  }
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 10) { check(0, "events within 10 s"); finish(); }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  gettimeofday(&t0, NULL);
  ep = epoll_create1(0);
  check(ep >= 0, "epoll_create1");
  check(epoll_create(0) == -1 && errno == EINVAL, "epoll_create(0): EINVAL");
  listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  bind(listener, (struct sockaddr *)&a, sizeof a);
  socklen_t l = sizeof a;
  getsockname(listener, (struct sockaddr *)&a, &l);
  listen(listener, 4);
  struct epoll_event e = { .events = EPOLLIN, .data.u64 = 1 };
  check(epoll_ctl(ep, EPOLL_CTL_ADD, listener, &e) == 0, "add the listener");
  check(epoll_ctl(ep, EPOLL_CTL_ADD, listener, &e) == -1 && errno == EEXIST, "add twice: EEXIST");
  check(epoll_ctl(ep, EPOLL_CTL_MOD, 999, &e) == -1 && errno == EBADF, "bad fd: EBADF");
  check(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e) == -1 && errno == EINVAL, "epoll fd itself: EINVAL");
  int file = open("/tmp/rawsock-epoll-file", O_CREAT | O_RDWR, 0600);
  check(epoll_ctl(ep, EPOLL_CTL_ADD, file, &e) == -1 && errno == EPERM, "regular file: EPERM");
  close(file);
  unlink("/tmp/rawsock-epoll-file");
  client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  check(epoll_ctl(ep, EPOLL_CTL_DEL, client, NULL) == -1 && errno == ENOENT, "DEL of an fd not added: ENOENT");
  connect(client, (struct sockaddr *)&a, sizeof a);
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
}
