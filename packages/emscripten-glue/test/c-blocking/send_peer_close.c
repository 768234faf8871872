/*
 * Blocking send() to a peer that resets the connection: the send must end
 * with the error, never wait for good. The harness peer (--port) sends
 * 4 MiB on every connection it accepts and reads nothing; the program does
 * not read either, so its receive side fills and stops reading (the case
 * that hung on Bun: a paused socket hears of the reset only through a
 * write). The peer closes — a reset, as it leaves data unread — every open
 * connection 300 ms after the program prints "sending", and at once when
 * it prints "closing".
 *
 * 1. The peer resets while the program is blocked in a send of more than
 *    the socket buffers hold. Linux: that send returns the bytes it had
 *    queued (a short count) or -1 ECONNRESET/EPIPE; the next sends fail
 *    with ECONNRESET, then EPIPE (MSG_NOSIGNAL: no SIGPIPE).
 * 2. The peer resets first (it has a few bytes of ours unread); the
 *    program learns it from its next blocking send. Linux: -1 ECONNRESET,
 *    then EPIPE.
 */
#include "blk.h"
#include <sys/ioctl.h>

#define SIZE (8 * 1024 * 1024)
static unsigned char out[SIZE];

static int reset_or_pipe(int e) { return e == ECONNRESET || e == EPIPE; }

/* After a send to a peer that reset returned `n` (errno `e`): if it returned
 * a count, Linux keeps the error for the next call (a send of `next` bytes);
 * either way the reset is reported once, as ECONNRESET, then sends fail with
 * EPIPE (checked as `epipe_what`). */
static void reset_reported(int fd, ssize_t n, int e, size_t next, const char *epipe_what) {
  if (n >= 0) {
    errno = 0;
    n = send(fd, out, next, MSG_NOSIGNAL);
    e = errno;
  }
  rs_check(n < 0 && e == ECONNRESET, "the reset is reported once, as ECONNRESET", "returned %zd, errno %s", n, n < 0 ? rs_errname(e) : "-");
  errno = 0;
  rs_errno(send(fd, out, 1, MSG_NOSIGNAL), EPIPE, epipe_what);
}

/* Waits `ms` with the event loop running (poll on a listener nobody connects to). */
static void pause_ms(int idle, int ms) {
  struct pollfd p = { .fd = idle, .events = POLLIN };
  poll(&p, 1, ms);
}

/* Connects and waits until the peer's unread data stops growing: the receive side is full. */
static int connect_full(int port, int idle, const char *what) {
  int fd = blk_connect(port);
  if (!rs_sys(fd, what)) return -1;
  int queued = -1, last = -2, steady = 0;
  for (int i = 0; i < 100 && steady < 3; i++) {
    pause_ms(idle, 50);
    if (ioctl(fd, FIONREAD, &queued) < 0) break;
    steady = queued > 0 && queued == last ? steady + 1 : 0;
    last = queued;
  }
  rs_check(queued > 0 && steady >= 3, "the peer's data waits unread (the receive side is full)", "FIONREAD %d, steady for %d polls", queued, steady);
  return fd;
}

static void say(const char *line) {
  printf("%s\n", line);
  fflush(stdout);
}

int main(int argc, char **argv) {
  int port = rs_port(argc, argv, "--port");
  rs_fill(out, SIZE, 0);
  int idle_port, idle = blk_listen(&idle_port);
  if (!rs_sys(idle, "an idle listener to wait on")) return rs_summary();

  int fd = connect_full(port, idle, "blocking connect to the harness peer");
  if (fd < 0) return rs_summary();
  say("sending");
  long long t0 = rs_now_ms();
  errno = 0;
  ssize_t n = send(fd, out, SIZE, MSG_NOSIGNAL);
  int e = errno;
  long long waited = rs_now_ms() - t0;
  rs_diag("the blocked send returned %zd (errno %s) after %lld ms", n, n < 0 ? rs_errname(e) : "-", waited);
  rs_check((n > 0 && n < SIZE) || (n < 0 && reset_or_pipe(e)), "a send blocked when the peer resets ends: a short count or ECONNRESET/EPIPE",
           "returned %zd, errno %s", n, n < 0 ? rs_errname(e) : "-");
  rs_check(waited >= 200, "it waited for the reset (300 ms after 'sending')", "waited %lld ms", waited);
  reset_reported(fd, n, e, 65536, "and a later send fails with EPIPE");
  close(fd);

  fd = connect_full(port, idle, "a second connection");
  if (fd < 0) return rs_summary();
  /* Bytes the peer leaves unread make its close a reset. */
  rs_eq(send(fd, out, 1000, MSG_NOSIGNAL), 1000, "a small send fits the buffers");
  say("closing");
  /* Busy, not waiting: the reset arrives while the program runs, so the
   * runtime learns of it from the send itself, not from its event loop. */
  long long until = rs_now_ms() + 300;
  while (rs_now_ms() < until) {
  }
  errno = 0;
  n = send(fd, out, SIZE, MSG_NOSIGNAL);
  e = errno;
  rs_check(n < 0 && e == ECONNRESET, "a blocking send after the peer reset fails with ECONNRESET", n >= 0 ? "it was accepted" : "errno %s", rs_errname(e));
  /* rawsock on Node and Deno: the bytes were accepted; the next call reports the reset. */
  reset_reported(fd, n, e, 1, "then EPIPE");
  close(fd);
  close(idle);
  return rs_summary();
}
