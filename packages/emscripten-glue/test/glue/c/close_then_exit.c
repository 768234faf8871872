/*
 * close_then_exit.c — the program ends with sent bytes still on their way.
 * Connects to --port, sends a pattern until EAGAIN whenever POLLOUT comes
 * back (the peer does not read yet, so every buffer on the way fills) until
 * 200 ms pass without POLLOUT, prints "sent N", closes the socket, prints
 * "close 0" and exits. On Linux close() returns at once and
 * the kernel goes on sending after the process has ended: a peer that
 * reads later gets all N bytes, then EOF. test/glue/orphans.test.ts runs it
 * against a peer that starts reading only after the program's close, and
 * against one that never reads.
 */
#include "../../c/rs_loop.h"

static int port, fd = -1, phase;
static unsigned char chunk[65536];
static size_t wrote;
static long long quiet_since;

/* Sends until EAGAIN; returns 0, or the errno if it was not EAGAIN. */
static int send_some(void) {
  for (;;) {
    rs_fill(chunk, sizeof chunk, wrote);
    ssize_t r = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);
    if (r < 0) return errno == EAGAIN ? 0 : errno;
    wrote += (size_t)r;
  }
}

static void step(void) {
  if (phase == 0) {
    fd = rs_connect_tcp(AF_INET, port);
    rs_sys(fd, "connect");
    phase = 1;
    return;
  }
  /* Sends whenever POLLOUT comes back, so that the host's buffers fill
     too (not only core's send room), until 200 ms pass without it. */
  if (rs_poll1(fd, POLLOUT) & POLLOUT) {
    int e = send_some();
    if (e) rs_check(0, "send ends in EAGAIN", "errno %s", rs_errname(e)), rs_exit();
    quiet_since = rs_now_ms();
    if (phase == 1) rs_check(wrote > 0, "send takes bytes, then says EAGAIN", NULL), phase = 2;
    return;
  }
  if (phase < 2 || rs_now_ms() - quiet_since < 200) return;
  printf("sent %zu\n", wrote);
  printf("close %d\n", close(fd));
  fflush(stdout);
  rs_exit();
}

int main(int argc, char **argv) {
  port = rs_port(argc, argv, "--port");
  rs_run(step, 10000);
  return 0;
}
