/*
 * tcp_server_poll.c — a poll()-driven TCP echo server: prints
 * `listening PORT`, and the harness connects --clients clients at once,
 * each sending --bytes of the rs_fill pattern then ending; every byte is
 * echoed back and each connection closed after EOF. Checks accept's
 * EAGAIN, flags inherited (or not) by accepted sockets, addresses.
 * argv: --clients N --bytes B
 */
#include "rs_loop.h"

#define MAXC 8
static struct conn { int fd, eof; unsigned char *buf; size_t got, sent; } conns[MAXC];
static int lfd, port, nclients, bytes, accepted, finished;

static void on_accept(void) {
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  int fd;
  if (accepted == 0) {
    /* Linux: accept() does not pass the listener's O_NONBLOCK to the new socket. */
    fd = accept(lfd, RS_SA(peer), &len);
    if (fd < 0) return;
    rs_check(!(fcntl(fd, F_GETFL) & O_NONBLOCK), "accept(): the new socket is blocking (O_NONBLOCK not inherited)", NULL);
    rs_check(len == sizeof peer && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && peer.sin_port != 0,
             "accept() fills in the client's address", "%s", rs_addrstr(&peer));
    rs_eq(rs_local_port(fd), port, "the accepted socket's local port is the listener's");
    rs_sys(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), "fcntl(F_SETFL, O_NONBLOCK) on the accepted socket");
  } else {
    fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (accepted == 1) {
      rs_check(fcntl(fd, F_GETFL) & O_NONBLOCK, "accept4(SOCK_NONBLOCK): the new socket is non-blocking", NULL);
      rs_check(fcntl(fd, F_GETFD) & FD_CLOEXEC, "accept4(SOCK_CLOEXEC): FD_CLOEXEC set", NULL);
    }
  }
  if (accepted >= MAXC) {
    rs_check(0, "at most 8 clients", NULL);
    rs_exit();
  }
  conns[accepted++] = (struct conn){ fd, 0, malloc((size_t)bytes + 1), 0, 0 };
}

static void serve(struct conn *c) {
  ssize_t r;
  while (!c->eof && (r = recv(c->fd, c->buf + c->got, (size_t)bytes + 1 - c->got, 0)) >= 0) {
    if (r == 0) c->eof = 1;
    c->got += (size_t)r;
  }
  while (c->sent < c->got && (r = send(c->fd, c->buf + c->sent, c->got - c->sent, 0)) > 0) c->sent += (size_t)r;
  if (!c->eof || c->sent < c->got) return;
  rs_check(c->got == (size_t)bytes && rs_verify(c->buf, c->got, 0) < 0, "a client's stream arrived whole, echoed back",
           "got %zu bytes, first bad at %ld", c->got, rs_verify(c->buf, c->got, 0));
  close(c->fd);
  c->fd = -1;
  free(c->buf);
  if (++finished == nclients) {
    rs_eq(accepted, nclients, "served every client");
    rs_sys(close(lfd), "close the listener");
    rs_exit();
  }
}

static void step(void) {
  struct pollfd p[MAXC + 1] = { { lfd, POLLIN, 0 } };
  for (int i = 0; i < accepted; i++) p[i + 1] = (struct pollfd){ conns[i].fd, POLLIN | POLLOUT, 0 };
  if (poll(p, (nfds_t)accepted + 1, 0) <= 0) return;
  if (p[0].revents & POLLIN)
    for (int n = accepted; n < nclients; n++) on_accept();
  for (int i = 0; i < accepted; i++)
    if (conns[i].fd >= 0 && p[i + 1].revents) serve(&conns[i]);
}

int main(int argc, char **argv) {
  nclients = atoi(rs_need(argc, argv, "--clients"));
  bytes = atoi(rs_need(argc, argv, "--bytes"));
  lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int s_reuse = rs_setint(lfd, SOL_SOCKET, SO_REUSEADDR, 1);
  struct sockaddr_in a = rs_v4("127.0.0.1", 0);
  int s_bind = bind(lfd, RS_SA(a), sizeof a);
  port = rs_local_port(lfd);
  int s_listen = listen(lfd, 16);
  int s_accept = accept(lfd, NULL, NULL), e_accept = errno; /* before anyone can connect */
  printf("listening %d\n", port);
  rs_sys(lfd, "socket");
  rs_sys(s_reuse, "SO_REUSEADDR");
  rs_sys(s_bind, "bind 127.0.0.1:0");
  rs_check(port > 0, "getsockname gives the bound port", "port %d", port);
  rs_sys(s_listen, "listen");
  rs_eq(rs_getint(lfd, SOL_SOCKET, SO_ACCEPTCONN), 1, "SO_ACCEPTCONN is 1 on the listener");
  errno = e_accept;
  rs_errno(s_accept, EAGAIN, "accept with nobody connecting: EAGAIN");
  rs_stage = "clients to connect, send, end";
  rs_run(step, 10000);
  return 0;
}
