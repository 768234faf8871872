/*
 * ipv6.c — AF_INET6: TCP over [::1] in-process, a dual-stack listener
 * ([::], IPV6_V6ONLY 0) accepting an IPv4 client as ::ffff:127.0.0.1, a
 * V6ONLY listener refusing IPv4, v4-mapped TCP and UDP to the harness's
 * IPv4 echoes, UDP over [::1], sockaddr_in6 sizes. Skips if the machine has
 * no IPv6.  argv: --echo-port P --udp-echo-port Q
 */
#include "rs_loop.h"

static int echo_port, udp_echo_port, phase;
static int l6, c6, s6 = -1, dual, c4, only, c4b, mapped, u1, u2, u3;
static char buf[256];
static size_t have;

static int is_mapped_loopback(const struct sockaddr_in6 *a) {
  struct in6_addr m;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &m);
  return a->sin6_family == AF_INET6 && memcmp(&a->sin6_addr, &m, sizeof m) == 0;
}

static int listen6(const char *ip, int v6only, int *port) {
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
  rs_setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only);
  struct sockaddr_in6 a = rs_v6(ip, 0);
  if (bind(fd, RS_SA(a), sizeof a) < 0 || listen(fd, 4) < 0) return -1;
  *port = rs_local_port(fd);
  return fd;
}

static void step(void) {
  struct sockaddr_in6 a;
  socklen_t len = sizeof a;
  switch (phase) {
  case 0: {
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    if (probe < 0) {
      rs_skip("IPv6", "socket(AF_INET6) failed");
      rs_exit();
    }
    close(probe);
    int port, dport, oport;
    l6 = listen6("::1", 0, &port);
    rs_sys(l6, "listen on [::1]:0");
    struct sockaddr_in6 to = rs_v6("::1", port);
    c6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rs_errno(connect(c6, RS_SA(to), sizeof to), EINPROGRESS, "connect to [::1]: EINPROGRESS");
    dual = listen6("::", 0, &dport);
    rs_sys(dual, "dual-stack listener on [::]:0 (IPV6_V6ONLY 0)");
    c4 = rs_connect_tcp(AF_INET, dport);
    only = listen6("::", 1, &oport);
    rs_sys(only, "IPV6_V6ONLY listener on [::]:0");
    c4b = rs_connect_tcp(AF_INET, oport);
    rs_stage = "accept on [::1]";
    phase++;
    break;
  }
  case 1:
    if ((s6 = accept4(l6, RS_SA(a), &len, SOCK_NONBLOCK)) < 0) return;
    rs_check(len == sizeof a && a.sin6_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a.sin6_addr), "accepted peer is [::1], 28-byte address",
             "len %d %s", (int)len, rs_addrstr(&a));
    len = sizeof a;
    getsockname(c6, RS_SA(a), &len);
    rs_check(len == sizeof a && IN6_IS_ADDR_LOOPBACK(&a.sin6_addr) && a.sin6_port != 0, "client getsockname is [::1]:ephemeral", "%s",
             rs_addrstr(&a));
    rs_stage = "client connected over [::1]";
    phase++;
    break;
  case 2:
    if (!(rs_poll1(c6, POLLOUT) & POLLOUT)) return;
    rs_eq(send(c6, "six", 3, 0), 3, "send over [::1]");
    rs_stage = "data over [::1]";
    phase++;
    break;
  case 3:
    if (recv(s6, buf, sizeof buf, 0) != 3) return;
    rs_check(memcmp(buf, "six", 3) == 0, "received over [::1]", NULL);
    rs_stage = "the IPv4 client on the dual-stack listener";
    phase++;
    break;
  case 4: {
    int s = accept(dual, RS_SA(a), &len);
    if (s < 0) return;
    rs_check(is_mapped_loopback(&a) && ntohs(a.sin6_port) == rs_local_port(c4),
             "dual-stack listener sees the IPv4 client as ::ffff:127.0.0.1", "%s", rs_addrstr(&a));
    close(s);
    rs_stage = "IPv4 connect to the V6ONLY listener's port to fail";
    phase++;
    break;
  }
  case 5:
    if (!(rs_poll1(c4b, POLLOUT) & (POLLERR | POLLHUP))) return;
    rs_eq_err(rs_getint(c4b, SOL_SOCKET, SO_ERROR), ECONNREFUSED, "V6ONLY listener: IPv4 connect refused");
    mapped = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 e = rs_v6("::ffff:127.0.0.1", echo_port);
    rs_errno(connect(mapped, RS_SA(e), sizeof e), EINPROGRESS, "AF_INET6 connect to ::ffff:127.0.0.1 (the IPv4 echo)");
    rs_stage = "v4-mapped connect";
    phase++;
    break;
  case 6:
    if (!(rs_poll1(mapped, POLLOUT) & POLLOUT)) return;
    getpeername(mapped, RS_SA(a), &len);
    rs_check(is_mapped_loopback(&a) && ntohs(a.sin6_port) == echo_port, "getpeername is ::ffff:127.0.0.1:echo", "%s", rs_addrstr(&a));
    rs_eq(send(mapped, "mapped", 6, 0), 6, "send over v4-mapped TCP");
    have = 0;
    rs_stage = "v4-mapped TCP echo";
    phase++;
    break;
  case 7: {
    ssize_t r = recv(mapped, buf + have, sizeof buf - have, 0);
    if (r > 0) have += (size_t)r;
    if (have < 6) return;
    rs_check(memcmp(buf, "mapped", 6) == 0, "v4-mapped TCP echo matches", NULL);
    u1 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    u2 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 lo = rs_v6("::1", 0);
    rs_sys(bind(u1, RS_SA(lo), sizeof lo), "UDP bind [::1]:0");
    rs_sys(bind(u2, RS_SA(lo), sizeof lo), "second UDP bind [::1]:0");
    struct sockaddr_in6 to = rs_v6("::1", rs_local_port(u1));
    rs_eq(sendto(u2, "udp six", 7, 0, RS_SA(to), sizeof to), 7, "UDP sendto [::1]");
    rs_stage = "UDP datagram over [::1]";
    phase++;
    break;
  }
  case 8: {
    ssize_t r = recvfrom(u1, buf, sizeof buf, 0, RS_SA(a), &len);
    if (r < 0) return;
    rs_check(r == 7 && len == sizeof a && IN6_IS_ADDR_LOOPBACK(&a.sin6_addr) && ntohs(a.sin6_port) == rs_local_port(u2),
             "UDP recvfrom over [::1] gives the sender", "%zd bytes from %s", r, rs_addrstr(&a));
    u3 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 e = rs_v6("::ffff:127.0.0.1", udp_echo_port);
    rs_eq(sendto(u3, "mapped udp", 10, 0, RS_SA(e), sizeof e), 10, "AF_INET6 UDP sendto ::ffff:127.0.0.1 (the IPv4 echo)");
    rs_stage = "v4-mapped UDP echo";
    phase++;
    break;
  }
  case 9: {
    ssize_t r = recvfrom(u3, buf, sizeof buf, 0, RS_SA(a), &len);
    if (r < 0) return;
    rs_check(r == 10 && is_mapped_loopback(&a) && ntohs(a.sin6_port) == udp_echo_port, "the echo comes from ::ffff:127.0.0.1:echo",
             "%zd bytes from %s", r, rs_addrstr(&a));
    rs_exit();
  }
  }
}

int main(int argc, char **argv) {
  echo_port = rs_port(argc, argv, "--echo-port");
  udp_echo_port = rs_port(argc, argv, "--udp-echo-port");
  rs_run(step, 10000);
  return 0;
}
