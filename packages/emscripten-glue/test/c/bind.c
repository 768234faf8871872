/*
 * bind.c — binding: getsockname right after bind(:0) and of an unbound
 * socket, listen() binding implicitly, EINVAL/EAFNOSUPPORT/EADDRNOTAVAIL,
 * conflicts (EADDRINUSE) with and without SO_REUSEADDR / SO_REUSEPORT,
 * TCP vs UDP, IPv4 vs dual-stack IPv6, a port another process holds, and
 * rebinding a port in TIME_WAIT.  argv: --echo-port P
 */
#include "rs_loop.h"

static int echo_port, phase;
static struct rs_pair t;
static char buf[16];
static long long until;

static int tcp(int reuseaddr, int reuseport) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (reuseaddr) rs_setint(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (reuseport) rs_setint(fd, SOL_SOCKET, SO_REUSEPORT, 1);
  return fd;
}

static int bind_to(int fd, const char *ip, int port) {
  struct sockaddr_in a = rs_v4(ip, port);
  return bind(fd, RS_SA(a), sizeof a);
}

static void synchronous_checks(void) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  int s = tcp(0, 0);
  rs_check(getsockname(s, RS_SA(a), &len) == 0 && a.sin_family == AF_INET && a.sin_port == 0 && a.sin_addr.s_addr == 0,
           "getsockname of an unbound socket: 0.0.0.0:0", "%s", rs_addrstr(&a));
  rs_sys(bind_to(s, "127.0.0.1", 0), "bind 127.0.0.1:0");
  len = sizeof a;
  getsockname(s, RS_SA(a), &len);
  int port = ntohs(a.sin_port);
  rs_check(port > 0 && a.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "getsockname right after bind(:0): 127.0.0.1 and the chosen port",
           "%s", rs_addrstr(&a));
  rs_errno(bind_to(s, "127.0.0.1", 0), EINVAL, "binding a bound socket again: EINVAL");
  int b = tcp(0, 0);
  rs_errno(bind_to(b, "127.0.0.1", port), EADDRINUSE, "same port, bound but not listening: EADDRINUSE");
  close(b);
  rs_sys(listen(s, 4), "listen");
  b = tcp(1, 0);
  rs_errno(bind_to(b, "127.0.0.1", port), EADDRINUSE, "SO_REUSEADDR does not allow binding a listening port: EADDRINUSE");
  close(b);
  b = socket(AF_INET, SOCK_DGRAM, 0);
  rs_sys(bind_to(b, "127.0.0.1", port), "a UDP socket on the same port number: TCP and UDP ports are separate");
  close(b);
  if ((b = socket(AF_INET6, SOCK_STREAM, 0)) >= 0) {
    int l4 = tcp(0, 0), p4;
    bind_to(l4, "0.0.0.0", 0);
    listen(l4, 4);
    p4 = rs_local_port(l4);
    struct sockaddr_in6 any6 = rs_v6("::", p4);
    rs_setint(b, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    rs_errno(bind(b, RS_SA(any6), sizeof any6), EADDRINUSE, "dual-stack [::] on a port 0.0.0.0 listens on: EADDRINUSE");
    close(b);
    b = socket(AF_INET6, SOCK_STREAM, 0);
    rs_setint(b, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    rs_sys(bind(b, RS_SA(any6), sizeof any6), "with IPV6_V6ONLY it binds");
    close(b), close(l4);
  } else {
    rs_skip("IPv6 bind conflicts", "no AF_INET6");
  }
  close(s);

  /* SO_REUSEADDR on both, neither listening: Linux lets both bind, only one listen. */
  int r1 = tcp(1, 0), r2 = tcp(1, 0);
  bind_to(r1, "127.0.0.1", 0);
  rs_sys(bind_to(r2, "127.0.0.1", rs_local_port(r1)), "SO_REUSEADDR on both, neither listening: the second bind succeeds (Linux)");
  rs_sys(listen(r1, 4), "one of them listens");
  rs_errno(listen(r2, 4), EADDRINUSE, "the other cannot: listen EADDRINUSE");
  close(r1), close(r2);

  int p1 = tcp(0, 1), p2 = tcp(0, 1);
  bind_to(p1, "127.0.0.1", 0);
  rs_sys(bind_to(p2, "127.0.0.1", rs_local_port(p1)), "SO_REUSEPORT on both: the second bind succeeds");
  rs_check(listen(p1, 4) == 0 && listen(p2, 4) == 0, "...and both listen", "errno %s", rs_errname(errno));
  close(p1), close(p2);

  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  bind_to(u1, "127.0.0.1", 0);
  rs_errno(bind_to(u2, "127.0.0.1", rs_local_port(u1)), EADDRINUSE, "UDP, same port: EADDRINUSE");
  close(u1), close(u2);
  u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  rs_setint(u1, SOL_SOCKET, SO_REUSEADDR, 1);
  rs_setint(u2, SOL_SOCKET, SO_REUSEADDR, 1);
  bind_to(u1, "127.0.0.1", 0);
  rs_sys(bind_to(u2, "127.0.0.1", rs_local_port(u1)), "UDP with SO_REUSEADDR on both: shared");
  close(u1), close(u2);

  b = tcp(0, 0);
  rs_errno(bind_to(b, "127.0.0.1", echo_port), EADDRINUSE, "a port another process listens on: EADDRINUSE");
  /* 203.0.113.0/24 is TEST-NET-3, not on this host (unless net.ipv4.ip_nonlocal_bind is set). */
  rs_errno(bind_to(b, "203.0.113.7", 0), EADDRNOTAVAIL, "an address not on this host: EADDRNOTAVAIL");
  struct sockaddr_in a4 = rs_v4("127.0.0.1", 0);
  rs_errno(bind(b, RS_SA(a4), 4), EINVAL, "an address length of 4: EINVAL");
  struct sockaddr_in6 a6 = rs_v6("::1", 0);
  rs_errno(bind(b, RS_SA(a6), sizeof a6), EAFNOSUPPORT, "a sockaddr_in6 on an AF_INET socket: EAFNOSUPPORT");
  rs_errno(getpeername(b, RS_SA(a4), &len), ENOTCONN, "getpeername of an unconnected socket: ENOTCONN");
  rs_sys(listen(b, 4), "listen() without bind()");
  len = sizeof a4;
  getsockname(b, RS_SA(a4), &len);
  rs_check(a4.sin_port != 0 && a4.sin_addr.s_addr == 0, "...binds 0.0.0.0 and an ephemeral port", "%s", rs_addrstr(&a4));
  close(b);
}

static void step(void) {
  switch (phase) {
  case 0:
    synchronous_checks();
    /* TIME_WAIT: a server (with SO_REUSEADDR, as servers do) closes first. */
    t.s = -1;
    t.l = tcp(1, 0);
    bind_to(t.l, "127.0.0.1", 0);
    listen(t.l, 4);
    t.port = rs_local_port(t.l);
    t.c = rs_connect_tcp(AF_INET, t.port);
    rs_stage = "connection for TIME_WAIT";
    phase++;
    break;
  case 1:
    if (!rs_pair_ready(&t)) return;
    close(t.s);
    rs_stage = "the client to see EOF";
    phase++;
    break;
  case 2:
    if (recv(t.c, buf, sizeof buf, 0) != 0) return;
    close(t.c);
    close(t.l);
    until = rs_now_ms() + 50;
    rs_stage = "50 ms for the server side to reach TIME_WAIT";
    phase++;
    break;
  case 3: {
    if (rs_now_ms() < until) return;
    int fresh = tcp(0, 0);
    rs_errno(bind_to(fresh, "127.0.0.1", t.port), EADDRINUSE, "rebinding a port in TIME_WAIT without SO_REUSEADDR: EADDRINUSE");
    close(fresh);
    int again = tcp(1, 0);
    rs_sys(bind_to(again, "127.0.0.1", t.port), "with SO_REUSEADDR it binds");
    rs_sys(listen(again, 4), "...and listens");
    close(again);
    rs_exit();
  }
  }
}

int main(int argc, char **argv) {
  echo_port = rs_port(argc, argv, "--echo-port");
  rs_run(step, 10000);
  return 0;
}
