/*
 * loadgen.c — rawsock's native load generator (Linux, epoll). One load per
 * run against one echo server; prints one JSON object on stdout.
 *
 *   loadgen --load pingpong --port P [--conns 50] [--size 64] [--seconds 2]
 *       N connections, each with one message in flight: msgs/s, p50/p99 µs
 *   loadgen --load bulk --port P [--seconds 2]
 *       one connection, writes 64 KiB chunks and reads the echo: MB/s echoed
 *   loadgen --load churn --port P [--seconds 2]
 *       connect, 64 B round trip, close, one after another: conns/s
 *   loadgen --load udp --port U [--seconds 2] [--window 16]
 *       datagram echo with a window in flight: datagrams/s
 *   loadgen --load idle --port P --pid PID [--conns 1000]
 *       opens N connections (one round trip each) and holds them; reports
 *       PID's RSS before and after (bytes per connection), each read
 *       after --settle-ms (default 500) of quiet
 *
 * The first 10% of each run is warm-up and not counted ("answered" counts
 * every echo, warm-up included). Every wait is
 * bounded: a server that stops answering for 5 s ends the run with
 * "ok": false. A run lasts until at least one echo came back, so a slow
 * start never reads as a silent success.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *load = "pingpong", *host = "127.0.0.1";
static int port, conns = 50, size = 64, window = 16, pid, settle_ms = 500;
static double seconds = 2;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void fail(const char *what) {
  printf("{\"load\":\"%s\",\"ok\":false,\"error\":\"%s: %s\"}\n", load, what, strerror(errno));
  exit(1);
}

static struct sockaddr_in addr(void) {
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  inet_pton(AF_INET, host, &a.sin_addr);
  return a;
}

static void nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

/* A blocking TCP connection with TCP_NODELAY, or -1. */
static int dial(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = addr();
  if (fd < 0) return -1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = { 2, 0 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { close(fd); return -1; }
  return fd;
}

/* One blocking round trip of `size` bytes; 0 on success. */
static int round_trip(int fd, char *buf) {
  if (send(fd, buf, (size_t)size, MSG_NOSIGNAL) != size) return -1;
  for (int got = 0; got < size;) {
    ssize_t r = recv(fd, buf + got, (size_t)(size - got), 0);
    if (r <= 0) return -1;
    got += (int)r;
  }
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#define MAXLAT (1 << 22)
static double *lat;
static long nlat, seen;

/* Keeps up to MAXLAT latencies (a uniform sample once there are more). */
static void record(double v) {
  seen++;
  if (nlat < MAXLAT) lat[nlat++] = v;
  else { long j = random() % seen; if (j < MAXLAT) lat[j] = v; }
}

static void pingpong(void) {
  struct c { int fd, got; double sent; } *cs = calloc((size_t)conns, sizeof *cs);
  char *buf = malloc((size_t)size), *in = malloc((size_t)size);
  memset(buf, 'x', (size_t)size);
  lat = malloc(sizeof(double) * MAXLAT);
  int ep = epoll_create1(0);
  for (int i = 0; i < conns; i++) {
    if ((cs[i].fd = dial()) < 0) fail("connect");
    nonblock(cs[i].fd);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
    epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
  }
  double start = now(), warm = start + seconds * 0.1, end = start + seconds, last = start;
  long msgs = 0, answered = 0;
  for (int i = 0; i < conns; i++) {
    cs[i].sent = now();
    if (send(cs[i].fd, buf, (size_t)size, MSG_NOSIGNAL) != size) fail("send");
  }
  struct epoll_event evs[256];
  double t;
  while ((t = now()) < end || answered == 0) {
    if (t - last > 5) { errno = ETIMEDOUT; fail("no echo for 5 s"); }
    int n = epoll_wait(ep, evs, 256, 100);
    for (int k = 0; k < n; k++) {
      struct c *c = &cs[evs[k].data.u32];
      ssize_t r;
      while ((r = recv(c->fd, in, (size_t)(size - c->got), 0)) > 0) c->got += (int)r;
      if (r == 0) { errno = ECONNRESET; fail("server closed"); }
      if (r < 0 && errno != EAGAIN) fail("recv");
      if (c->got < size) continue;
      double done = now();
      last = done;
      answered++;
      if (c->sent >= warm) { msgs++; record(done - c->sent); }
      c->got = 0;
      c->sent = done;
      if (send(c->fd, buf, (size_t)size, MSG_NOSIGNAL) != size) fail("send");
    }
  }
  double counted = end - warm;
  qsort(lat, (size_t)nlat, sizeof(double), cmp_double);
  double p50 = nlat ? lat[nlat / 2] : 0, p99 = nlat ? lat[(long)(nlat * 0.99)] : 0;
  printf("{\"load\":\"pingpong\",\"ok\":true,\"conns\":%d,\"size\":%d,\"seconds\":%.3f,\"msgs\":%ld,\"msgs_per_s\":%.1f,"
         "\"p50_us\":%.1f,\"p99_us\":%.1f,\"answered\":%ld}\n", conns, size, counted, msgs, msgs / counted, p50 * 1e6, p99 * 1e6,
         answered);
  for (int i = 0; i < conns; i++) close(cs[i].fd);
}

static void bulk(void) {
  enum { CHUNK = 65536, INFLIGHT = 4 << 20 };
  static char out[CHUNK], in[CHUNK];
  memset(out, 'b', sizeof out);
  int fd = dial(), ep = epoll_create1(0);
  if (fd < 0) fail("connect");
  nonblock(fd);
  struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  long long sent = 0, echoed = 0, counted = 0;
  double start = now(), warm = start + seconds * 0.1, end = start + seconds, last = start, t;
  int want_out = 1;
  while ((t = now()) < end || echoed == 0) {
    if (t - last > 5) { errno = ETIMEDOUT; fail("no echo for 5 s"); }
    struct epoll_event e;
    int n = epoll_wait(ep, &e, 1, 100);
    if (n <= 0) continue;
    if (e.events & EPOLLIN) {
      ssize_t r;
      while ((r = recv(fd, in, sizeof in, 0)) > 0) {
        echoed += r;
        last = now();
        if (last >= warm) counted += r;
      }
      if (r == 0) { errno = ECONNRESET; fail("server closed"); }
      if (r < 0 && errno != EAGAIN) fail("recv");
    }
    if (e.events & EPOLLOUT) {
      while (sent - echoed < INFLIGHT) {
        ssize_t w = send(fd, out, CHUNK, MSG_NOSIGNAL);
        if (w < 0) { if (errno == EAGAIN) break; fail("send"); }
        sent += w;
      }
    }
    int need = sent - echoed < INFLIGHT;
    if (need != want_out) {
      want_out = need;
      ev.events = EPOLLIN | (need ? EPOLLOUT : 0);
      epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
    }
  }
  double secs = end - warm;
  printf("{\"load\":\"bulk\",\"ok\":true,\"seconds\":%.3f,\"bytes\":%lld,\"mb_per_s\":%.2f,\"answered\":%lld}\n", secs, counted,
         counted / secs / 1e6, echoed);
  close(fd);
}

static void churn(void) {
  char *buf = malloc((size_t)size);
  memset(buf, 'c', (size_t)size);
  long done = 0, answered = 0;
  double start = now(), warm = start + seconds * 0.1, end = start + seconds;
  while (now() < end || answered == 0) {
    int fd = dial();
    if (fd < 0) fail("connect");
    if (round_trip(fd, buf) < 0) fail("round trip");
    close(fd);
    answered++;
    if (now() >= warm) done++;
  }
  double secs = end - warm;
  printf("{\"load\":\"churn\",\"ok\":true,\"seconds\":%.3f,\"conns\":%ld,\"conns_per_s\":%.1f,\"answered\":%ld}\n", secs, done,
         done / secs, answered);
}

static void udp(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = addr();
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) fail("udp connect");
  nonblock(fd);
  char buf[2048];
  memset(buf, 'u', sizeof buf);
  long got = 0, counted = 0, lost = 0;
  int inflight = 0;
  double start = now(), warm = start + seconds * 0.1, end = start + seconds, last = start, t;
  while ((t = now()) < end || got == 0) {
    while (inflight < window && send(fd, buf, (size_t)size, 0) == size) inflight++;
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 20) <= 0) {
      if (now() - last > 0.2) { lost += inflight; inflight = 0; last = now(); } /* refill a window lost */
      if (now() - start > 5 && got == 0) { errno = ETIMEDOUT; fail("no datagram echoed"); }
      continue;
    }
    ssize_t r;
    while ((r = recv(fd, buf, sizeof buf, 0)) > 0) {
      got++;
      if (inflight > 0) inflight--;
      last = now();
      if (last >= warm) counted++;
    }
  }
  double secs = end - warm;
  printf("{\"load\":\"udp\",\"ok\":true,\"seconds\":%.3f,\"datagrams\":%ld,\"datagrams_per_s\":%.1f,\"lost\":%ld,\"answered\":%ld}\n",
         secs, counted, counted / secs, lost, got);
}

