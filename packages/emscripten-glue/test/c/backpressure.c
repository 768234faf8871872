/*
 * backpressure.c — a writer outrunning its reader. (1) A harness peer that
 * never reads: writes end in EAGAIN, POLLOUT goes away and stays away.
 * (2) In process: fill until EAGAIN, then the reader drains while the
 * writer writes 1 MiB more; POLLOUT comes back and every byte arrives in
 * order. (3) 4 MiB to a harness sink that reads, then EOF after SHUT_WR.
 * How much fits before EAGAIN depends on sysctls: only > 0 is asserted.
 * argv: --stall-port P --sink-port Q
 */
#include "rs_loop.h"

#define CHUNK 65536
static int stall_port, sink_port, phase, st = -1, sk = -1;
static struct rs_pair p;
static unsigned char chunk[CHUNK], rbuf[CHUNK];
static size_t wrote, readn, target, filled;
static long long until;
static int blocked, resumed;

/* Writes the pattern from offset `wrote` until EAGAIN or `limit`; returns the errno that stopped it (0 at the limit). */
static int write_some(int fd, size_t limit) {
  while (wrote < limit) {
    size_t n = limit - wrote < CHUNK ? limit - wrote : CHUNK;
    rs_fill(chunk, n, wrote);
    ssize_t r = send(fd, chunk, n, MSG_NOSIGNAL);
    if (r < 0) return errno;
    wrote += (size_t)r;
  }
  return 0;
}

static void step(void) {
  switch (phase) {
  case 0:
    st = rs_connect_tcp(AF_INET, stall_port);
    rs_sys(st, "connect to a peer that never reads");
    rs_stage = "connected to the stalled peer";
    phase++;
    break;
  case 1: {
    if (!(rs_poll1(st, POLLOUT) & POLLOUT)) return;
    wrote = 0;
    int e = write_some(st, (size_t)1 << 30);
    rs_check(e == EAGAIN && wrote > 0, "writing to a peer that never reads ends in EAGAIN", "wrote %zu, errno %s", wrote, rs_errname(e));
    rs_eq(rs_poll1(st, POLLOUT) & POLLOUT, 0, "...and POLLOUT goes away");
    until = rs_now_ms() + 200;
    rs_stage = "200 ms of a stalled peer";
    phase++;
    break;
  }
  case 2:
    if (rs_poll1(st, POLLOUT) & POLLOUT) {
      /* The kernel may still move queued bytes into the peer's receive buffer: write again until full. */
      if (write_some(st, (size_t)1 << 30) != EAGAIN) rs_check(0, "EAGAIN again", "errno %s", rs_errname(errno)), rs_exit();
    }
    if (rs_now_ms() < until) return;
    /* Not asserted: send() may still take a few bytes without POLLOUT (Linux fills the last
       buffer's tail room; POLLOUT waits until a third of the send buffer is free). */
    rs_eq(rs_poll1(st, POLLOUT) & POLLOUT, 0, "200 ms later, still no POLLOUT");
    rs_diag("%zu bytes fitted before the stalled peer pushed back", wrote);
    rs_sys(close(st), "close() with unsent data does not block");
    rs_pair_start(&p, AF_INET);
    rs_stage = "in-process connection";
    phase++;
    break;
  case 3: {
    if (!rs_pair_ready(&p)) return;
    wrote = readn = 0;
    int e = write_some(p.c, (size_t)1 << 30);
    filled = wrote;
    rs_check(e == EAGAIN && filled > 0, "in process: fill until EAGAIN", "wrote %zu, errno %s", filled, rs_errname(e));
    blocked = !(rs_poll1(p.c, POLLOUT) & POLLOUT);
    rs_check(blocked, "the full socket has no POLLOUT", NULL);
    target = filled + (1 << 20);
    rs_stage = "draining while writing 1 MiB more";
    phase++;
    break;
  }
  case 4: { /* reader drains; writer refills; both check order */
    ssize_t r;
    while ((r = recv(p.s, rbuf, sizeof rbuf, 0)) > 0) {
      if (rs_verify(rbuf, (size_t)r, readn) >= 0) rs_check(0, "bytes arrive in order", "at %zu", readn), rs_exit();
      readn += (size_t)r;
    }
    if (r == 0) {
      rs_eq((long)readn, (long)target, "the reader got every byte, in order, then EOF");
      rs_check(blocked && resumed, "the writer was held back and resumed on POLLOUT", "blocked %d resumed %d", blocked, resumed);
      close(p.c), close(p.s), close(p.l);
      sk = rs_connect_tcp(AF_INET, sink_port);
      wrote = 0;
      rs_stage = "connected to the sink";
      phase++;
      break;
    }
    if (wrote < target) {
      if (!(rs_poll1(p.c, POLLOUT) & POLLOUT)) return;
      resumed = 1;
      if (write_some(p.c, target) == 0) shutdown(p.c, SHUT_WR);
    }
    return;
  }
  case 5:
    if (!(rs_poll1(sk, POLLOUT) & POLLOUT)) return;
    rs_stage = "4 MiB into the sink";
    phase++;
    break;
  case 6: {
    int e = write_some(sk, 4 << 20);
    if (e && e != EAGAIN) rs_check(0, "writing to the sink", "errno %s", rs_errname(e)), rs_exit();
    if (e) return;
    rs_eq((long)wrote, 4 << 20, "4 MiB written to a reading peer");
    rs_sys(shutdown(sk, SHUT_WR), "shutdown(SHUT_WR)");
    rs_stage = "EOF from the sink";
    phase++;
    break;
  }
  case 7: {
    ssize_t r = recv(sk, rbuf, sizeof rbuf, 0);
    if (r < 0 && errno == EAGAIN) return;
    rs_eq(r, 0, "the sink read everything and ended: EOF");
    close(sk);
    rs_exit();
  }
  }
}

int main(int argc, char **argv) {
  stall_port = rs_port(argc, argv, "--stall-port");
  sink_port = rs_port(argc, argv, "--sink-port");
  rs_run(step, 10000);
  return 0;
}
