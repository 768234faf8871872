/*
 * An event-driven TCP echo server: non-blocking sockets, poll() with timeout
 * 0 in a step function (emscripten_set_main_loop under Emscripten, a plain
 * loop natively). Prints "listening PORT", serves clients until `clients`
 * connections have come and gone, then prints a summary and exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#define MAX 16
static int listener = -1, conns[MAX], served, wanted = 1;
static long bytes;
static struct timeval started;

static void done(int code) {
  printf("served %d clients, echoed %ld bytes\n", served, bytes);
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#endif
  exit(code);
}

static void step(void) {
  struct pollfd p[MAX + 1];
  int n = 0;
  p[n].fd = listener; p[n].events = POLLIN; n++;
  for (int i = 0; i < MAX; i++) if (conns[i] >= 0) { p[n].fd = conns[i]; p[n].events = POLLIN; n++; }
  if (poll(p, n, 0) < 0) { perror("poll"); done(1); }
  if (p[0].revents & POLLIN) {
    struct sockaddr_in peer; socklen_t len = sizeof peer;
    int c = accept4(listener, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK);
    if (c >= 0) {
      for (int i = 0; i < MAX; i++) if (conns[i] < 0) { conns[i] = c; c = -1; break; }
      if (c >= 0) close(c);
      printf("accepted %s:%d\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
      fflush(stdout);
    } else if (errno != EAGAIN) { perror("accept"); done(1); }
  }
  for (int k = 1; k < n; k++) {
    if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[4096];
    ssize_t r = read(p[k].fd, buf, sizeof buf);
    if (r > 0) {
      ssize_t w = 0;
      while (w < r) { ssize_t x = write(p[k].fd, buf + w, r - w); if (x < 0) { if (errno == EAGAIN) continue; perror("write"); done(1); } w += x; }
      bytes += r;
    } else if (r == 0 || errno != EAGAIN) {
      close(p[k].fd);
      for (int i = 0; i < MAX; i++) if (conns[i] == p[k].fd) conns[i] = -1;
      if (++served == wanted) done(0);
    }
  }
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - started.tv_sec > 20) { printf("not ok - timed out\n"); done(1); }
}

int main(int argc, char **argv) {
  if (argc > 1) wanted = atoi(argv[1]);
  for (int i = 0; i < MAX; i++) conns[i] = -1;
  gettimeofday(&started, NULL);
  listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  if (setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) { perror("setsockopt"); return 1; }
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(listener, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  socklen_t len = sizeof a;
  getsockname(listener, (struct sockaddr *)&a, &len);
  if (listen(listener, 16) < 0) { perror("listen"); return 1; }
  printf("listening %d\n", ntohs(a.sin_port));
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
  return 0;
}
