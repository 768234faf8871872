/*
 * A blocking client: connect, then recv waits for the data the peer sends
 * 200 ms later (the harness server is given by --port).
 */
#include "blk.h"

int main(int argc, char **argv) {
  int port = rs_port(argc, argv, "--port");
  int fd = blk_connect(port);
  if (!rs_sys(fd, "blocking connect to the harness server")) return rs_summary();
  long long t0 = rs_now_ms();
  char buf[64] = {0};
  ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  long long waited = rs_now_ms() - t0;
  rs_check(n == 5 && memcmp(buf, "later", 5) == 0, "recv returns the late data", "got %zd '%s'", n, buf);
  /* The peer's 200 ms start when it accepts; our clock starts once connect returned, a little later. */
  rs_check(waited >= 100, "recv waited for it (the peer sends 200 ms after accepting)", "waited %lld ms", waited);
  n = recv(fd, buf, sizeof buf, 0);
  rs_eq(n, 0, "then recv blocks until EOF and returns 0");
  close(fd);
  return rs_summary();
}
