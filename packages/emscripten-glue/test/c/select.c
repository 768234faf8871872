/*
 * select.c — select() with a zero timeout on sockets: nothing ready (0,
 * sets cleared), writable once connected, readable with data, a listener
 * readable with a pending connection, nfds excluding an fd, a refused
 * connect readable and writable (not in exceptfds), EOF readable, EBADF.
 * argv: --closed-port P
 */
#include "rs_loop.h"
#include <sys/select.h>

static int closed_port, phase, extra = -1, refused = -1;
static struct rs_pair p;

/* select() with a zero timeout on one fd; returns the count, sets r, w, x from the three sets. */
static int sel(int fd, int nfds, int *r, int *w, int *x) {
  fd_set rs, ws, xs;
  FD_ZERO(&rs);
  FD_ZERO(&ws);
  FD_ZERO(&xs);
  FD_SET(fd, &rs);
  FD_SET(fd, &ws);
  FD_SET(fd, &xs);
  struct timeval tv = { 0, 0 };
  int n = select(nfds, r ? &rs : NULL, w ? &ws : NULL, x ? &xs : NULL, &tv);
  if (r) *r = FD_ISSET(fd, &rs) != 0;
  if (w) *w = FD_ISSET(fd, &ws) != 0;
  if (x) *x = FD_ISSET(fd, &xs) != 0;
  return n;
}

static void step(void) {
  int r = 0, w = 0, x = 0, n;
  switch (phase) {
  case 0:
    rs_sys(rs_pair_start(&p, AF_INET), "an in-process TCP connection");
    rs_stage = "connection";
    phase++;
    break;
  case 1:
    if (!rs_pair_ready(&p)) return;
    n = sel(p.s, p.s + 1, &r, NULL, &x);
    rs_check(n == 0 && !r && !x, "idle socket: select returns 0 and clears the sets", "n %d r %d x %d", n, r, x);
    n = sel(p.c, p.c + 1, &r, &w, NULL);
    rs_check(n == 1 && !r && w, "connected socket: writable only", "n %d r %d w %d", n, r, w);
    rs_eq(send(p.c, "data", 4, 0), 4, "send 4 bytes");
    extra = rs_connect_tcp(AF_INET, p.port);
    refused = rs_connect_tcp(AF_INET, closed_port);
    rs_stage = "data to become readable";
    phase++;
    break;
  case 2:
    if (sel(p.s, p.s + 1, &r, NULL, NULL) == 0) return;
    rs_check(r, "with data queued: readable", NULL);
    rs_eq(sel(p.s, p.s, &r, NULL, NULL), 0, "nfds = fd leaves the fd out: 0");
    rs_stage = "the listener to become readable";
    phase++;
    break;
  case 3:
    if (sel(p.l, p.l + 1, &r, NULL, NULL) == 0) return;
    rs_check(r, "a listener with a pending connection: readable", NULL);
    rs_stage = "the refused connect";
    phase++;
    break;
  case 4:
    if (sel(refused, refused + 1, NULL, &w, NULL) == 0) return;
    n = sel(refused, refused + 1, &r, &w, &x);
    rs_check(n == 2 && r && w && !x, "refused connect: readable and writable, not in exceptfds", "n %d r %d w %d x %d", n, r, w, x);
    rs_eq_err(rs_getint(refused, SOL_SOCKET, SO_ERROR), ECONNREFUSED, "...SO_ERROR ECONNREFUSED");
    char buf[8];
    rs_eq(recv(p.s, buf, sizeof buf, 0), 4, "read the 4 bytes");
    rs_check(sel(p.s, p.s + 1, &r, NULL, NULL) == 0 && !r, "drained: not readable", NULL);
    close(p.c);
    rs_stage = "EOF to become readable";
    phase++;
    break;
  case 5: {
    char buf[8];
    if (sel(p.s, p.s + 1, &r, NULL, NULL) == 0) return;
    rs_check(r && recv(p.s, buf, sizeof buf, 0) == 0, "peer closed: readable, recv 0", NULL);
    close(p.s), close(p.l), close(extra), close(refused);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p.s, &rs);
    struct timeval tv = { 0, 0 };
    rs_errno(select(p.s + 1, &rs, NULL, NULL, &tv), EBADF, "select on a closed fd: EBADF");
    rs_exit();
  }
  }
}

int main(int argc, char **argv) {
  closed_port = rs_port(argc, argv, "--closed-port");
  rs_run(step, 10000);
  return 0;
}
