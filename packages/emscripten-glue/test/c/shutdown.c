/*
 * shutdown.c — half-close and reset on in-process TCP connections:
 * SHUT_WR (peer sees POLLRDHUP and EOF, writer gets EPIPE but keeps
 * POLLOUT and keeps receiving), both directions shut (POLLHUP), SHUT_RD
 * (recv returns 0, later data still delivered on Linux), shutdown of a
 * listener, ENOTCONN/EINVAL, close() with unread data and SO_LINGER {1,0}
 * both sending a reset (ECONNRESET). No peers.
 */
#include "rs_loop.h"

static struct rs_pair p, q, r, k;
static int phase;
static char buf[64];

static void step(void) {
  short ev;
  switch (phase) {
  case 0:
    rs_sys(rs_pair_start(&p, AF_INET), "an in-process TCP connection");
    rs_stage = "connection";
    phase++;
    break;
  case 1: {
    if (!rs_pair_ready(&p)) return;
    int fresh = socket(AF_INET, SOCK_STREAM, 0);
    rs_errno(shutdown(fresh, SHUT_WR), ENOTCONN, "shutdown of an unconnected socket: ENOTCONN");
    close(fresh);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    rs_errno(shutdown(udp, SHUT_RDWR), ENOTCONN, "shutdown of an unconnected UDP socket: ENOTCONN");
    close(udp);
    rs_errno(shutdown(p.c, 7), EINVAL, "shutdown(how = 7): EINVAL");
    rs_sys(shutdown(p.c, SHUT_WR), "shutdown(SHUT_WR)");
    rs_eq(rs_poll1(p.c, POLLOUT) & POLLOUT, POLLOUT, "after SHUT_WR, POLLOUT is still reported");
    rs_errno(send(p.c, "x", 1, MSG_NOSIGNAL), EPIPE, "send after SHUT_WR: EPIPE");
    rs_stage = "the peer to see the half-close";
    phase++;
    break;
  }
  case 2:
    ev = rs_poll1(p.s, POLLIN | POLLOUT | POLLRDHUP);
    if (!(ev & POLLRDHUP)) return;
    rs_eq(ev, POLLIN | POLLOUT | POLLRDHUP, "the peer: POLLIN | POLLOUT | POLLRDHUP, no POLLHUP");
    rs_eq(recv(p.s, buf, sizeof buf, 0), 0, "the peer reads EOF");
    rs_eq(send(p.s, "still open", 10, 0), 10, "the peer can still send");
    rs_stage = "data on the half-closed socket";
    phase++;
    break;
  case 3:
    if (recv(p.c, buf, sizeof buf, 0) != 10) return;
    rs_check(memcmp(buf, "still open", 10) == 0, "the half-closed side still receives", NULL);
    rs_sys(shutdown(p.s, SHUT_WR), "the peer shuts down writing too");
    rs_stage = "POLLHUP with both directions shut";
    phase++;
    break;
  case 4:
    ev = rs_poll1(p.c, POLLIN | POLLOUT | POLLRDHUP);
    if (!(ev & POLLHUP)) return;
    rs_eq(ev, POLLIN | POLLOUT | POLLRDHUP | POLLHUP, "both directions shut: POLLIN | POLLOUT | POLLRDHUP | POLLHUP");
    rs_eq(recv(p.c, buf, sizeof buf, 0), 0, "recv: EOF");
    close(p.c), close(p.s), close(p.l);
    rs_pair_start(&q, AF_INET);
    rs_stage = "second connection";
    phase++;
    break;
  case 5:
    if (!rs_pair_ready(&q)) return;
    rs_sys(shutdown(q.c, SHUT_RD), "shutdown(SHUT_RD)");
    rs_eq(recv(q.c, buf, sizeof buf, 0), 0, "after SHUT_RD, recv returns 0 rather than EAGAIN");
    rs_eq(rs_poll1(q.c, POLLIN | POLLRDHUP) & (POLLIN | POLLRDHUP), POLLIN | POLLRDHUP, "after SHUT_RD: POLLIN | POLLRDHUP");
    rs_eq(send(q.s, "late", 4, 0), 4, "the peer sends after SHUT_RD");
    rs_sys(shutdown(q.l, SHUT_RD), "shutdown(SHUT_RD) of a listener succeeds (Linux)");
    rs_errno(accept(q.l, NULL, NULL), EINVAL, "...and stops it: accept EINVAL");
    rs_stage = "data sent after SHUT_RD";
    phase++;
    break;
  case 6: {
    int n = 0;
    if (ioctl(q.c, FIONREAD, &n) < 0 || n < 4) return;
    rs_check(recv(q.c, buf, sizeof buf, 0) == 4 && memcmp(buf, "late", 4) == 0, "data arriving after SHUT_RD is still delivered (Linux)", NULL);
    close(q.c), close(q.s), close(q.l);
    rs_pair_start(&r, AF_INET);
    rs_stage = "third connection";
    phase++;
    break;
  }
  case 7:
    if (!rs_pair_ready(&r)) return;
    rs_eq(send(r.c, "unread", 6, 0), 6, "send 6 bytes the peer will not read");
    rs_stage = "the unread bytes to arrive";
    phase++;
    break;
  case 8: {
    int n = 0;
    if (ioctl(r.s, FIONREAD, &n) < 0 || n < 6) return;
    rs_sys(close(r.s), "close() with unread data");
    rs_stage = "the reset";
    phase++;
    break;
  }
  case 9:
    ev = rs_poll1(r.c, POLLIN);
    if (!(ev & POLLERR)) return;
    rs_check((ev & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP), "reset: POLLERR | POLLHUP", "revents 0x%x", ev);
    rs_errno(recv(r.c, buf, sizeof buf, 0), ECONNRESET, "close() with unread data resets: recv ECONNRESET");
    rs_eq(recv(r.c, buf, sizeof buf, 0), 0, "once reported, recv returns 0");
    rs_errno(send(r.c, "x", 1, MSG_NOSIGNAL), EPIPE, "send after the reset: EPIPE");
    close(r.c), close(r.l);
    rs_pair_start(&k, AF_INET);
    rs_stage = "fourth connection";
    phase++;
    break;
  case 10: {
    if (!rs_pair_ready(&k)) return;
    struct linger lg = { 1, 0 };
    rs_sys(setsockopt(k.s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), "SO_LINGER {1, 0}");
    rs_sys(close(k.s), "close() with SO_LINGER {1, 0}");
    rs_stage = "the linger reset";
    phase++;
    break;
  }
  case 11:
    if (!(rs_poll1(k.c, POLLIN) & POLLERR)) return;
    rs_eq_err(rs_getint(k.c, SOL_SOCKET, SO_ERROR), ECONNRESET, "SO_LINGER {1, 0} close resets: the peer's SO_ERROR is ECONNRESET");
    rs_eq_err(rs_getint(k.c, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR is cleared once read");
    close(k.c), close(k.l);
    rs_exit();
  }
}

int main(void) {
  rs_run(step, 10000);
  return 0;
}
