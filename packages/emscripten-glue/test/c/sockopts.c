/*
 * sockopts.c — every socket option rawsock supports, as Linux reports it:
 * read-only ones (SO_ERROR, SO_TYPE, SO_DOMAIN, SO_PROTOCOL,
 * SO_ACCEPTCONN), defaults, set/get round trips (bool options read back 1,
 * buffer sizes doubled, timeouts in jiffies), Linux's range checks, and
 * the errors for wrong levels, short lengths and non-sockets. Where a value
 * comes from a sysctl (buffer sizes, TTL, keepalive timers) the rule is
 * asserted, not the number. No peers.
 */
#include "rs_loop.h"
#include <sys/time.h>

static char desc[160];

static const char *d(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(desc, sizeof desc, fmt, ap);
  va_end(ap);
  return desc;
}

#define DEFAULT(fd, level, opt, want) rs_eq(rs_getint(fd, level, opt), want, d("%s defaults to %d", #opt, want))
#define ROUNDTRIP(fd, level, opt, set, want)                                                                            \
  do {                                                                                                                  \
    rs_sys(rs_setint(fd, level, opt, set), d("%s set to %d", #opt, set));                                               \
    rs_eq(rs_getint(fd, level, opt), want, d("%s set to %d reads back %d", #opt, set, want));                           \
  } while (0)
#define REJECT(fd, level, opt, set, err) rs_errno(rs_setint(fd, level, opt, set), err, d("%s set to %d: %s", #opt, set, #err))

static void socket_level(int tcp, int udp, int lst) {
  rs_eq(rs_getint(tcp, SOL_SOCKET, SO_TYPE), SOCK_STREAM, "SO_TYPE of a TCP socket (SOCK_NONBLOCK not included)");
  rs_eq(rs_getint(udp, SOL_SOCKET, SO_TYPE), SOCK_DGRAM, "SO_TYPE of a UDP socket");
  rs_eq(rs_getint(tcp, SOL_SOCKET, SO_DOMAIN), AF_INET, "SO_DOMAIN AF_INET");
  rs_eq(rs_getint(tcp, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP, "SO_PROTOCOL IPPROTO_TCP");
  rs_eq(rs_getint(udp, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP, "SO_PROTOCOL IPPROTO_UDP");
  rs_eq_err(rs_getint(tcp, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR of a fresh socket is 0");
  rs_eq(rs_getint(tcp, SOL_SOCKET, SO_ACCEPTCONN), 0, "SO_ACCEPTCONN 0 before listen");
  rs_eq(rs_getint(lst, SOL_SOCKET, SO_ACCEPTCONN), 1, "SO_ACCEPTCONN 1 after listen");
  REJECT(tcp, SOL_SOCKET, SO_TYPE, 1, ENOPROTOOPT);
  REJECT(tcp, SOL_SOCKET, SO_ACCEPTCONN, 1, ENOPROTOOPT);

  /* Boolean options: any non-zero value reads back as 1. */
  DEFAULT(tcp, SOL_SOCKET, SO_REUSEADDR, 0);
  ROUNDTRIP(tcp, SOL_SOCKET, SO_REUSEADDR, 5, 1);
  ROUNDTRIP(tcp, SOL_SOCKET, SO_REUSEADDR, 0, 0);
  DEFAULT(tcp, SOL_SOCKET, SO_REUSEPORT, 0);
  ROUNDTRIP(tcp, SOL_SOCKET, SO_REUSEPORT, 1, 1);
  DEFAULT(tcp, SOL_SOCKET, SO_KEEPALIVE, 0);
  ROUNDTRIP(tcp, SOL_SOCKET, SO_KEEPALIVE, 7, 1);
  DEFAULT(udp, SOL_SOCKET, SO_BROADCAST, 0);
  /* Without SO_BROADCAST a broadcast address is refused (lo's 127.255.255.255). */
  struct sockaddr_in bc = rs_v4("127.255.255.255", 9);
  rs_errno(sendto(udp, "b", 1, 0, RS_SA(bc), sizeof bc), EACCES, "sendto a broadcast address without SO_BROADCAST: EACCES");
  ROUNDTRIP(udp, SOL_SOCKET, SO_BROADCAST, 1, 1);
  rs_eq(sendto(udp, "b", 1, 0, RS_SA(bc), sizeof bc), 1, "...with SO_BROADCAST it is sent");

  struct linger lg = { 0, 0 };
  socklen_t len = sizeof lg;
  rs_check(getsockopt(tcp, SOL_SOCKET, SO_LINGER, &lg, &len) == 0 && len == sizeof lg && lg.l_onoff == 0 && lg.l_linger == 0,
           "SO_LINGER defaults to {0, 0}", "{%d, %d} len %d", lg.l_onoff, lg.l_linger, (int)len);
  lg = (struct linger){ 3, 5 };
  rs_sys(setsockopt(tcp, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), "SO_LINGER set to {3, 5}");
  getsockopt(tcp, SOL_SOCKET, SO_LINGER, &lg, &len);
  rs_check(lg.l_onoff == 1 && lg.l_linger == 5, "SO_LINGER reads back {1, 5} (l_onoff as a boolean)", "{%d, %d}", lg.l_onoff, lg.l_linger);
  rs_errno(setsockopt(tcp, SOL_SOCKET, SO_LINGER, &lg, sizeof(int)), EINVAL, "SO_LINGER with a short length: EINVAL");

  /* Buffer sizes: defaults come from sysctls (net.core.*mem_default, tcp_*mem); Linux stores twice the request. */
  rs_check(rs_getint(tcp, SOL_SOCKET, SO_RCVBUF) > 0 && rs_getint(tcp, SOL_SOCKET, SO_SNDBUF) > 0,
           "SO_RCVBUF and SO_SNDBUF default to positive sizes (sysctl)", NULL);
  ROUNDTRIP(tcp, SOL_SOCKET, SO_RCVBUF, 65536, 131072);
  ROUNDTRIP(tcp, SOL_SOCKET, SO_SNDBUF, 65536, 131072);
  ROUNDTRIP(udp, SOL_SOCKET, SO_RCVBUF, 32768, 65536);
  int min = (rs_setint(tcp, SOL_SOCKET, SO_RCVBUF, 1), rs_getint(tcp, SOL_SOCKET, SO_RCVBUF));
  rs_check(min > 2 && min < 65536, "SO_RCVBUF set to 1 reads back Linux's small minimum", "got %d", min);

  /* Timeouts: {0,0} by default; stored in jiffies, so whole milliseconds read back exactly. */
  struct timeval tv = { 9, 9 };
  len = sizeof tv;
  rs_check(getsockopt(tcp, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 && tv.tv_sec == 0 && tv.tv_usec == 0, "SO_RCVTIMEO defaults to {0, 0}",
           "{%ld, %ld}", (long)tv.tv_sec, (long)tv.tv_usec);
  tv = (struct timeval){ 1, 500000 };
  rs_sys(setsockopt(tcp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "SO_RCVTIMEO set to 1.5 s");
  tv = (struct timeval){ 0, 0 };
  getsockopt(tcp, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
  rs_check(tv.tv_sec == 1 && tv.tv_usec == 500000, "SO_RCVTIMEO reads back {1, 500000}", "{%ld, %ld}", (long)tv.tv_sec, (long)tv.tv_usec);
  tv = (struct timeval){ 0, 1 };
  setsockopt(tcp, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  getsockopt(tcp, SOL_SOCKET, SO_SNDTIMEO, &tv, &len);
  /* One jiffy: 1000 us at HZ=1000, 4000 at HZ=250 (a kernel build option). */
  rs_check(tv.tv_sec == 0 && tv.tv_usec >= 1000 && tv.tv_usec <= 10000, "SO_SNDTIMEO of 1 us reads back rounded up to one jiffy",
           "{%ld, %ld}", (long)tv.tv_sec, (long)tv.tv_usec);
  tv = (struct timeval){ 0, 1000000 };
  rs_errno(setsockopt(tcp, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), EDOM, "SO_SNDTIMEO with tv_usec 1000000: EDOM");

  rs_errno(setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, "\1\0", 2), EINVAL, "setsockopt with a 2-byte int: EINVAL");
  rs_errno(rs_setint(tcp, SOL_SOCKET, 9999, 1), ENOPROTOOPT, "unknown SOL_SOCKET option: ENOPROTOOPT");
  int v;
  len = sizeof v;
  rs_errno(getsockopt(tcp, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT, "getsockopt of an unknown option: ENOPROTOOPT");
}

static void tcp_level(int tcp, int udp) {
  DEFAULT(tcp, IPPROTO_TCP, TCP_NODELAY, 0);
  ROUNDTRIP(tcp, IPPROTO_TCP, TCP_NODELAY, 3, 1);
  /* Keepalive timers default to sysctls (tcp_keepalive_time/intvl/probes): only > 0 is asserted. */
  rs_check(rs_getint(tcp, IPPROTO_TCP, TCP_KEEPIDLE) > 0 && rs_getint(tcp, IPPROTO_TCP, TCP_KEEPINTVL) > 0 &&
               rs_getint(tcp, IPPROTO_TCP, TCP_KEEPCNT) > 0,
           "TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT default to positive values (sysctl)", NULL);
  ROUNDTRIP(tcp, IPPROTO_TCP, TCP_KEEPIDLE, 60, 60);
  ROUNDTRIP(tcp, IPPROTO_TCP, TCP_KEEPINTVL, 10, 10);
  ROUNDTRIP(tcp, IPPROTO_TCP, TCP_KEEPCNT, 5, 5);
  REJECT(tcp, IPPROTO_TCP, TCP_KEEPIDLE, 0, EINVAL);
  REJECT(tcp, IPPROTO_TCP, TCP_KEEPIDLE, 32768, EINVAL);
  REJECT(tcp, IPPROTO_TCP, TCP_KEEPINTVL, 0, EINVAL);
  REJECT(tcp, IPPROTO_TCP, TCP_KEEPCNT, 0, EINVAL);
  REJECT(tcp, IPPROTO_TCP, TCP_KEEPCNT, 128, EINVAL);
  rs_errno(rs_setint(udp, IPPROTO_TCP, TCP_NODELAY, 1), ENOPROTOOPT, "TCP_NODELAY on a UDP socket: ENOPROTOOPT");
}

static void ip_level(int tcp, int udp) {
  int ttl = rs_getint(tcp, IPPROTO_IP, IP_TTL);
  /* The default is net.ipv4.ip_default_ttl (64 unless changed). */
  rs_check(ttl >= 1 && ttl <= 255, "IP_TTL defaults to a valid TTL (sysctl)", "got %d", ttl);
  ROUNDTRIP(tcp, IPPROTO_IP, IP_TTL, 32, 32);
  rs_sys(rs_setint(tcp, IPPROTO_IP, IP_TTL, -1), "IP_TTL set to -1");
  rs_eq(rs_getint(tcp, IPPROTO_IP, IP_TTL), ttl, "IP_TTL set to -1 reads back the default");
  REJECT(tcp, IPPROTO_IP, IP_TTL, 0, EINVAL);
  REJECT(tcp, IPPROTO_IP, IP_TTL, 256, EINVAL);
  DEFAULT(udp, IPPROTO_IP, IP_MULTICAST_TTL, 1);
  ROUNDTRIP(udp, IPPROTO_IP, IP_MULTICAST_TTL, 4, 4);
  REJECT(udp, IPPROTO_IP, IP_MULTICAST_TTL, 256, EINVAL);
  DEFAULT(udp, IPPROTO_IP, IP_MULTICAST_LOOP, 1);
  ROUNDTRIP(udp, IPPROTO_IP, IP_MULTICAST_LOOP, 0, 0);

  /* Joining on 127.0.0.1 picks lo by address, independent of routes. */
  struct ip_mreq m;
  inet_pton(AF_INET, "239.1.2.3", &m.imr_multiaddr);
  inet_pton(AF_INET, "127.0.0.1", &m.imr_interface);
  rs_sys(setsockopt(udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m), "IP_ADD_MEMBERSHIP 239.1.2.3 on 127.0.0.1");
  rs_errno(setsockopt(udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m), EADDRINUSE, "joining the same group twice: EADDRINUSE");
  rs_sys(setsockopt(udp, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m, sizeof m), "IP_DROP_MEMBERSHIP");
  rs_errno(setsockopt(udp, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m, sizeof m), EADDRNOTAVAIL, "leaving a group not joined: EADDRNOTAVAIL");
  inet_pton(AF_INET, "10.1.2.3", &m.imr_multiaddr);
  rs_errno(setsockopt(udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m), EINVAL, "IP_ADD_MEMBERSHIP of a unicast address: EINVAL");
  rs_errno(rs_setint(tcp, IPPROTO_IPV6, IPV6_V6ONLY, 1), ENOPROTOOPT, "IPV6_V6ONLY on an AF_INET socket: ENOPROTOOPT");
}

static void ipv6_level(void) {
  int t6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0), u6 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (t6 < 0 || u6 < 0) {
    rs_skip("IPv6 options", "no AF_INET6");
    return;
  }
  rs_eq(rs_getint(t6, SOL_SOCKET, SO_DOMAIN), AF_INET6, "SO_DOMAIN AF_INET6");
  /* The default is net.ipv6.bindv6only (0 unless changed). */
  int only = rs_getint(t6, IPPROTO_IPV6, IPV6_V6ONLY);
  rs_check(only == 0 || only == 1, "IPV6_V6ONLY defaults to 0 or 1 (sysctl)", "got %d", only);
  ROUNDTRIP(t6, IPPROTO_IPV6, IPV6_V6ONLY, 1, 1);
  ROUNDTRIP(t6, IPPROTO_IPV6, IPV6_V6ONLY, 0, 0);
  struct sockaddr_in6 a = rs_v6("::1", 0);
  bind(t6, RS_SA(a), sizeof a);
  REJECT(t6, IPPROTO_IPV6, IPV6_V6ONLY, 1, EINVAL); /* not after bind */
  DEFAULT(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1);
  ROUNDTRIP(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 5, 5);
  ROUNDTRIP(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, -1, 1); /* -1: back to the default */
  REJECT(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 256, EINVAL);
  DEFAULT(u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1);
  ROUNDTRIP(u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, 0);
  REJECT(u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 2, EINVAL);

  /* lo is interface 1 on Linux: joining there needs no multicast route. */
  struct ipv6_mreq m = { .ipv6mr_interface = 1 };
  inet_pton(AF_INET6, "ff15::1234", &m.ipv6mr_multiaddr);
  rs_sys(setsockopt(u6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m), "IPV6_JOIN_GROUP ff15::1234 on lo");
  rs_errno(setsockopt(u6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m), EADDRINUSE, "joining twice: EADDRINUSE");
  rs_sys(setsockopt(u6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &m, sizeof m), "IPV6_LEAVE_GROUP");
  rs_errno(setsockopt(u6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &m, sizeof m), EADDRNOTAVAIL, "leaving a group not joined: EADDRNOTAVAIL");
  inet_pton(AF_INET6, "fd00::1", &m.ipv6mr_multiaddr);
  rs_errno(setsockopt(u6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m), EINVAL, "IPV6_JOIN_GROUP of a unicast address: EINVAL");
  close(t6);
  close(u6);
}

static void step(void) {
  int tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int port, lst = rs_listen_tcp(AF_INET, &port);
  rs_check(tcp >= 0 && udp >= 0 && lst >= 0, "sockets for the options", NULL);
  socket_level(tcp, udp, lst);
  tcp_level(tcp, udp);
  ip_level(tcp, udp);
  ipv6_level();

  int v = 1, fds[2];
  if (pipe(fds) == 0) {
    rs_errno(setsockopt(fds[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof v), ENOTSOCK, "setsockopt on a pipe: ENOTSOCK");
    close(fds[0]), close(fds[1]);
  }
  close(tcp);
  rs_errno(setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v), EBADF, "setsockopt on a closed fd: EBADF");
  socklen_t len = sizeof v;
  rs_errno(getsockopt(tcp, SOL_SOCKET, SO_TYPE, &v, &len), EBADF, "getsockopt on a closed fd: EBADF");
  close(udp);
  close(lst);
  rs_exit();
}

int main(void) {
  rs_run(step, 10000);
  return 0;
}
