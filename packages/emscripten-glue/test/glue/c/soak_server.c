/*
 * An event-driven echo server for soak tests: epoll (level-triggered) over
 * non-blocking sockets in a step function, up to MAX_CONNS connections at
 * once, reading with random sizes and keeping unsent bytes until the peer
 * can take them (EPOLLOUT), so a large stream is echoed byte for byte.
 * Prints "listening PORT", then a "stats ..." line once no connection has
 * been open for 100 ms after one closed: open connections, open fds (fcntl probe), the host's
 * TCP handles and JS heap (Node, run with --expose-gc) and wasm memory, so
 * a test can check they stay flat. A connection whose read fails (e.g.
 * ECONNRESET) is closed and counted; the server never stops on one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#define MAX_FD 4096
#define MAX_CONNS 2000

struct conn { char *pend; int plen, poff, open; };
static struct conn conns[MAX_FD];
static int ep, listener, open_now, served, resets, max_open, stats_due;
static double last_drop;
static long long echoed;
static unsigned rng = 12345;
static char buf[65536];

static int host_handles(void) {
#ifdef __EMSCRIPTEN__
  return EM_ASM_INT({
    return typeof process !== 'undefined' && process.getActiveResourcesInfo
      ? process.getActiveResourcesInfo().filter(function(r) { return /TCP|Pipe/.test(r); }).length : -1;
  });
#else
  return -1;
#endif
}

static int js_heap_kb(void) {
#ifdef __EMSCRIPTEN__
  return EM_ASM_INT({
    if (typeof gc === 'function') { gc(); gc(); }
    return typeof process !== 'undefined' && process.memoryUsage ? Math.round(process.memoryUsage().heapUsed / 1024) : -1;
  });
#else
  return -1;
#endif
}

static long wasm_kb(void) {
#ifdef __EMSCRIPTEN__
  return (long)__builtin_wasm_memory_size(0) * 64;
#else
  return -1;
#endif
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int open_fds(void) {
  int n = 0;
  for (int fd = 0; fd < MAX_FD; fd++) if (fcntl(fd, F_GETFD) >= 0) n++;
  return n;
}

static void stats(void) {
  printf("stats open=%d served=%d resets=%d max_open=%d echoed=%lld fds=%d handles=%d heap_kb=%d wasm_kb=%ld\n",
         open_now, served, resets, max_open, echoed, open_fds(), host_handles(), js_heap_kb(), wasm_kb());
  fflush(stdout);
}

static void drop(int fd, int err) {
  epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
  close(fd);
  free(conns[fd].pend);
  memset(&conns[fd], 0, sizeof conns[fd]);
  open_now--;
  served++;
  if (err == ECONNRESET || err == EPIPE) resets++;
  /* Stats wait until the server has been idle a moment: the host closes handles asynchronously. */
  stats_due = 1;
  last_drop = now_ms();
}

static void watch(int fd, unsigned events, int op) {
  struct epoll_event ev = { .events = events, .data.fd = fd };
  if (epoll_ctl(ep, op, fd, &ev) < 0) { perror("epoll_ctl"); exit(1); }
}

/* Sends what is pending; returns 0 when all is sent, 1 if the peer is full, -errno on error. */
static int flush(int fd) {
  struct conn *c = &conns[fd];
  while (c->poff < c->plen) {
    ssize_t w = send(fd, c->pend + c->poff, c->plen - c->poff, MSG_NOSIGNAL);
    if (w < 0) return errno == EAGAIN ? 1 : -errno;
    c->poff += w;
  }
  free(c->pend);
  c->pend = NULL;
  c->plen = c->poff = 0;
  return 0;
}

static void on_readable(int fd) {
  rng = rng * 1103515245u + 12345u;
  size_t want = 1 + (rng >> 8) % sizeof buf;
  ssize_t r = recv(fd, buf, want, 0);
  if (r == 0) { drop(fd, 0); return; }
  if (r < 0) { if (errno != EAGAIN) drop(fd, errno); return; }
  echoed += r;
  ssize_t w = send(fd, buf, r, MSG_NOSIGNAL);
  if (w < 0 && errno != EAGAIN) { drop(fd, errno); return; }
  if (w < 0) w = 0;
  if (w < r) {
    struct conn *c = &conns[fd];
    c->pend = malloc(r - w);
    memcpy(c->pend, buf + w, r - w);
    c->plen = r - w;
    c->poff = 0;
    watch(fd, EPOLLOUT, EPOLL_CTL_MOD); /* stop reading until the peer takes the rest */
  }
}

static void step(void) {
  struct epoll_event ev[256];
  if (stats_due && open_now == 0 && now_ms() - last_drop >= 100) {
    stats_due = 0;
    stats();
  }
  for (int round = 0; round < 64; round++) {
    int n = epoll_wait(ep, ev, 256, 0);
    if (n < 0) { perror("epoll_wait"); exit(1); }
    if (n == 0) return;
    for (int i = 0; i < n; i++) {
      int fd = ev[i].data.fd;
      if (fd == listener) {
        for (;;) {
          int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
          if (c < 0) break;
          if (c >= MAX_FD || open_now >= MAX_CONNS) { close(c); continue; }
          conns[c].open = 1;
          open_now++;
          if (open_now > max_open) max_open = open_now;
          watch(c, EPOLLIN, EPOLL_CTL_ADD);
        }
        continue;
      }
      if (!conns[fd].open) continue;
      if (conns[fd].pend) {
        int f = flush(fd);
        if (f < 0) drop(fd, -f);
        else if (f == 0) watch(fd, EPOLLIN, EPOLL_CTL_MOD);
        continue;
      }
      if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(fd);
    }
  }
}

int main(void) {
  ep = epoll_create1(0);
  listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(listener, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  socklen_t len = sizeof a;
  getsockname(listener, (struct sockaddr *)&a, &len);
  if (listen(listener, 1024) < 0) { perror("listen"); return 1; }
  watch(listener, EPOLLIN, EPOLL_CTL_ADD);
  printf("listening %d\n", ntohs(a.sin_port));
  stats();
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(200); }
#endif
  return 0;
}
