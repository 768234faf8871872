/*
 * socketpair.c — socketpair(AF_UNIX): stream and datagram pairs, flags,
 * addresses, data both ways (immediate), half-close, close (POLLHUP,
 * EPIPE), filling a pair until EAGAIN and draining it, EOPNOTSUPP for
 * AF_INET. No peers.
 */
#include "rs_loop.h"

static void step(void) {
  int sv[2], dg[2];
  char buf[64];
  rs_sys(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), "socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)");
  rs_check((fcntl(sv[0], F_GETFL) & O_NONBLOCK) && (fcntl(sv[1], F_GETFL) & O_NONBLOCK), "both ends non-blocking", NULL);
  rs_eq(rs_getint(sv[0], SOL_SOCKET, SO_TYPE), SOCK_STREAM, "SO_TYPE SOCK_STREAM");
  rs_eq(rs_getint(sv[0], SOL_SOCKET, SO_DOMAIN), AF_UNIX, "SO_DOMAIN AF_UNIX");
  struct sockaddr_un a;
  socklen_t len = sizeof a;
  rs_check(getpeername(sv[0], RS_SA(a), &len) == 0 && len == sizeof(sa_family_t) && a.sun_family == AF_UNIX,
           "getpeername: unnamed AF_UNIX (length 2)", "len %d", (int)len);
  rs_errno(recv(sv[1], buf, sizeof buf, 0), EAGAIN, "recv on an empty end: EAGAIN");
  rs_eq(send(sv[0], "ping", 4, 0), 4, "send on one end");
  rs_check(recv(sv[1], buf, sizeof buf, 0) == 4 && memcmp(buf, "ping", 4) == 0, "the other end reads it at once", NULL);
  rs_eq(write(sv[1], "pong!", 5), 5, "write on the other end");
  rs_check(read(sv[0], buf, sizeof buf) == 5 && memcmp(buf, "pong!", 5) == 0, "read it back on the first", NULL);

  rs_sys(shutdown(sv[0], SHUT_WR), "shutdown(SHUT_WR) one end");
  rs_eq(rs_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP), POLLIN | POLLOUT | POLLRDHUP, "the other end: POLLIN | POLLOUT | POLLRDHUP, no POLLHUP");
  rs_eq(recv(sv[1], buf, sizeof buf, 0), 0, "...reads EOF");
  rs_eq(send(sv[1], "still", 5, 0), 5, "...and can still send");
  rs_eq(recv(sv[0], buf, sizeof buf, 0), 5, "the half-closed end still receives");
  rs_sys(close(sv[0]), "close one end");
  rs_check(rs_poll1(sv[1], POLLIN | POLLOUT) & POLLHUP, "the other end: POLLHUP", NULL);
  rs_errno(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE, "send to the closed end: EPIPE");
  close(sv[1]);

  rs_sys(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, dg), "socketpair(AF_UNIX, SOCK_DGRAM)");
  send(dg[0], "abc", 3, 0);
  send(dg[0], "defgh", 5, 0);
  send(dg[0], "ijklmnop", 8, 0);
  rs_eq(recv(dg[1], buf, sizeof buf, 0), 3, "datagram 1: 3 bytes");
  rs_eq(recv(dg[1], buf, sizeof buf, 0), 5, "datagram 2: 5 bytes");
  rs_eq(recv(dg[1], buf, 2, 0), 2, "datagram 3 read with a 2-byte buffer: 2");
  rs_errno(recv(dg[1], buf, sizeof buf, 0), EAGAIN, "the rest of it is discarded: EAGAIN");
  close(dg[0]);
  close(dg[1]);

  /* Fill a stream pair (how much fits depends on the sysctls: only > 0 is asserted). */
  int fill[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fill);
  static unsigned char chunk[4096], sink[65536];
  rs_fill(chunk, sizeof chunk, 0);
  size_t wrote = 0, readn = 0;
  ssize_t r;
  while ((r = send(fill[0], chunk, sizeof chunk, 0)) > 0) wrote += (size_t)r;
  int e = errno;
  rs_check(wrote > 0 && r < 0 && e == EAGAIN, "writing until full ends in EAGAIN", "wrote %zu, errno %s", wrote, rs_errname(e));
  rs_eq(rs_poll1(fill[0], POLLOUT) & POLLOUT, 0, "a full end has no POLLOUT");
  while ((r = recv(fill[1], sink, sizeof sink, 0)) > 0) readn += (size_t)r;
  rs_eq((long)readn, (long)wrote, "the reader drains exactly what was written");
  rs_eq(rs_poll1(fill[0], POLLOUT) & POLLOUT, POLLOUT, "after draining, POLLOUT is back");
  close(fill[0]);
  close(fill[1]);

  rs_errno(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP, "socketpair(AF_INET): EOPNOTSUPP");
  rs_exit();
}

int main(void) {
  rs_run(step, 10000);
  return 0;
}
