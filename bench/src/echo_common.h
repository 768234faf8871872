/*
 * What the bench's echo servers share: a socket bound to 127.0.0.1 on a
 * port the kernel picks, and that port. Header-only (static functions), so
 * each server stays one translation unit for gcc and emcc alike.
 */
#ifndef ECHO_COMMON_H
#define ECHO_COMMON_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

/* socket(AF_INET, type) bound to 127.0.0.1:0; `type` may carry SOCK_NONBLOCK. Exits on failure. */
static int bound(int type) {
  int fd = socket(AF_INET, type, 0);
  struct sockaddr_in a = { .sin_family = AF_INET };
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    perror("bind");
    exit(1);
  }
  return fd;
}

/* The local port of a bound socket. */
static int port_of(int fd) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
    perror("getsockname");
    exit(1);
  }
  return ntohs(a.sin_port);
}
#endif
