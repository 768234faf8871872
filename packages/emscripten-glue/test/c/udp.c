/*
 * udp.c — UDP against the harness echo: EAGAIN, implicit bind on first
 * sendto, datagram boundaries (incl. zero-length and 9000 bytes), sender
 * address, truncation, connected UDP (filtering, send/recv, sendto with an
 * address, AF_UNSPEC disconnect), EDESTADDRREQ, EINVAL for port 0, EMSGSIZE.
 * argv: --udp-echo-port P
 */
#include "rs_loop.h"

static int echo_port, u = -1, c = -1, b = -1, phase, nrecv;
static struct sockaddr_in echo;
static const int sizes[] = { 9, 1, 100, 1000, 0, 9000 };
static unsigned char buf[70000];

static void step(void) {
  switch (phase) {
  case 0: {
    u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    rs_sys(u, "socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK)");
    rs_errno(recvfrom(u, buf, sizeof buf, 0, NULL, NULL), EAGAIN, "recvfrom with nothing queued: EAGAIN");
    rs_eq(rs_local_port(u), 0, "a new UDP socket is unbound (port 0)");
    rs_errno(send(u, "x", 1, 0), EDESTADDRREQ, "send() without a destination: EDESTADDRREQ");
    rs_eq(sendto(u, "dgram one", 9, 0, RS_SA(echo), sizeof echo), 9, "sendto the echo: 9 bytes");
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    getsockname(u, RS_SA(me), &len);
    rs_check(me.sin_port != 0 && me.sin_addr.s_addr == htonl(INADDR_ANY), "the first sendto bound it to 0.0.0.0:ephemeral", "%s",
             rs_addrstr(&me));
    for (int i = 1; i < 6; i++) {
      rs_fill(buf, (size_t)sizes[i], 0);
      if (sendto(u, buf, (size_t)sizes[i], 0, RS_SA(echo), sizeof echo) != sizes[i]) rs_check(0, "sendto sizes", "size %d: %s", sizes[i], rs_errname(errno));
    }
    rs_check(1, "sendto 1, 100, 1000, 0 and 9000 bytes", NULL);
    rs_stage = "six echoed datagrams";
    phase++;
    break;
  }
  case 1: { /* the echoes, one datagram per recvfrom */
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t r = recvfrom(u, buf, sizeof buf, 0, RS_SA(from), &len);
    if (r < 0) return;
    if (nrecv == 0) {
      rs_check(len == sizeof from && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(from.sin_port) == echo_port,
               "recvfrom gives the sender, 127.0.0.1:echo port", "len %d %s", (int)len, rs_addrstr(&from));
      rs_check(r == 9 && memcmp(buf, "dgram one", 9) == 0, "first datagram echoed", "got %zd bytes", r);
    } else if (sizes[nrecv] != r || rs_verify(buf, (size_t)r, 0) >= 0) {
      rs_check(0, "datagram boundaries kept", "datagram %d: %zd bytes, want %d", nrecv, r, sizes[nrecv]);
    }
    if (++nrecv < 6) return;
    rs_check(1, "5 more datagrams, boundaries kept (a 0-byte one reads as 0)", NULL);
    rs_fill(buf, 100, 0);
    sendto(u, buf, 100, 0, RS_SA(echo), sizeof echo);
    sendto(u, "ten bytes!", 10, 0, RS_SA(echo), sizeof echo);
    rs_stage = "a 100-byte and a 10-byte datagram";
    phase++;
    break;
  }
  case 2: { /* truncation: a short read consumes the whole datagram */
    char small[10];
    ssize_t r = recv(u, small, 10, 0);
    if (r < 0) return;
    rs_check(r == 10 && rs_verify((unsigned char *)small, 10, 0) < 0, "recv(10) of a 100-byte datagram returns 10", "got %zd", r);
    rs_stage = "the 10-byte datagram after the truncated one";
    phase++;
    break;
  }
  case 3: {
    ssize_t r = recv(u, buf, sizeof buf, 0);
    if (r < 0) return;
    rs_check(r == 10 && memcmp(buf, "ten bytes!", 10) == 0, "the rest of a truncated datagram is discarded", "got %zd", r);
    /* Connected UDP: b (a stranger) writes to c first; only the echo may come through. */
    c = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in lo = rs_v4("127.0.0.1", 0);
    rs_sys(bind(b, RS_SA(lo), sizeof lo), "bind a second socket to 127.0.0.1:0");
    rs_eq(connect(c, RS_SA(echo), sizeof echo), 0, "connect() a UDP socket to the echo: 0 at once");
    struct sockaddr_in peer, me;
    socklen_t len = sizeof peer;
    rs_check(getpeername(c, RS_SA(peer), &len) == 0 && ntohs(peer.sin_port) == echo_port, "getpeername of connected UDP is the echo",
             "%s", rs_addrstr(&peer));
    len = sizeof me;
    getsockname(c, RS_SA(me), &len);
    rs_check(me.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && me.sin_port != 0, "connect() bound it to 127.0.0.1:ephemeral", "%s",
             rs_addrstr(&me));
    rs_eq(sendto(b, "stranger", 8, 0, RS_SA(me), sizeof me), 8, "a stranger sends to the connected socket");
    rs_eq(send(c, "connected", 9, 0), 9, "send() on connected UDP");
    rs_stage = "the echo on the connected socket";
    phase++;
    break;
  }
  case 4: {
    ssize_t r = recv(c, buf, sizeof buf, 0);
    if (r < 0) return;
    rs_check(r == 9 && memcmp(buf, "connected", 9) == 0, "connected UDP drops datagrams from other addresses",
             "first datagram: %zd bytes '%.*s'", r, (int)(r > 0 ? r : 0), (char *)buf);
    struct sockaddr_in bb;
    socklen_t len = sizeof bb;
    getsockname(b, RS_SA(bb), &len);
    rs_eq(sendto(c, "aside", 5, 0, RS_SA(bb), sizeof bb), 5, "sendto() with an address on connected UDP is allowed (Linux)");
    rs_stage = "the datagram sent aside";
    phase++;
    break;
  }
  case 5: {
    ssize_t r = recv(b, buf, sizeof buf, 0);
    if (r < 0) return;
    rs_check(r == 5 && memcmp(buf, "aside", 5) == 0, "...and goes to that address", "got %zd", r);
    struct sockaddr unspec = { .sa_family = AF_UNSPEC };
    rs_eq(connect(c, &unspec, sizeof unspec), 0, "connect(AF_UNSPEC) dissolves the association");
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    rs_errno(getpeername(c, RS_SA(peer), &len), ENOTCONN, "...then getpeername: ENOTCONN");
    rs_errno(send(c, "x", 1, 0), EDESTADDRREQ, "...and send(): EDESTADDRREQ");
    struct sockaddr_in zero = rs_v4("127.0.0.1", 0);
    rs_errno(sendto(c, "x", 1, 0, RS_SA(zero), sizeof zero), EINVAL, "sendto port 0: EINVAL");
    rs_errno(sendto(c, buf, 65508, 0, RS_SA(echo), sizeof echo), EMSGSIZE, "a datagram over 65507 bytes: EMSGSIZE");
    rs_sys(close(u), "close");
    close(c);
    close(b);
    rs_exit();
  }
  }
}

int main(int argc, char **argv) {
  echo_port = rs_port(argc, argv, "--udp-echo-port");
  echo = rs_v4("127.0.0.1", echo_port);
  rs_run(step, 10000);
  return 0;
}
