/*
 * mmsg.c — sendmmsg/recvmmsg on UDP: a batch to one peer with msg_len
 * filled in, per-message destinations (the harness echo and a local
 * socket), recvmmsg taking at most vlen and then the rest, msg_name and
 * MSG_TRUNC per message, EAGAIN when nothing is queued.
 * argv: --udp-echo-port P
 */
#include "rs_loop.h"

static int echo_port, phase, a, b;
static struct sockaddr_in echo, baddr;
static long long until;
static char bufs[5][16];
static struct sockaddr_in names[5];
static struct mmsghdr vec[5];
static struct iovec iov[5];

static void prepare(int n, size_t size) {
  memset(vec, 0, sizeof vec);
  for (int i = 0; i < n; i++) {
    iov[i] = (struct iovec){ bufs[i], size };
    vec[i].msg_hdr.msg_iov = &iov[i];
    vec[i].msg_hdr.msg_iovlen = 1;
    vec[i].msg_hdr.msg_name = &names[i];
    vec[i].msg_hdr.msg_namelen = sizeof names[i];
  }
}

static void step(void) {
  switch (phase) {
  case 0: {
    a = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in lo = rs_v4("127.0.0.1", 0);
    bind(a, RS_SA(lo), sizeof lo);
    bind(b, RS_SA(lo), sizeof lo);
    baddr = rs_v4("127.0.0.1", rs_local_port(b));
    prepare(5, sizeof bufs[0]);
    rs_errno(recvmmsg(b, vec, 5, 0, NULL), EAGAIN, "recvmmsg with nothing queued: EAGAIN");
    static char *payload[3] = { "1", "22", "333" };
    struct mmsghdr out[3];
    struct iovec oiov[3];
    memset(out, 0, sizeof out);
    for (int i = 0; i < 3; i++) {
      oiov[i] = (struct iovec){ payload[i], strlen(payload[i]) };
      out[i].msg_hdr = (struct msghdr){ .msg_name = &baddr, .msg_namelen = sizeof baddr, .msg_iov = &oiov[i], .msg_iovlen = 1 };
    }
    rs_eq(sendmmsg(a, out, 3, 0), 3, "sendmmsg of 3 datagrams: 3");
    rs_check(out[0].msg_len == 1 && out[1].msg_len == 2 && out[2].msg_len == 3, "msg_len set per message: 1, 2, 3", "%u %u %u",
             out[0].msg_len, out[1].msg_len, out[2].msg_len);
    rs_stage = "the 3 datagrams";
    phase++;
    break;
  }
  case 1: /* once one is there, give the others a moment: the batch should be whole */
    if (!(rs_poll1(b, POLLIN) & POLLIN)) return;
    until = rs_now_ms() + 50;
    phase++;
    break;
  case 2: {
    if (rs_now_ms() < until) return;
    prepare(2, sizeof bufs[0]);
    rs_eq(recvmmsg(b, vec, 2, 0, NULL), 2, "recvmmsg with vlen 2 takes 2");
    rs_check(vec[0].msg_len == 1 && vec[1].msg_len == 2 && memcmp(bufs[1], "22", 2) == 0, "...the first two, in order", "%u %u",
             vec[0].msg_len, vec[1].msg_len);
    rs_check(vec[0].msg_hdr.msg_namelen == sizeof names[0] && ntohs(names[0].sin_port) == rs_local_port(a),
             "...with each sender in msg_name", "%s", rs_addrstr(&names[0]));
    prepare(5, 2);
    rs_eq(recvmmsg(b, vec, 5, 0, NULL), 1, "recvmmsg with vlen 5 takes the 1 left");
    rs_check(vec[0].msg_len == 2 && (vec[0].msg_hdr.msg_flags & MSG_TRUNC), "a 3-byte datagram into 2 bytes: msg_len 2, MSG_TRUNC",
             "len %u flags 0x%x", vec[0].msg_len, vec[0].msg_hdr.msg_flags);
    rs_errno(recvmmsg(b, vec, 5, 0, NULL), EAGAIN, "then EAGAIN");

    struct mmsghdr out[2];
    struct iovec oiov[2] = { { "to echo", 7 }, { "to b", 4 } };
    memset(out, 0, sizeof out);
    out[0].msg_hdr = (struct msghdr){ .msg_name = &echo, .msg_namelen = sizeof echo, .msg_iov = &oiov[0], .msg_iovlen = 1 };
    out[1].msg_hdr = (struct msghdr){ .msg_name = &baddr, .msg_namelen = sizeof baddr, .msg_iov = &oiov[1], .msg_iovlen = 1 };
    rs_eq(sendmmsg(a, out, 2, 0), 2, "sendmmsg with a destination per message: 2");
    rs_stage = "the echo and the datagram to b";
    phase++;
    break;
  }
  case 3:
    if (!(rs_poll1(a, POLLIN) & POLLIN) || !(rs_poll1(b, POLLIN) & POLLIN)) return;
    prepare(5, sizeof bufs[0]);
    rs_check(recvmmsg(a, vec, 5, 0, NULL) == 1 && vec[0].msg_len == 7 && ntohs(names[0].sin_port) == echo_port,
             "the echo came back from the echo port", "%s", rs_addrstr(&names[0]));
    prepare(5, sizeof bufs[0]);
    rs_check(recvmmsg(b, vec, 5, 0, NULL) == 1 && vec[0].msg_len == 4 && memcmp(bufs[0], "to b", 4) == 0, "b got its datagram", NULL);
    close(a), close(b);
    rs_exit();
  }
}

int main(int argc, char **argv) {
  echo_port = rs_port(argc, argv, "--udp-echo-port");
  echo = rs_v4("127.0.0.1", echo_port);
  rs_run(step, 10000);
  return 0;
}
