/*
 * tcp_client.c — a non-blocking TCP client against the harness echo server:
 * EINPROGRESS, completion seen as POLLOUT + SO_ERROR 0, addresses, connect()
 * after completion, EAGAIN, a 256 KiB echo with partial writes, EOF after
 * SHUT_WR, and EBADF after close.  argv: --echo-port P
 */
#include "rs_loop.h"

#define BIG (256 * 1024)
static int echo_port, fd = -1, phase;
static unsigned char out[BIG], in[BIG];
static size_t sent, got;

static void step(void) {
  char buf[64];
  switch (phase) {
  case 0: {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rs_sys(fd, "socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)");
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    rs_errno(getpeername(fd, RS_SA(peer), &len), ENOTCONN, "getpeername before connect: ENOTCONN");
    struct sockaddr_in a = rs_v4("127.0.0.1", echo_port);
    rs_errno(connect(fd, RS_SA(a), sizeof a), EINPROGRESS, "non-blocking connect: EINPROGRESS");
    rs_stage = "connect to complete (POLLOUT)";
    phase++;
    break;
  }
  case 1: {
    short ev = rs_poll1(fd, POLLIN | POLLOUT);
    if (!ev) return;
    rs_eq(ev, POLLOUT, "connected: poll reports POLLOUT only");
    rs_eq_err(rs_getint(fd, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR is 0 once connected");
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    rs_sys(getpeername(fd, RS_SA(a), &len), "getpeername once connected");
    rs_check(len == sizeof a && a.sin_family == AF_INET && a.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
                 ntohs(a.sin_port) == echo_port,
             "getpeername is 127.0.0.1:echo port", "len %d %s", (int)len, rs_addrstr(&a));
    len = sizeof a;
    rs_sys(getsockname(fd, RS_SA(a), &len), "getsockname once connected");
    rs_check(a.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && a.sin_port != 0, "getsockname is 127.0.0.1 with an ephemeral port",
             "%s", rs_addrstr(&a));
    struct sockaddr_in e = rs_v4("127.0.0.1", echo_port);
    /* Linux: the first connect() after completion reports success, later ones EISCONN. */
    rs_eq(connect(fd, RS_SA(e), sizeof e), 0, "connect() again after completion returns 0 (Linux)");
    rs_errno(connect(fd, RS_SA(e), sizeof e), EISCONN, "connect() once more: EISCONN");
    rs_errno(recv(fd, buf, sizeof buf, 0), EAGAIN, "recv with nothing queued: EAGAIN");
    rs_eq(send(fd, "hello rawsock", 13, 0), 13, "send 13 bytes");
    rs_stage = "the 13-byte echo";
    phase++;
    break;
  }
  case 2: {
    ssize_t r;
    while ((r = recv(fd, in + got, 13 - got, 0)) > 0) got += (size_t)r;
    if (got < 13) return;
    rs_check(memcmp(in, "hello rawsock", 13) == 0, "the echo matches", "got '%.13s'", (char *)in);
    rs_fill(out, BIG, 0);
    sent = got = 0;
    rs_stage = "the 256 KiB echo";
    phase++;
    break;
  }
  case 3: { /* write what fits, read what came back, until all 256 KiB are home */
    ssize_t r;
    while (sent < BIG && (r = send(fd, out + sent, BIG - sent, 0)) > 0) sent += (size_t)r;
    if (sent < BIG && errno != EAGAIN) rs_check(0, "send during the big echo", "errno %s", rs_errname(errno)), rs_exit();
    while ((r = recv(fd, in + got, BIG - got, 0)) > 0) got += (size_t)r;
    if (got < BIG) return;
    rs_check(rs_verify(in, BIG, 0) < 0, "256 KiB echoed intact and in order", "first bad byte at %ld", rs_verify(in, BIG, 0));
    rs_sys(shutdown(fd, SHUT_WR), "shutdown(SHUT_WR)");
    rs_stage = "EOF from the echo server";
    phase++;
    break;
  }
  case 4: {
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r < 0 && errno == EAGAIN) return;
    rs_eq(r, 0, "recv returns 0 (EOF) after the echo server ends its side");
    rs_eq(recv(fd, buf, sizeof buf, 0), 0, "EOF is sticky: recv returns 0 again");
    rs_sys(close(fd), "close");
    rs_errno(send(fd, "x", 1, 0), EBADF, "send on the closed fd: EBADF");
    rs_exit();
  }
  }
}

int main(int argc, char **argv) {
  echo_port = rs_port(argc, argv, "--echo-port");
  rs_run(step, 10000);
  return 0;
}
