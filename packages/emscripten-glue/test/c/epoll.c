/*
 * epoll.c — epoll_create1/ctl/wait (timeout 0) over in-process TCP:
 * the ctl errors (EEXIST, ENOENT, EINVAL, EPERM for a regular file),
 * level-triggered EPOLLIN with data.u64 round-tripping, EPOLLOUT,
 * EPOLLET (one event per arrival), EPOLLONESHOT (re-armed by MOD),
 * EPOLLRDHUP on a half-close, and EPOLLERR | EPOLLHUP reported unasked
 * after a reset. Linux and Emscripten only.
 */
#include "rs_loop.h"
#if defined(__linux__) || defined(__EMSCRIPTEN__)
#include <sys/epoll.h>

static struct rs_pair p, q;
static int ep, phase;
static char buf[64];

static int ctl(int op, int fd, unsigned events, unsigned long long cookie) {
  struct epoll_event ev = { .events = events, .data.u64 = cookie };
  return epoll_ctl(ep, op, fd, &ev);
}

/* epoll_wait with timeout 0: the number of events; the first in *ev. */
static int wait0(struct epoll_event *ev) {
  struct epoll_event evs[4];
  int n = epoll_wait(ep, evs, 4, 0);
  if (n > 0) *ev = evs[0];
  return n;
}

static void drain(int fd) {
  while (recv(fd, buf, sizeof buf, 0) > 0) {
  }
}

