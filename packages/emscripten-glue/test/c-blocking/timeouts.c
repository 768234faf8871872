/* poll, select and epoll_wait wait for their timeout when nothing is ready, and return at once when something is. */
#include "blk.h"
#include <sys/epoll.h>

static void elapsed_between(long long t0, int lo, int hi, const char *desc) {
  long long ms = rs_now_ms() - t0;
  rs_check(ms >= lo && ms < hi, desc, "took %lld ms", ms);
}

int main(void) {
  int port = 0;
  int l = blk_listen(&port);
  int c = blk_connect(port);
  int s = accept(l, NULL, NULL);
  rs_sys(s, "a connected pair over loopback");

  struct pollfd p = { c, POLLIN, 0 };
  long long t0 = rs_now_ms();
  rs_eq(poll(&p, 1, 150), 0, "poll(POLLIN, 150 ms) with nothing to read returns 0");
  elapsed_between(t0, 140, 3000, "poll waited its timeout");

  fd_set r;
  FD_ZERO(&r);
  FD_SET(c, &r);
  struct timeval tv = { 0, 150 * 1000 };
  t0 = rs_now_ms();
  rs_eq(select(c + 1, &r, NULL, NULL, &tv), 0, "select(read, 150 ms) with nothing to read returns 0");
  elapsed_between(t0, 140, 3000, "select waited its timeout");
  rs_check(!FD_ISSET(c, &r), "select cleared the set", "");

  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = c };
  rs_sys(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev), "epoll_ctl ADD");
  struct epoll_event out[4];
  t0 = rs_now_ms();
  rs_eq(epoll_wait(ep, out, 4, 150), 0, "epoll_wait(150 ms) with nothing ready returns 0");
  elapsed_between(t0, 140, 3000, "epoll_wait waited its timeout");

  rs_sys(send(s, "ping", 4, 0), "peer sends");
  p.revents = 0;
  t0 = rs_now_ms();
  int n = poll(&p, 1, -1);
  rs_check(n == 1 && (p.revents & POLLIN), "poll(-1) returns once data is there", "n %d revents %#x", n, p.revents);
  elapsed_between(t0, 0, 1000, "without waiting long");
  FD_ZERO(&r);
  FD_SET(c, &r);
  tv.tv_sec = 5;
  tv.tv_usec = 0;
  rs_eq(select(c + 1, &r, NULL, NULL, &tv), 1, "select(5 s) returns 1 at once");
  rs_eq(epoll_wait(ep, out, 4, 5000), 1, "epoll_wait(5 s) returns 1 at once");

  /* A file in the set is always ready: poll does not wait. */
  struct pollfd both[2] = { { c, POLLOUT, 0 }, { 1, POLLOUT, 0 } };
  rs_check(poll(both, 2, 1000) >= 1, "poll on a socket and stdout returns at once", "");
  close(ep);
  close(c);
  close(s);
  close(l);
  return rs_summary();
}
