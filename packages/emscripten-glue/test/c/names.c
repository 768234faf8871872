/*
 * names.c — getaddrinfo, getnameinfo, gethostbyname(_r), gethostbyaddr as
 * glibc answers them: localhost, /etc/hosts, numeric hosts, services, the
 * AI_* flags, EAI_* codes and h_errno. Then a non-blocking connect by name:
 * the peer getpeername reports is the real one (never a placeholder), and a
 * name that does not exist fails — at getaddrinfo (EAI_NONAME, natively and
 * in blocking builds) or, in event-driven builds where getaddrinfo cannot
 * wait for DNS, at the connect (EHOSTUNREACH through SO_ERROR).
 * argv: --echo-port P --echo-name NAME (resolves to 127.0.0.1) --bad-name NAME (does not exist)
 *       [--hosts-name NAME --hosts-addr A.B.C.D] (an IPv4 line of /etc/hosts)
 */
#include "rs_loop.h"
#include <netdb.h>

static int echo_port, phase, good, bad, bad_failed_early;
static const char *echo_name, *bad_name;
static long long until;

static struct addrinfo hints(int flags, int family, int socktype) {
  struct addrinfo h;
  memset(&h, 0, sizeof h);
  h.ai_flags = flags;
  h.ai_family = family;
  h.ai_socktype = socktype;
  return h;
}

/* The first result's address as text and port (-1 if none). */
static int first(const struct addrinfo *ai, char *text, size_t len) {
  if (!ai) return -1;
  const void *a = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                           : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
  inet_ntop(ai->ai_family, a, text, (socklen_t)len);
  return ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port);
}

static int gai(const char *node, const char *serv, struct addrinfo h, struct addrinfo **res) {
  *res = NULL;
  return getaddrinfo(node, serv, &h, res);
}

