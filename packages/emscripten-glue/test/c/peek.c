/*
 * peek.c — MSG_PEEK on TCP and UDP (data stays queued, FIONREAD
 * unchanged, sender address on UDP, MSG_PEEK | MSG_TRUNC gives the real
 * datagram length on Linux), and MSG_DONTWAIT on a blocking socket. No peers.
 */
#include "rs_loop.h"

static struct rs_pair p;
static int phase, u1, u2;
static char buf[64];

static void step(void) {
  int n = 0;
  switch (phase) {
  case 0:
    rs_sys(rs_pair_start(&p, AF_INET), "an in-process TCP connection");
    rs_stage = "connection";
    phase++;
    break;
  case 1:
    if (!rs_pair_ready(&p)) return;
    rs_errno(recv(p.s, buf, sizeof buf, MSG_PEEK), EAGAIN, "MSG_PEEK with nothing queued: EAGAIN");
    rs_eq(send(p.c, "abcdef", 6, 0), 6, "send 6 bytes");
    rs_stage = "6 bytes queued";
    phase++;
    break;
  case 2:
    if (ioctl(p.s, FIONREAD, &n) < 0 || n < 6) return;
    rs_check(recv(p.s, buf, 3, MSG_PEEK) == 3 && memcmp(buf, "abc", 3) == 0, "peek 3: abc", NULL);
    rs_check(recv(p.s, buf, sizeof buf, MSG_PEEK) == 6 && memcmp(buf, "abcdef", 6) == 0, "peek again: all 6 still there", NULL);
    ioctl(p.s, FIONREAD, &n);
    rs_eq(n, 6, "FIONREAD unchanged by peeking");
    rs_check(recv(p.s, buf, 2, 0) == 2 && memcmp(buf, "ab", 2) == 0, "read 2: ab", NULL);
    rs_check(recv(p.s, buf, sizeof buf, MSG_PEEK) == 4 && memcmp(buf, "cdef", 4) == 0, "peek after the read: cdef", NULL);
    rs_check(recv(p.s, buf, sizeof buf, 0) == 4 && memcmp(buf, "cdef", 4) == 0, "read the rest: cdef", NULL);
    /* MSG_DONTWAIT makes one call non-blocking on a blocking socket. */
    fcntl(p.s, F_SETFL, fcntl(p.s, F_GETFL) & ~O_NONBLOCK);
    rs_errno(recv(p.s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "MSG_DONTWAIT on a blocking socket: EAGAIN");
    rs_errno(recv(p.s, buf, sizeof buf, MSG_DONTWAIT | MSG_PEEK), EAGAIN, "MSG_DONTWAIT | MSG_PEEK: EAGAIN");
    fcntl(p.s, F_SETFL, fcntl(p.s, F_GETFL) | O_NONBLOCK);
    close(p.c);
    rs_stage = "EOF";
    phase++;
    break;
  case 3: {
    ssize_t r = recv(p.s, buf, sizeof buf, MSG_PEEK);
    if (r < 0) return;
    rs_eq(r, 0, "MSG_PEEK at EOF: 0");
    rs_eq(recv(p.s, buf, sizeof buf, 0), 0, "...and recv: 0");
    close(p.s), close(p.l);
    u1 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    u2 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = rs_v4("127.0.0.1", 0);
    bind(u1, RS_SA(a), sizeof a);
    bind(u2, RS_SA(a), sizeof a);
    a.sin_port = htons((unsigned short)rs_local_port(u1));
    rs_eq(sendto(u2, "datagram-1", 10, 0, RS_SA(a), sizeof a), 10, "UDP: send a 10-byte datagram");
    rs_eq(sendto(u2, "dg-2", 4, 0, RS_SA(a), sizeof a), 4, "UDP: and a 4-byte one");
    rs_stage = "datagrams";
    phase++;
    break;
  }
  case 4: {
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t r = recvfrom(u1, buf, sizeof buf, MSG_PEEK, RS_SA(from), &len);
    if (r < 0) return;
    rs_check(r == 10 && ntohs(from.sin_port) == rs_local_port(u2), "UDP peek: the datagram and its sender", "%zd from %s", r,
             rs_addrstr(&from));
    rs_eq(recv(u1, buf, 4, MSG_PEEK), 4, "UDP peek with a 4-byte buffer: 4");
    rs_eq(recv(u1, buf, 4, MSG_PEEK | MSG_TRUNC), 10, "MSG_PEEK | MSG_TRUNC returns the full length (Linux)");
    rs_check(recv(u1, buf, sizeof buf, 0) == 10 && memcmp(buf, "datagram-1", 10) == 0, "the peeked datagram is still whole", NULL);
    rs_stage = "the second datagram";
    phase++;
    break;
  }
  case 5: {
    ssize_t r = recv(u1, buf, sizeof buf, 0);
    if (r < 0) return;
    rs_check(r == 4 && memcmp(buf, "dg-2", 4) == 0, "then the next one", "%zd bytes", r);
    close(u1), close(u2);
    rs_exit();
  }
  }
}

int main(void) {
  rs_run(step, 10000);
  return 0;
}