static long rss_of(int p) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", p);
  FILE *f = fopen(path, "r");
  long kb = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
  fclose(f);
  return kb * 1024;
}

static void idle(void) {
  char *buf = malloc((size_t)size);
  memset(buf, 'i', (size_t)size);
  int *fds = calloc((size_t)conns, sizeof *fds);
  /* Warm the server with a few connections first, so one-time costs stay out of the delta. */
  for (int i = 0; i < 8; i++) {
    int fd = dial();
    if (fd < 0 || round_trip(fd, buf) < 0) fail("warm-up round trip");
    close(fd);
  }
  usleep((useconds_t)settle_ms * 600);
  long before = rss_of(pid);
  for (int i = 0; i < conns; i++) {
    if ((fds[i] = dial()) < 0) fail("connect");
    if (round_trip(fds[i], buf) < 0) fail("round trip");
  }
  usleep((useconds_t)settle_ms * 1000);
  long after = rss_of(pid);
  printf("{\"load\":\"idle\",\"ok\":true,\"conns\":%d,\"rss_before\":%ld,\"rss_after\":%ld,\"bytes_per_conn\":%.0f}\n", conns, before,
         after, (double)(after - before) / conns);
  for (int i = 0; i < conns; i++) close(fds[i]);
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "--load")) load = v;
    else if (!strcmp(k, "--host")) host = v;
    else if (!strcmp(k, "--port")) port = atoi(v);
    else if (!strcmp(k, "--conns")) conns = atoi(v);
    else if (!strcmp(k, "--size")) size = atoi(v);
    else if (!strcmp(k, "--window")) window = atoi(v);
    else if (!strcmp(k, "--seconds")) seconds = atof(v);
    else if (!strcmp(k, "--pid")) pid = atoi(v);
    else if (!strcmp(k, "--settle-ms")) settle_ms = atoi(v);
    else { fprintf(stderr, "loadgen: unknown option %s\n", k); return 2; }
  }
  if (port <= 0 || conns <= 0 || size <= 0 || size > 2048 || seconds <= 0) {
    fprintf(stderr, "loadgen: need --port, and positive --conns, --size (≤ 2048), --seconds\n");
    return 2;
  }
  if (!strcmp(load, "pingpong")) pingpong();
  else if (!strcmp(load, "bulk")) bulk();
  else if (!strcmp(load, "churn")) churn();
  else if (!strcmp(load, "udp")) udp();
  else if (!strcmp(load, "idle") && pid > 0) idle();
  else { fprintf(stderr, "loadgen: unknown --load %s (or idle without --pid)\n", load); return 2; }
  return 0;
}
