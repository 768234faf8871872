/*
 * refused.c — connecting to ports nobody listens on. TCP: EINPROGRESS,
 * then POLLIN | POLLOUT | POLLERR | POLLHUP, and the error delivered once,
 * by whichever of SO_ERROR, connect() again or recv() asks first. UDP: a
 * connected socket gets ECONNREFUSED from the ICMP error, an unconnected
 * one does not (Linux, without IP_RECVERR).
 * argv: --closed-port P --closed-udp-port Q
 */
#include "rs_loop.h"

static int tcp_port, udp_port, phase, t1, t2, t3, u1, u2;
static struct sockaddr_in closed_tcp, closed_udp;
static long long until;
static char buf[16];

static int start(const char *what) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  rs_errno(connect(fd, RS_SA(closed_tcp), sizeof closed_tcp), EINPROGRESS, what);
  return fd;
}

static int failed(int fd) { return rs_poll1(fd, POLLIN | POLLOUT) & POLLERR; }

static void step(void) {
  switch (phase) {
  case 0:
    t1 = start("connect to a closed port: EINPROGRESS");
    t2 = start("a second one");
    t3 = start("a third one");
    rs_stage = "the refusals";
    phase++;
    break;
  case 1:
    if (!failed(t1) || !failed(t2) || !failed(t3)) return;
    rs_eq(rs_poll1(t1, POLLIN | POLLOUT), POLLIN | POLLOUT | POLLERR | POLLHUP, "refused: POLLIN | POLLOUT | POLLERR | POLLHUP");
    rs_eq_err(rs_getint(t1, SOL_SOCKET, SO_ERROR), ECONNREFUSED, "SO_ERROR: ECONNREFUSED");
    rs_eq_err(rs_getint(t1, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR again: 0 (reading clears it)");
    rs_eq(rs_poll1(t1, POLLIN | POLLOUT) & POLLERR, 0, "no POLLERR once the error is read");
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    rs_errno(getpeername(t1, RS_SA(a), &len), ENOTCONN, "getpeername: ENOTCONN");
    rs_errno(connect(t2, RS_SA(closed_tcp), sizeof closed_tcp), ECONNREFUSED, "connect() again reports it: ECONNREFUSED");
    rs_eq_err(rs_getint(t2, SOL_SOCKET, SO_ERROR), 0, "...and clears it: SO_ERROR 0");
    rs_errno(recv(t3, buf, sizeof buf, 0), ECONNREFUSED, "recv() reports it too: ECONNREFUSED");
    rs_eq_err(rs_getint(t3, SOL_SOCKET, SO_ERROR), 0, "...and clears it: SO_ERROR 0");
    close(t1), close(t2), close(t3);

    u1 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    rs_eq(connect(u1, RS_SA(closed_udp), sizeof closed_udp), 0, "UDP connect to a closed port: 0");
    rs_eq(send(u1, "x", 1, 0), 1, "UDP send to it: 1");
    u2 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    rs_eq(sendto(u2, "x", 1, 0, RS_SA(closed_udp), sizeof closed_udp), 1, "unconnected UDP sendto it: 1");
    until = rs_now_ms() + 100;
    rs_stage = "the ICMP error on connected UDP";
    phase++;
    break;
  case 2:
    if (!failed(u1)) return;
    rs_errno(recv(u1, buf, sizeof buf, 0), ECONNREFUSED, "connected UDP: recv ECONNREFUSED (ICMP port unreachable)");
    rs_errno(recv(u1, buf, sizeof buf, 0), EAGAIN, "then EAGAIN");
    rs_stage = "100 ms for the unconnected socket";
    phase++;
    break;
  case 3:
    if (rs_now_ms() < until) return;
    rs_eq(rs_poll1(u2, POLLIN) & POLLERR, 0, "unconnected UDP: no POLLERR (Linux ignores ICMP for it)");
    rs_errno(recv(u2, buf, sizeof buf, 0), EAGAIN, "...recv EAGAIN");
    close(u1), close(u2);
    rs_exit();
  }
}

int main(int argc, char **argv) {
  tcp_port = rs_port(argc, argv, "--closed-port");
  udp_port = rs_port(argc, argv, "--closed-udp-port");
  closed_tcp = rs_v4("127.0.0.1", tcp_port);
  closed_udp = rs_v4("127.0.0.1", udp_port);
  rs_run(step, 10000);
  return 0;
}