static void check_getaddrinfo(int argc, char **argv) {
  struct addrinfo *res, *p;
  char text[64];
  int e = gai("localhost", "80", hints(0, AF_INET, SOCK_STREAM), &res);
  rs_eq(e, 0, "localhost AF_INET SOCK_STREAM: 0");
  rs_eq(first(res, text, sizeof text), 80, "...port 80");
  rs_check(res && strcmp(text, "127.0.0.1") == 0, "...127.0.0.1", "got %s", text);
  rs_check(res && res->ai_socktype == SOCK_STREAM && res->ai_protocol == IPPROTO_TCP && res->ai_addrlen == sizeof(struct sockaddr_in),
           "...SOCK_STREAM, IPPROTO_TCP, sockaddr_in", "");
  if (res) freeaddrinfo(res);

  e = gai("localhost", "7", hints(0, AF_UNSPEC, 0), &res);
  int n = 0, loop = 1, stream = 0, dgram = 0;
  for (p = res; p; p = p->ai_next, n++) {
    first(p, text, sizeof text);
    loop &= strcmp(text, "127.0.0.1") == 0 || strcmp(text, "::1") == 0;
    stream |= p->ai_socktype == SOCK_STREAM && p->ai_protocol == IPPROTO_TCP;
    dgram |= p->ai_socktype == SOCK_DGRAM && p->ai_protocol == IPPROTO_UDP;
  }
  rs_check(e == 0 && n >= 2 && loop && stream && dgram, "localhost, no socktype: a list of loopback results, TCP and UDP", "e=%d n=%d", e, n);
  if (res) freeaddrinfo(res);

  e = gai("localhost", NULL, hints(AI_CANONNAME, AF_INET, SOCK_STREAM), &res);
  rs_check(e == 0 && res->ai_canonname && strcmp(res->ai_canonname, "localhost") == 0, "AI_CANONNAME: localhost", "e=%d", e);
  if (res) freeaddrinfo(res);

  e = gai("127.1", "7", hints(AI_NUMERICHOST, AF_UNSPEC, SOCK_DGRAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 7 && strcmp(text, "127.0.0.1") == 0 && res->ai_protocol == IPPROTO_UDP && !res->ai_next,
           "numeric 127.1 (inet_aton form), SOCK_DGRAM: one result, 127.0.0.1:7 UDP", "e=%d", e);
  if (res) freeaddrinfo(res);

  e = gai("::1", "8080", hints(AI_NUMERICHOST, AF_INET6, SOCK_STREAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 8080 && strcmp(text, "::1") == 0 && res->ai_addrlen == sizeof(struct sockaddr_in6),
           "numeric ::1 AF_INET6: [::1]:8080, sockaddr_in6", "e=%d", e);
  if (res) freeaddrinfo(res);

  rs_eq(gai("::1", "7", hints(AI_NUMERICHOST, AF_INET, 0), &res), EAI_ADDRFAMILY, "::1 with AF_INET: EAI_ADDRFAMILY");
  rs_eq(gai("127.0.0.1", "7", hints(0, AF_INET6, 0), &res), EAI_ADDRFAMILY, "127.0.0.1 with AF_INET6: EAI_ADDRFAMILY");
  e = gai("127.0.0.1", "7", hints(AI_V4MAPPED, AF_INET6, SOCK_STREAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 7 && strcmp(text, "::ffff:127.0.0.1") == 0, "AI_V4MAPPED: ::ffff:127.0.0.1", "e=%d %s", e, e ? "" : text);
  if (res) freeaddrinfo(res);

  e = gai(NULL, "8080", hints(AI_PASSIVE, AF_INET, SOCK_STREAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 8080 && strcmp(text, "0.0.0.0") == 0, "AI_PASSIVE, no node: 0.0.0.0", "e=%d", e);
  if (res) freeaddrinfo(res);
  e = gai(NULL, "8080", hints(AI_PASSIVE, AF_INET6, SOCK_STREAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 8080 && strcmp(text, "::") == 0, "AI_PASSIVE AF_INET6: ::", "e=%d", e);
  if (res) freeaddrinfo(res);
  e = gai(NULL, "8080", hints(0, AF_INET, SOCK_STREAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 8080 && strcmp(text, "127.0.0.1") == 0, "no node, no AI_PASSIVE: loopback", "e=%d", e);
  if (res) freeaddrinfo(res);
  e = gai(NULL, "8080", hints(0, AF_UNSPEC, SOCK_STREAM), &res);
  n = 0;
  for (p = res; p; p = p->ai_next) n++;
  rs_check(e == 0 && n == 2, "no node, AF_UNSPEC: ::1 and 127.0.0.1", "e=%d n=%d", e, n);
  if (res) freeaddrinfo(res);

  e = gai(NULL, "http", hints(0, AF_INET, SOCK_STREAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 80, "service name http: port 80", "e=%d", e);
  if (res) freeaddrinfo(res);
  e = gai(NULL, "domain", hints(0, AF_INET, SOCK_DGRAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 53, "service name domain, SOCK_DGRAM: port 53", "e=%d", e);
  if (res) freeaddrinfo(res);

  rs_eq(gai(NULL, NULL, hints(0, 0, 0), &res), EAI_NONAME, "no node and no service: EAI_NONAME");
  rs_eq(gai(NULL, "80", hints(0x10000, 0, 0), &res), EAI_BADFLAGS, "unknown flag: EAI_BADFLAGS");
  rs_eq(gai(NULL, "80", hints(AI_CANONNAME, 0, 0), &res), EAI_BADFLAGS, "AI_CANONNAME without a node: EAI_BADFLAGS");
  rs_eq(gai(NULL, "80", hints(0, AF_UNIX, 0), &res), EAI_FAMILY, "AF_UNIX: EAI_FAMILY");
  rs_eq(gai(NULL, "80", hints(0, 0, 99), &res), EAI_SOCKTYPE, "socktype 99: EAI_SOCKTYPE");
  rs_eq(gai(NULL, "no-such-service", hints(0, 0, 0), &res), EAI_SERVICE, "unknown service: EAI_SERVICE");
  rs_eq(gai(NULL, "http", hints(AI_NUMERICSERV, 0, 0), &res), EAI_NONAME, "AI_NUMERICSERV with a name: EAI_NONAME");
  rs_eq(gai("localhost", "80", hints(AI_NUMERICHOST, 0, 0), &res), EAI_NONAME, "AI_NUMERICHOST with a name: EAI_NONAME");
  rs_eq(gai("", NULL, hints(0, 0, 0), &res), EAI_NONAME, "empty name: EAI_NONAME");

  e = gai("localhost", "80", hints(AI_ADDRCONFIG, AF_INET, SOCK_STREAM), &res);
  rs_check(e == 0 && first(res, text, sizeof text) == 80 && strcmp(text, "127.0.0.1") == 0, "AI_ADDRCONFIG on a host with IPv4: localhost still resolves", "e=%d", e);
  if (res) freeaddrinfo(res);

  const char *hname = rs_arg(argc, argv, "--hosts-name"), *haddr = rs_arg(argc, argv, "--hosts-addr");
  if (hname && haddr) {
    e = gai(hname, "22", hints(AI_CANONNAME, AF_INET, SOCK_STREAM), &res);
    rs_check(e == 0 && first(res, text, sizeof text) == 22 && strcmp(text, haddr) == 0, "an /etc/hosts name resolves to its line's address", "e=%d", e);
    if (res) freeaddrinfo(res);
  } else {
    rs_skip("an /etc/hosts name", "no IPv4 name besides localhost in /etc/hosts");
  }
}

static void check_reverse(void) {
  char host[64], serv[32];
  struct sockaddr_in a = rs_v4("127.0.0.1", 80);
  rs_eq(getnameinfo(RS_SA(a), sizeof a, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV), 0, "getnameinfo numeric: 0");
  rs_check(strcmp(host, "127.0.0.1") == 0 && strcmp(serv, "80") == 0, "...127.0.0.1 80", "%s %s", host, serv);
  rs_eq(getnameinfo(RS_SA(a), sizeof a, host, sizeof host, serv, sizeof serv, 0), 0, "getnameinfo by name: 0");
  rs_check(strcmp(host, "localhost") == 0 && strcmp(serv, "http") == 0, "...localhost http", "%s %s", host, serv);
  a.sin_port = htons(53);
  rs_eq(getnameinfo(RS_SA(a), sizeof a, NULL, 0, serv, sizeof serv, NI_DGRAM), 0, "getnameinfo NI_DGRAM, service only: 0");
  rs_check(strcmp(serv, "domain") == 0, "...domain", "%s", serv);
  struct sockaddr_in other = rs_v4("198.51.100.7", 12345);
  rs_eq(getnameinfo(RS_SA(other), sizeof other, host, sizeof host, NULL, 0, NI_NAMEREQD), EAI_NONAME, "NI_NAMEREQD for an address without a name: EAI_NONAME");
  rs_eq(getnameinfo(RS_SA(other), sizeof other, host, sizeof host, serv, sizeof serv, 0), 0, "without NI_NAMEREQD: the number");
  rs_check(strcmp(host, "198.51.100.7") == 0 && strcmp(serv, "12345") == 0, "...198.51.100.7 12345", "%s %s", host, serv);
  rs_eq(getnameinfo(RS_SA(other), sizeof other, host, 4, NULL, 0, NI_NUMERICHOST), EAI_OVERFLOW, "host buffer too small: EAI_OVERFLOW");
  rs_eq(getnameinfo(RS_SA(other), 3, host, sizeof host, NULL, 0, 0), EAI_FAMILY, "short sockaddr: EAI_FAMILY");
  struct sockaddr_in6 six = rs_v6("::1", 443);
  rs_eq(getnameinfo(RS_SA(six), sizeof six, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV), 0, "getnameinfo IPv6 numeric: 0");
  rs_check(strcmp(host, "::1") == 0 && strcmp(serv, "443") == 0, "...::1 443", "%s %s", host, serv);

  struct hostent *h = gethostbyname("localhost");
  rs_check(h && h->h_addrtype == AF_INET && h->h_length == 4 && h->h_addr_list[0] && ((unsigned char *)h->h_addr_list[0])[0] == 127 && strcmp(h->h_name, "localhost") == 0,
           "gethostbyname localhost: AF_INET 127.x, h_name localhost", "h=%p", (void *)h);
  h = gethostbyname("10.1.2.3");
  rs_check(h && strcmp(h->h_name, "10.1.2.3") == 0 && memcmp(h->h_addr_list[0], "\x0a\x01\x02\x03", 4) == 0 && !h->h_addr_list[1], "gethostbyname numeric: itself", "");
  struct hostent he, *out = NULL;
  char buf[1024];
  int herr = -1;
  int r = gethostbyname_r("localhost", &he, buf, sizeof buf, &out, &herr);
  rs_check(r == 0 && out == &he && he.h_addr_list[0] && ((unsigned char *)he.h_addr_list[0])[0] == 127, "gethostbyname_r localhost: 0, result in the caller's buffer", "r=%d", r);
  r = gethostbyname_r("localhost", &he, buf, 8, &out, &herr);
  rs_check(r == ERANGE && out == NULL, "gethostbyname_r with an 8-byte buffer: ERANGE", "r=%d", r);
  struct in_addr lo = { htonl(INADDR_LOOPBACK) };
  h = gethostbyaddr(&lo, sizeof lo, AF_INET);
  rs_check(h && strcmp(h->h_name, "localhost") == 0, "gethostbyaddr 127.0.0.1: localhost", "h=%p", (void *)h);
  struct in_addr nx;
  inet_pton(AF_INET, "198.51.100.7", &nx);
  h = gethostbyaddr(&nx, sizeof nx, AF_INET);
  rs_check(!h && h_errno == HOST_NOT_FOUND, "gethostbyaddr of an address without a name: NULL, HOST_NOT_FOUND", "h=%p h_errno=%d", (void *)h, h_errno);
}

static int nb_socket(void) {
  return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
}

static void step(void) {
  struct addrinfo *res;
  switch (phase) {
  case 0: {
    int e = gai(echo_name, NULL, hints(0, AF_INET, SOCK_STREAM), &res);
    if (!rs_eq(e, 0, "getaddrinfo of the echo peer's name: 0")) rs_exit();
    ((struct sockaddr_in *)res->ai_addr)->sin_port = htons((unsigned short)echo_port);
    good = nb_socket();
    int r = connect(good, res->ai_addr, res->ai_addrlen);
    rs_check(r == 0 || errno == EINPROGRESS, "non-blocking connect by name: 0 or EINPROGRESS", "%s", rs_errname(errno));
    freeaddrinfo(res);
    e = gai(bad_name, "80", hints(0, AF_INET, SOCK_STREAM), &res);
    if (e != 0) {
      rs_eq(e, EAI_NONAME, "a name that does not exist: EAI_NONAME from getaddrinfo");
      bad_failed_early = 1;
    } else {
      bad = nb_socket();
      rs_errno(connect(bad, res->ai_addr, res->ai_addrlen), EINPROGRESS, "a name that does not exist (event-driven build): the connect starts, EINPROGRESS");
      rs_errno(connect(bad, res->ai_addr, res->ai_addrlen), EALREADY, "...a second connect while it resolves: EALREADY");
      freeaddrinfo(res);
    }
    rs_stage = "the connect by name";
    until = rs_now_ms() + 5000;
    phase++;
    break;
  }
  case 1: {
    short ev = rs_poll1(good, POLLOUT);
    if (!(ev & (POLLOUT | POLLERR))) return;
    rs_eq(ev & (POLLOUT | POLLERR), POLLOUT, "connected: POLLOUT, no POLLERR");
    rs_eq_err(rs_getint(good, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR 0");
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    rs_eq(getpeername(good, RS_SA(peer), &len), 0, "getpeername: 0");
    rs_check(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(peer.sin_port) == echo_port, "getpeername is the real peer (127.0.0.1:echo port)", "%s", rs_addrstr(&peer));
    rs_eq(send(good, "names", 5, 0), 5, "send 5 bytes");
    phase++;
    break;
  }
  case 2: {
    char buf[8];
    if (!(rs_poll1(good, POLLIN) & POLLIN)) return;
    rs_check(recv(good, buf, sizeof buf, 0) == 5 && memcmp(buf, "names", 5) == 0, "the echo peer answers", "");
    close(good);
    rs_stage = "the failed name's connect";
    phase++;
    break;
  }
  case 3:
    if (!bad_failed_early) {
      short ev = rs_poll1(bad, POLLOUT);
      if (!(ev & POLLERR)) return;
      rs_eq_err(rs_getint(bad, SOL_SOCKET, SO_ERROR), EHOSTUNREACH, "...then POLLERR and SO_ERROR EHOSTUNREACH");
      struct sockaddr_in peer;
      socklen_t len = sizeof peer;
      rs_errno(getpeername(bad, RS_SA(peer), &len), ENOTCONN, "...getpeername ENOTCONN (no address was made up)");
      close(bad);
    }
    rs_exit();
  }
}

int main(int argc, char **argv) {
  echo_port = rs_port(argc, argv, "--echo-port");
  echo_name = rs_need(argc, argv, "--echo-name");
  bad_name = rs_need(argc, argv, "--bad-name");
  check_getaddrinfo(argc, argv);
  check_reverse();
  rs_run(step, 10000);
  return 0;
}
