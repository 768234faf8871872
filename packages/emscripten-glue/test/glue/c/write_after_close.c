/*
 * A client that keeps writing after its peer has gone (argv[1] = port of a
 * server on 127.0.0.1 that closes or resets the connection after a while).
 * send() with MSG_NOSIGNAL must fail with EPIPE or ECONNRESET, never kill
 * the process; once it failed, further sends give EPIPE. Event-driven
 * (non-blocking socket, step function), so it runs as wasm unchanged.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static int fd;
static long sent;
static char chunk[16384];
static struct timeval t0;

static void finish(int code) {
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#endif
  exit(code);
}

static const char *name(int e) {
  return e == EPIPE ? "EPIPE" : e == ECONNRESET ? "ECONNRESET" : e == EAGAIN ? "EAGAIN" : strerror(e);
}

static void step(void) {
  struct timeval now;
  gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 20) { printf("timed out after %ld bytes\n", sent); finish(1); }
  for (int i = 0; i < 64; i++) {
    ssize_t w = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);
    if (w > 0) { sent += w; continue; }
    if (errno == EAGAIN || errno == ENOTCONN || errno == EINPROGRESS) return;
    printf("send failed: %s\n", (errno == EPIPE || errno == ECONNRESET) ? "EPIPE or ECONNRESET" : name(errno));
    w = send(fd, chunk, 1, MSG_NOSIGNAL);
    printf("next send: %s\n", w < 0 ? name(errno) : "succeeded");
    printf("alive\n");
    finish(0);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  memset(chunk, 'x', sizeof chunk);
  gettimeofday(&t0, NULL);
  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) { perror("connect"); return 1; }
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(500); }
#endif
  return 0;
}
