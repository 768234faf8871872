/*
 * A blocking call in a socket callback, in a build where main's blocking
 * calls wait but a callback cannot:
 * - a -sJSPI build in suspend mode: a socket callback is not main's stack,
 *   where JSPI cannot suspend;
 * - a -pthread -sPROXY_TO_PTHREAD build in thread mode: main runs in a
 *   thread and waits there, but callbacks run on the main JS thread, which
 *   serves every thread's sockets and must not wait.
 * A blocking call made there must not trap or hang: it answers at once
 * (recv: EAGAIN; poll: 0 without waiting), with one warning on stderr; and
 * main's blocking calls keep working. Socket callbacks are Emscripten's:
 * natively the program only says so.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static int n, failed;
static void check(int ok, const char *what, long got) {
  n++;
  if (!ok) failed++;
  if (ok) printf("ok %d - %s\n", n, what);
  else printf("not ok %d - %s (got %ld)\n", n, what, got);
  fflush(stdout);
}

#ifdef __EMSCRIPTEN__
static long long now_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int client = -1, server = -1, idle = -1;
static int called, recv_ret = 1, recv_errno, poll_ret = -1, got_byte = -1;
static long long poll_ms = -1;

/* Fired when the client's byte reaches the server side. */
static void on_message(int fd, void *ud) {
  (void)ud;
  if (fd != server || called++) return;
  char c;
  /* A blocking fd with nothing to read: would wait; must answer now. */
  errno = 0;
  recv_ret = (int)recv(client, &c, 1, 0);
  recv_errno = errno;
  /* A blocking poll with a timeout: must not wait either. */
  struct pollfd p = { .fd = idle, .events = POLLIN };
  long long t0 = now_ms();
  poll_ret = poll(&p, 1, 500);
  poll_ms = now_ms() - t0;
  /* The byte that is there is read as usual. */
  if (recv(server, &c, 1, 0) == 1) got_byte = c;
}

static int listen_any(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0) return -1;
  getsockname(fd, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  return fd;
}
#endif

int main(void) {
#ifndef __EMSCRIPTEN__
  check(1, "socket callbacks are Emscripten's # SKIP", 0);
#else
  int port, idle_port;
  int lfd = listen_any(&port);
  idle = listen_any(&idle_port);
  check(lfd >= 0 && idle >= 0, "listeners", lfd);
  emscripten_set_socket_message_callback(NULL, on_message);
  client = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  check(connect(client, (struct sockaddr *)&a, sizeof a) == 0, "main: blocking connect", errno);
  server = accept(lfd, NULL, NULL);
  check(server >= 0, "main: blocking accept", errno);
  check(send(client, "x", 1, 0) == 1, "main: send one byte", errno);
  /* main waits (suspended, or its thread asleep) while the callback runs. */
  struct pollfd p = { .fd = idle, .events = POLLIN };
  long long t0 = now_ms();
  int r = poll(&p, 1, 400);
  long long waited = now_ms() - t0;
  check(r == 0 && waited >= 300, "main: poll with a timeout waits it out", waited);
  check(called == 1, "the message callback ran while main waited", called);
  check(recv_ret == -1 && recv_errno == EAGAIN, "callback: a blocking recv with nothing to read answers EAGAIN at once", recv_errno);
  check(poll_ret == 0 && poll_ms < 250, "callback: a blocking poll returns 0 without waiting", poll_ms);
  check(got_byte == 'x', "callback: the byte that is there is read", got_byte);
  /* main still blocks for real: the reply, then EOF after close. */
  check(send(server, "y", 1, 0) == 1, "main: send the reply", errno);
  char c = 0;
  check(recv(client, &c, 1, 0) == 1 && c == 'y', "main: blocking recv gets it", c);
  close(server);
  check(recv(client, &c, 1, 0) == 0, "main: blocking recv waits for EOF", c);
  close(client);
  close(lfd);
  close(idle);
  /* No longer driven by callbacks: the program ends when main returns. */
  emscripten_set_socket_message_callback(NULL, NULL);
#endif
  printf("# passed %d failed %d\n", n - failed, failed);
  return failed ? 1 : 0;
}
