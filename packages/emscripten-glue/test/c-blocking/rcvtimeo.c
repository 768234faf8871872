/* SO_RCVTIMEO and SO_SNDTIMEO: a blocking recv/send gives up with EAGAIN after the timeout. */
#include "blk.h"

int main(void) {
  int port = 0;
  int l = blk_listen(&port);
  int c = blk_connect(port);
  rs_sys(c, "blocking connect to an in-process listener");
  int s = accept(l, NULL, NULL);
  rs_sys(s, "accept the queued connection");
  struct timeval tv = { 0, 150 * 1000 };
  rs_sys(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "SO_RCVTIMEO 150 ms");
  char buf[16];
  long long t0 = rs_now_ms();
  rs_errno(recv(c, buf, sizeof buf, 0), EAGAIN, "recv with nothing to read times out");
  long long waited = rs_now_ms() - t0;
  rs_check(waited >= 140 && waited < 3000, "after about 150 ms", "waited %lld ms", waited);
  rs_sys(send(s, "x", 1, 0), "peer sends a byte");
  rs_eq(recv(c, buf, sizeof buf, 0), 1, "recv with data ready returns at once");
  /* Fill the peer's receive path until a blocking send with SO_SNDTIMEO gives up. */
  tv.tv_usec = 100 * 1000;
  rs_sys(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), "SO_SNDTIMEO 100 ms");
  static char big[65536];
  long long total = 0;
  ssize_t r = 0;
  int rounds = 0;
  t0 = rs_now_ms();
  while (rounds++ < 2048) {
    r = send(c, big, sizeof big, MSG_NOSIGNAL);
    if (r < (ssize_t)sizeof big) break;
    total += r;
  }
  int e = errno;
  rs_check(r < (ssize_t)sizeof big && (r >= 0 || e == EAGAIN), "a send on a full connection stops short (partial count or EAGAIN)", "r %zd errno %s after %lld bytes", r, rs_errname(e), total);
  rs_check(rs_now_ms() - t0 >= 90, "after the send timeout", "%lld ms", rs_now_ms() - t0);
  close(c);
  close(s);
  close(l);
  return rs_summary();
}
