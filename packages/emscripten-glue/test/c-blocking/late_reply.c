/*
 * A blocking client: connect, then recvmsg waits for the data the peer
 * sends 200 ms later, and read() for the EOF after it (the harness server
 * is given by --port).
 */
#include "blk.h"

int main(int argc, char **argv) {
  int port = rs_port(argc, argv, "--port");
  int fd = blk_connect(port);
  if (!rs_sys(fd, "blocking connect to the harness server")) return rs_summary();
  long long t0 = rs_now_ms();
  /* recvmsg into two iovecs: the wait, then a scatter. */
  char head[3] = {0}, tail[61] = {0};
  struct iovec iov[2] = { { head, sizeof head }, { tail, sizeof tail - 1 } };
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = 2;
  ssize_t n = recvmsg(fd, &msg, 0);
  long long waited = rs_now_ms() - t0;
  rs_check(n == 5 && memcmp(head, "lat", 3) == 0 && memcmp(tail, "er", 2) == 0, "recvmsg returns the late data, scattered", "got %zd '%.3s' '%s'", n, head, tail);
  /* The peer's 200 ms start when it accepts; our clock starts once connect returned, a little later. */
  rs_check(waited >= 100, "recvmsg waited for it (the peer sends 200 ms after accepting)", "waited %lld ms", waited);
  char buf[16];
  n = read(fd, buf, sizeof buf);
  rs_eq(n, 0, "then read() blocks until EOF and returns 0");
  close(fd);
  return rs_summary();
}
