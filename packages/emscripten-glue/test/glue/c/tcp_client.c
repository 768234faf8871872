/*
 * A non-blocking TCP client of an echo server (argv[1] = port on
 * 127.0.0.1), driven by select() with a zero timeout: connect, wait for
 * writability and check SO_ERROR, write() a 200 kB pattern (partial writes
 * allowed), read() the echo back, shutdown(SHUT_WR), read to EOF. Prints
 * each step; the native and wasm runs must print the same lines.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#define TOTAL 200000
static char out[TOTAL], in[TOTAL];
static int fd = -1, port, state, sent, got;
static struct timeval t0;

static void done(int code) {
  printf("%s\n", code ? "FAILED" : "done");
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#endif
  exit(code);
}

static void step(void) {
  fd_set r, w;
  FD_ZERO(&r); FD_ZERO(&w);
  if (state == 0 || (state == 1 && sent < TOTAL)) FD_SET(fd, &w);
  if (state >= 1) FD_SET(fd, &r);
  struct timeval tv = { 0, 0 };
  int n = select(fd + 1, &r, &w, NULL, &tv);
  if (n < 0) { perror("select"); done(1); }
  if (state == 0 && FD_ISSET(fd, &w)) {
    int e = -1; socklen_t l = sizeof e;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
    struct sockaddr_in peer; socklen_t pl = sizeof peer;
    int pr = getpeername(fd, (struct sockaddr *)&peer, &pl);
    printf("connected: SO_ERROR %d, peer port matches %d\n", e, pr == 0 && ntohs(peer.sin_port) == port);
    state = 1;
  }
  if (state == 1 && sent < TOTAL && FD_ISSET(fd, &w)) {
    ssize_t k = write(fd, out + sent, TOTAL - sent);
    if (k < 0 && errno != EAGAIN) { perror("write"); done(1); }
    if (k > 0) sent += k;
    if (sent == TOTAL) printf("wrote %d bytes\n", sent);
  }
  if (state >= 1 && FD_ISSET(fd, &r)) {
    char buf[8192];
    ssize_t k = read(fd, buf, sizeof buf);
    if (k < 0 && errno != EAGAIN) { perror("read"); done(1); }
    if (k > 0) {
      if (got + k > TOTAL) { printf("too much echoed\n"); done(1); }
      memcpy(in + got, buf, k);
      got += k;
      if (got == TOTAL) {
        printf("read %d bytes back, %s\n", got, memcmp(in, out, TOTAL) ? "different" : "identical");
        printf("shutdown(SHUT_WR) %d\n", shutdown(fd, SHUT_WR));
        state = 2;
      }
    } else if (k == 0) {
      printf("EOF after %d bytes\n", got);
      printf("close %d\n", close(fd));
      done(state == 2 ? 0 : 1);
    }
  }
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 15) { printf("timed out in state %d (sent %d, got %d)\n", state, sent, got); done(1); }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  gettimeofday(&t0, NULL);
  port = argc > 1 ? atoi(argv[1]) : 0;
  for (int i = 0; i < TOTAL; i++) out[i] = (char)(i * 7 + i / 251);
  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  int r = connect(fd, (struct sockaddr *)&a, sizeof a);
  printf("connect: %s\n", r == 0 || errno == EINPROGRESS ? "started" : strerror(errno));
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
}
