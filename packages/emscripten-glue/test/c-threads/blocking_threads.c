/*
 * Two threads with blocking sockets (-pthread -sPROXY_TO_PTHREAD in wasm):
 * one waits in a blocking recv (SO_RCVTIMEO 1 s, no data comes); meanwhile
 * the other sends on its own connection and reads the reply. On Linux the
 * second thread is not held by the first one's wait. rawsock today runs
 * every socket call of every thread on the main thread, one at a time: a
 * blocking call holds the other threads' socket calls until it returns
 * (pinned in README, Deviations).
 */
#include "../c-blocking/blk.h"
#include <pthread.h>

static int waiter_fd, pair[2];
static volatile int waiting;

static void *waiter(void *arg) {
  (void)arg;
  char c;
  waiting = 1;
  ssize_t r = recv(waiter_fd, &c, 1, 0); /* SO_RCVTIMEO: EAGAIN after 1 s */
  return (void *)(intptr_t)(r < 0 && errno == EAGAIN);
}

int main(void) {
  int port = 0, lfd = blk_listen(&port);
  if (!rs_sys(lfd, "listener")) return rs_summary();
  waiter_fd = blk_connect(port);
  int peer = accept(lfd, NULL, NULL);
  rs_check(waiter_fd >= 0 && peer >= 0, "a connection nobody writes to", "fd %d, accepted %d", waiter_fd, peer);
  struct timeval tv = { .tv_sec = 1 };
  rs_sys(setsockopt(waiter_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "SO_RCVTIMEO 1 s");
  rs_sys(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), "a socketpair for the other thread");
  pthread_t t;
  rs_eq(pthread_create(&t, NULL, waiter, NULL), 0, "the waiting thread starts");
  while (!waiting) {
  }
  usleep(100 * 1000); /* the other thread is in its recv by now */
  long long t0 = rs_now_ms();
  char c = 0;
  int ok = send(pair[0], "x", 1, 0) == 1 && recv(pair[1], &c, 1, 0) == 1 && c == 'x';
  long long took = rs_now_ms() - t0;
  rs_check(ok, "this thread's socketpair round trip works", "send/recv failed");
  rs_check(took < 500, "it is not held by the other thread's blocking recv", "it waited for the other thread's recv to time out");
  void *timed_out = NULL;
  pthread_join(t, &timed_out);
  rs_check(timed_out != NULL, "the other thread's recv timed out with EAGAIN", "it did not");
  close(pair[0]);
  close(pair[1]);
  close(peer);
  close(waiter_fd);
  close(lfd);
  return rs_summary();
}