static void step(void) {
  struct epoll_event ev = { 0 };
  int n;
  switch (phase) {
  case 0: {
    rs_errno(epoll_create1(12345), EINVAL, "epoll_create1 with unknown flags: EINVAL");
    ep = epoll_create1(EPOLL_CLOEXEC);
    rs_sys(ep, "epoll_create1(EPOLL_CLOEXEC)");
    rs_check(fcntl(ep, F_GETFD) & FD_CLOEXEC, "...FD_CLOEXEC set", NULL);
    rs_sys(rs_pair_start(&p, AF_INET), "an in-process TCP connection");
    rs_stage = "connection";
    phase++;
    break;
  }
  case 1: {
    if (!rs_pair_ready(&p)) return;
    rs_sys(ctl(EPOLL_CTL_ADD, p.s, EPOLLIN, 0xabcdef0123ULL), "EPOLL_CTL_ADD");
    rs_errno(ctl(EPOLL_CTL_ADD, p.s, EPOLLIN, 0), EEXIST, "adding it again: EEXIST");
    rs_errno(ctl(EPOLL_CTL_MOD, p.c, EPOLLIN, 0), ENOENT, "EPOLL_CTL_MOD of an fd not added: ENOENT");
    rs_errno(ctl(EPOLL_CTL_DEL, p.c, 0, 0), ENOENT, "EPOLL_CTL_DEL of an fd not added: ENOENT");
    rs_errno(ctl(EPOLL_CTL_ADD, ep, EPOLLIN, 0), EINVAL, "adding the epoll fd to itself: EINVAL");
    FILE *f = tmpfile();
    rs_errno(f ? ctl(EPOLL_CTL_ADD, fileno(f), EPOLLIN, 0) : 0, EPERM, "adding a regular file: EPERM");
    if (f) fclose(f);
    struct epoll_event evs[1];
    rs_errno(epoll_wait(ep, evs, 0, 0), EINVAL, "epoll_wait with maxevents 0: EINVAL");
    rs_eq(wait0(&ev), 0, "nothing to read: 0 events");
    rs_eq(send(p.c, "level", 5, 0), 5, "send 5 bytes");
    rs_stage = "EPOLLIN";
    phase++;
    break;
  }
  case 2:
    if ((n = wait0(&ev)) == 0) return;
    rs_check(n == 1 && ev.events == EPOLLIN && ev.data.u64 == 0xabcdef0123ULL, "EPOLLIN with data.u64 as given", "n %d events 0x%x", n,
             ev.events);
    rs_check(wait0(&ev) == 1 && ev.events == EPOLLIN, "level-triggered: reported again while unread", NULL);
    drain(p.s);
    rs_eq(wait0(&ev), 0, "drained: 0 events");
    rs_sys(ctl(EPOLL_CTL_ADD, p.c, EPOLLOUT, 2), "add the client for EPOLLOUT");
    n = wait0(&ev);
    rs_check(n == 1 && ev.events == EPOLLOUT && ev.data.u64 == 2, "a connected socket: EPOLLOUT", "n %d events 0x%x", n, ev.events);
    rs_sys(ctl(EPOLL_CTL_DEL, p.c, 0, 0), "EPOLL_CTL_DEL");
    rs_sys(ctl(EPOLL_CTL_MOD, p.s, EPOLLIN | EPOLLET, 1), "EPOLL_CTL_MOD to EPOLLIN | EPOLLET");
    send(p.c, "edge1", 5, 0);
    rs_stage = "the first edge";
    phase++;
    break;
  case 3:
    if ((n = wait0(&ev)) == 0) return;
    rs_check(n == 1 && ev.events == EPOLLIN && ev.data.u64 == 1, "EPOLLET: an event for the arrival", "events 0x%x", ev.events);
    rs_eq(wait0(&ev), 0, "EPOLLET: not again while the data sits unread");
    send(p.c, "edge2", 5, 0);
    rs_stage = "the second edge";
    phase++;
    break;
  case 4:
    if ((n = wait0(&ev)) == 0) return;
    rs_check(n == 1 && ev.events == EPOLLIN, "EPOLLET: new data, new event", NULL);
    drain(p.s);
    rs_sys(ctl(EPOLL_CTL_MOD, p.s, EPOLLIN | EPOLLONESHOT, 3), "EPOLL_CTL_MOD to EPOLLIN | EPOLLONESHOT");
    send(p.c, "one", 3, 0);
    rs_stage = "the one-shot event";
    phase++;
    break;
  case 5:
    if ((n = wait0(&ev)) == 0) return;
    rs_check(n == 1 && ev.events == EPOLLIN && ev.data.u64 == 3, "EPOLLONESHOT: one event", NULL);
    rs_eq(wait0(&ev), 0, "...then disarmed, data still unread");
    rs_sys(ctl(EPOLL_CTL_MOD, p.s, EPOLLIN | EPOLLRDHUP, 4), "EPOLL_CTL_MOD re-arms (now EPOLLIN | EPOLLRDHUP)");
    n = wait0(&ev);
    rs_check(n == 1 && ev.events == EPOLLIN, "re-armed: the unread data is reported", "n %d events 0x%x", n, ev.events);
    drain(p.s);
    rs_sys(shutdown(p.c, SHUT_WR), "the peer shuts down writing");
    rs_stage = "EPOLLRDHUP";
    phase++;
    break;
  case 6:
    if ((n = wait0(&ev)) == 0) return;
    rs_check(n == 1 && ev.events == (EPOLLIN | EPOLLRDHUP), "half-close: EPOLLIN | EPOLLRDHUP, no EPOLLHUP", "events 0x%x", ev.events);
    rs_sys(ctl(EPOLL_CTL_DEL, p.s, 0, 0), "EPOLL_CTL_DEL");
    close(p.c), close(p.s), close(p.l);
    rs_pair_start(&q, AF_INET);
    rs_stage = "second connection";
    phase++;
    break;
  case 7: {
    if (!rs_pair_ready(&q)) return;
    rs_sys(ctl(EPOLL_CTL_ADD, q.c, 0, 5), "EPOLL_CTL_ADD asking for no events");
    rs_eq(wait0(&ev), 0, "...nothing reported");
    struct linger lg = { 1, 0 };
    setsockopt(q.s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(q.s);
    rs_stage = "the reset";
    phase++;
    break;
  }
  case 8:
    if ((n = wait0(&ev)) == 0) return;
    rs_check(n == 1 && ev.events == (EPOLLERR | EPOLLHUP) && ev.data.u64 == 5, "a reset: EPOLLERR | EPOLLHUP, though not asked for",
             "events 0x%x", ev.events);
    close(q.c), close(q.l), close(ep);
    rs_exit();
  }
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
