/*
 * thread_blocks_alone.c — with threads, a blocking socket call holds only
 * its own thread (Linux). One thread waits in a blocking recv (SO_RCVTIMEO
 * 1.5 s) for data main sends only after main's own round trip on a second
 * connection; natively the round trip takes a few ms and the waiting thread
 * then gets its byte.
 *
 * Built with -pthread -sPROXY_TO_PTHREAD, rawsock's thread mode (the
 * default there) gives the same: the waiting recv sleeps in its own thread.
 * With --rawsock-blocking=worker every socket call runs on the main JS
 * thread, which sleeps in the worker bridge, so a blocking call holds every
 * other thread's socket calls until it returns: the round trip waits for
 * the recv's timeout. test/glue/threads.test.ts checks the first and pins
 * the second (README, "Deviations from Linux").
 */
#include "../c-blocking/blk.h"
#include <pthread.h>

static int a_server;
static long long waiter_ms;
static ssize_t waiter_got;
static int waiter_errno;
static volatile int waiter_started; /* set just before the recv: thread start-up can take a while */

static void *waiter(void *arg) {
  (void)arg;
  char c;
  long long t0 = rs_now_ms();
  __atomic_store_n(&waiter_started, 1, __ATOMIC_SEQ_CST);
  waiter_got = recv(a_server, &c, 1, 0);
  waiter_errno = errno;
  waiter_ms = rs_now_ms() - t0;
  return NULL;
}

int main(void) {
  int port = 0;
  int lfd = blk_listen(&port);
  if (!rs_sys(lfd, "listen")) return rs_summary();
  int a_client = blk_connect(port);
  a_server = accept(lfd, NULL, NULL);
  int b_client = blk_connect(port);
  int b_server = accept(lfd, NULL, NULL);
  rs_check(a_client >= 0 && a_server >= 0 && b_client >= 0 && b_server >= 0, "two connections", "a %d/%d b %d/%d", a_client, a_server, b_client, b_server);
  struct timeval tv = { 1, 500000 };
  rs_sys(setsockopt(a_server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "SO_RCVTIMEO 1.5 s on the waiting thread's socket");

  pthread_t t;
  rs_eq(pthread_create(&t, NULL, waiter, NULL), 0, "pthread_create");
  struct timespec tick = { 0, 5 * 1000 * 1000 }, pause = { 0, 150 * 1000 * 1000 };
  for (int i = 0; i < 2000 && !__atomic_load_n(&waiter_started, __ATOMIC_SEQ_CST); i++) nanosleep(&tick, NULL);
  nanosleep(&pause, NULL); /* the thread is now blocked in recv */

  long long t0 = rs_now_ms();
  char c = 'b';
  ssize_t s = send(b_client, &c, 1, 0);
  ssize_t r = recv(b_server, &c, 1, 0);
  long long trip = rs_now_ms() - t0;
  rs_check(s == 1 && r == 1, "round trip on the other connection", "send %zd recv %zd", s, r);
  rs_check(trip < 750, "...completes while the other thread is blocked in recv", "took %lld ms", trip);

  c = 'a';
  rs_eq(send(a_client, &c, 1, 0), 1, "send to the waiting thread");
  pthread_join(t, NULL);
  rs_check(waiter_got == 1, "the waiting thread's recv gets the byte before its timeout", "recv %zd errno %s after %lld ms", waiter_got, rs_errname(waiter_errno), waiter_ms);
  close(a_client), close(a_server), close(b_client), close(b_server), close(lfd);
  return rs_summary();
}
