/*
 * epoll_ready.c — epoll's ready list over socketpairs (which deliver at
 * once, so every check runs in one step, with no event loop in between):
 * an arrival is reported by the next epoll_wait, even within the same
 * synchronous run; idle sockets in the set are never reported; with
 * maxevents 1, level-triggered sockets that stay ready take turns (Linux
 * puts a reported item at the end of the ready list); EPOLLOUT is
 * reported on every call; EPOLLET reports each arrival once; a closed fd
 * leaves the set (no event, and its number can be added again).
 * Linux and Emscripten only.
 */
#include "rs_loop.h"
#if defined(__linux__) || defined(__EMSCRIPTEN__)
#include <sys/epoll.h>

#define IDLE 20

static int ep;

static int ctl(int op, int fd, unsigned events, unsigned long long cookie) {
  struct epoll_event ev = { .events = events, .data.u64 = cookie };
  return epoll_ctl(ep, op, fd, &ev);
}

/* epoll_wait with timeout 0 into evs[max]. */
static int wait0(struct epoll_event *evs, int max) {
  return epoll_wait(ep, evs, max, 0);
}

static void drain(int fd) {
  char buf[64];
  while (recv(fd, buf, sizeof buf, 0) > 0) {
  }
}

static void step(void) {
  int a[2], b[2], c[2], idle[IDLE][2];
  struct epoll_event evs[8];
  int n;
  ep = epoll_create1(0);
  rs_sys(ep, "epoll_create1");
  rs_sys(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), "socketpair a");
  rs_sys(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), "socketpair b");
  int added = 0;
  for (int i = 0; i < IDLE; i++)
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, idle[i]) == 0 && ctl(EPOLL_CTL_ADD, idle[i][0], EPOLLIN, 100 + i) == 0) added++;
  rs_eq(added, IDLE, "20 idle sockets added for EPOLLIN");
  rs_sys(ctl(EPOLL_CTL_ADD, a[0], EPOLLIN, 1), "add a for EPOLLIN");
  rs_sys(ctl(EPOLL_CTL_ADD, b[0], EPOLLIN, 2), "add b for EPOLLIN");
  rs_eq(wait0(evs, 8), 0, "nothing to read: 0 events");

  rs_eq(send(a[1], "x", 1, 0), 1, "send to a");
  n = wait0(evs, 8);
  rs_check(n == 1 && evs[0].data.u64 == 1 && evs[0].events == EPOLLIN, "the next epoll_wait reports a at once", "n %d", n);
  rs_eq(send(b[1], "y", 1, 0), 1, "send to b");
  n = wait0(evs, 8);
  rs_check(n == 2 && evs[0].data.u64 + evs[1].data.u64 == 3, "both reported, no idle socket", "n %d", n);

  unsigned long long first, second, third;
  n = wait0(evs, 1);
  first = n == 1 ? evs[0].data.u64 : 0;
  n = wait0(evs, 1);
  second = n == 1 ? evs[0].data.u64 : 0;
  n = wait0(evs, 1);
  third = n == 1 ? evs[0].data.u64 : 0;
  rs_check(first + second == 3 && third == first, "maxevents 1: the two ready sockets take turns", "%llu %llu %llu", first, second, third);

  drain(a[0]);
  n = wait0(evs, 8);
  rs_check(n == 1 && evs[0].data.u64 == 2, "a drained: only b", "n %d", n);
  drain(b[0]);
  rs_eq(wait0(evs, 8), 0, "both drained: 0 events");

  rs_sys(ctl(EPOLL_CTL_ADD, a[1], EPOLLOUT, 3), "add a's other end for EPOLLOUT");
  n = wait0(evs, 8);
  rs_check(n == 1 && evs[0].data.u64 == 3 && evs[0].events == EPOLLOUT, "EPOLLOUT reported", "n %d", n);
  n = wait0(evs, 8);
  rs_check(n == 1 && evs[0].data.u64 == 3, "...and again (level-triggered)", "n %d", n);
  rs_sys(ctl(EPOLL_CTL_DEL, a[1], 0, 0), "EPOLL_CTL_DEL it");

  rs_sys(ctl(EPOLL_CTL_MOD, b[0], EPOLLIN | EPOLLET, 4), "EPOLL_CTL_MOD b to EPOLLIN | EPOLLET");
  rs_eq(wait0(evs, 8), 0, "nothing to read: 0 events");
  send(b[1], "1", 1, 0);
  n = wait0(evs, 8);
  rs_check(n == 1 && evs[0].data.u64 == 4, "EPOLLET: the arrival reported", "n %d", n);
  rs_eq(wait0(evs, 8), 0, "...once");
  send(b[1], "2", 1, 0);
  n = wait0(evs, 8);
  rs_check(n == 1 && evs[0].data.u64 == 4, "EPOLLET: a second arrival, unread data or not, reported again", "n %d", n);
  rs_eq(wait0(evs, 8), 0, "...once");

  int old = a[0];
  send(a[1], "z", 1, 0);
  rs_sys(close(a[0]), "close a (ready, still in the set)");
  rs_eq(wait0(evs, 8), 0, "a closed fd is not reported");
  rs_errno(ctl(EPOLL_CTL_DEL, old, 0, 0), EBADF, "EPOLL_CTL_DEL of the closed fd: EBADF");
  rs_sys(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, c), "socketpair c");
  rs_eq(dup2(c[0], old), old, "dup2 c onto a's old fd number");
  rs_sys(ctl(EPOLL_CTL_ADD, old, EPOLLIN, 5), "adding that number again works (the closed fd left the set)");
  send(c[1], "c", 1, 0);
  n = wait0(evs, 8);
  rs_check(n == 1 && evs[0].data.u64 == 5, "the new socket at that number is reported", "n %d", n);

  close(a[1]), close(b[0]), close(b[1]), close(c[0]), close(c[1]), close(old);
  for (int i = 0; i < IDLE; i++) close(idle[i][0]), close(idle[i][1]);
  close(ep);
  rs_exit();
}

int main(void) {
  rs_run(step, 10000);
  return 0;
}

#else
int main(void) {
  printf("1..0 # SKIP epoll is Linux-only\n");
  return 0;
}
#endif
