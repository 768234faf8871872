/*
 * A TCP client driven by Emscripten's socket callbacks (open, message,
 * close, error), as Emscripten documents them. Natively the same handlers
 * are driven by a poll loop, so the logic — and the output — is shared.
 * argv[1]: port of an echo server on 127.0.0.1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static const char *msg = "ping through callbacks";
static char got[64];
static size_t have;
static int fd = -1, finished;

static void finish(int code) {
  if (finished++) return;
  printf("%s - echo %s\n", code == 0 ? "ok 1" : "not ok 1", code == 0 ? "matched" : "failed");
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#else
  exit(code);
#endif
}

static void on_open(int s, void *ud) {
  (void)ud;
  printf("open fd matches: %s\n", s == fd ? "yes" : "no");
  if (send(s, msg, strlen(msg), 0) != (ssize_t)strlen(msg)) finish(1);
  shutdown(s, SHUT_WR);
}

static void on_message(int s, void *ud) {
  (void)ud;
  ssize_t r;
  while ((r = recv(s, got + have, sizeof got - 1 - have, MSG_DONTWAIT)) > 0) have += (size_t)r;
  if (have == strlen(msg)) {
    printf("message: %s\n", got);
    finish(strcmp(got, msg) == 0 ? 0 : 1);
  }
}

static void on_close(int s, void *ud) {
  (void)ud;
  on_message(s, ud);
  if (have != strlen(msg)) finish(1);
}

static void on_error(int s, int err, const char *text, void *ud) {
  (void)s; (void)ud;
  printf("error %d %s\n", err, text ? text : "");
  finish(1);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
#ifdef __EMSCRIPTEN__
  emscripten_set_socket_open_callback(NULL, on_open);
  emscripten_set_socket_message_callback(NULL, on_message);
  emscripten_set_socket_close_callback(NULL, on_close);
  emscripten_set_socket_error_callback(NULL, on_error);
#endif
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) { perror("connect"); return 1; }
#ifndef __EMSCRIPTEN__
  /* Native stand-in for the callbacks: the same handlers from a poll loop. */
  int opened = 0;
  for (int i = 0; i < 10000; i++) {
    struct pollfd p = { fd, POLLIN | (opened ? 0 : POLLOUT), 0 };
    poll(&p, 1, 1);
    if (p.revents & POLLERR) on_error(fd, ECONNREFUSED, "socket error", NULL);
    if (!opened && (p.revents & POLLOUT)) { opened = 1; on_open(fd, NULL); }
    if (p.revents & POLLIN) on_message(fd, NULL);
    if (p.revents & POLLHUP) on_close(fd, NULL);
  }
  finish(1);
#endif
  return 0;
}
