/*
 * recvmsg_iov.c — sendmsg/recvmsg with several iovecs: gather and scatter
 * on TCP (an empty iovec in the middle, an iovec count of 0, a msg_name
 * ignored on connected TCP), and on UDP against the harness echo: msg_name
 * in and out, msg_flags 0 or MSG_TRUNC, the MSG_TRUNC flag returning the
 * real length (Linux), EDESTADDRREQ without msg_name.
 * argv: --udp-echo-port P
 */
#include "rs_loop.h"

static int echo_port, phase, u;
static struct rs_pair p;
static struct sockaddr_in echo;

static struct msghdr msg(struct iovec *iov, int n, void *name, socklen_t namelen) {
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = iov;
  m.msg_iovlen = (size_t)n;
  m.msg_name = name;
  m.msg_namelen = namelen;
  return m;
}

static void step(void) {
  char a[8], b[8], c[16];
  struct iovec in[3] = { { a, 2 }, { b, 3 }, { c, 10 } };
  int n = 0;
  switch (phase) {
  case 0:
    rs_sys(rs_pair_start(&p, AF_INET), "an in-process TCP connection");
    rs_stage = "connection";
    phase++;
    break;
  case 1: {
    if (!rs_pair_ready(&p)) return;
    struct iovec out[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
    struct msghdr m = msg(out, 3, NULL, 0);
    rs_eq(sendmsg(p.c, &m, 0), 8, "TCP sendmsg gathers 3 iovecs (one empty): 8 bytes");
    m = msg(out, 0, NULL, 0);
    rs_eq(sendmsg(p.c, &m, 0), 0, "sendmsg with no iovecs: 0");
    struct sockaddr_in elsewhere = rs_v4("127.0.0.1", 9);
    m = msg(out, 1, &elsewhere, sizeof elsewhere);
    rs_eq(sendmsg(p.c, &m, 0), 3, "sendmsg with a msg_name on connected TCP: the name is ignored (Linux)");
    rs_stage = "11 bytes at the server";
    phase++;
    break;
  }
  case 2: {
    if (ioctl(p.s, FIONREAD, &n) < 0 || n < 11) return;
    struct msghdr m = msg(in, 3, NULL, 0);
    ssize_t r = recvmsg(p.s, &m, 0);
    rs_eq(r, 11, "TCP recvmsg scatters 11 bytes over 2 + 3 + 10");
    rs_check(memcmp(a, "ab", 2) == 0 && memcmp(b, "cde", 3) == 0 && memcmp(c, "fghabc", 6) == 0, "...in order: ab | cde | fghabc", NULL);
    rs_eq(m.msg_flags, 0, "msg_flags 0");
    close(p.c), close(p.s), close(p.l);

    u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct iovec out[3] = { { "hello ", 6 }, { "from ", 5 }, { "iovecs", 6 } };
    m = msg(out, 3, NULL, 0);
    rs_errno(sendmsg(u, &m, 0), EDESTADDRREQ, "UDP sendmsg without msg_name: EDESTADDRREQ");
    m = msg(out, 3, &echo, sizeof echo);
    rs_eq(sendmsg(u, &m, 0), 17, "UDP sendmsg to the echo, 3 iovecs: one 17-byte datagram");
    rs_stage = "the echoed datagram";
    phase++;
    break;
  }
  case 3: {
    struct sockaddr_in from;
    memset(&from, 0, sizeof from);
    struct iovec two[2] = { { a, 4 }, { b, 4 } };
    struct msghdr m = msg(two, 2, &from, sizeof from);
    ssize_t r = recvmsg(u, &m, 0);
    if (r < 0) return;
    rs_eq(r, 8, "recvmsg into 4 + 4 bytes returns the 8 copied");
    rs_check(m.msg_flags & MSG_TRUNC, "msg_flags has MSG_TRUNC (the datagram was 17 bytes)", "msg_flags 0x%x", m.msg_flags);
    rs_check(memcmp(a, "hell", 4) == 0 && memcmp(b, "o fr", 4) == 0, "...holding the first 8 bytes", NULL);
    rs_check(m.msg_namelen == sizeof from && from.sin_family == AF_INET && ntohs(from.sin_port) == echo_port,
             "msg_name is the echo's address, msg_namelen 16", "len %d %s", (int)m.msg_namelen, rs_addrstr(&from));
    struct iovec out[2] = { { "twelve", 6 }, { " bytes", 6 } };
    m = msg(out, 2, &echo, sizeof echo);
    sendmsg(u, &m, 0);
    m = msg(out, 1, &echo, sizeof echo);
    sendmsg(u, &m, 0);
    rs_stage = "two more echoes";
    phase++;
    break;
  }
  case 4: {
    struct iovec one = { a, 4 };
    struct msghdr m = msg(&one, 1, NULL, 0);
    ssize_t r = recvmsg(u, &m, MSG_TRUNC);
    if (r < 0) return;
    rs_eq(r, 12, "recvmsg(MSG_TRUNC) returns the datagram's real length, 12 (Linux)");
    rs_check(m.msg_flags & MSG_TRUNC, "...and sets MSG_TRUNC", "msg_flags 0x%x", m.msg_flags);
    rs_stage = "the last echo";
    phase++;
    break;
  }
  case 5: {
    struct msghdr m = msg(in, 3, NULL, 0);
    ssize_t r = recvmsg(u, &m, 0);
    if (r < 0) return;
    rs_check(r == 6 && m.msg_flags == 0 && memcmp(a, "tw", 2) == 0 && memcmp(b, "elv", 3) == 0 && c[0] == 'e',
             "a datagram that fits: msg_flags 0, scattered", "r %zd flags 0x%x", r, m.msg_flags);
    close(u);
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
