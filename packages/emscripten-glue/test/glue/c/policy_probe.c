/*
 * Tries the operations a network policy governs and prints what each gave,
 * one "action: RESULT" line per argument (RESULT is "ok" or an errno name).
 * argv[1] = a TCP port listening on 127.0.0.1; then actions:
 *   loop      non-blocking connect to 127.0.0.1:port (ok = EINPROGRESS or 0)
 *   private   non-blocking connect to 10.0.0.1:port
 *   mapped    non-blocking AF_INET6 connect to ::ffff:127.0.0.1:port
 *   listen    bind 127.0.0.1:0 and listen
 *   bindany   bind 0.0.0.0:0
 *   udp       sendto 127.0.0.1:port
 * The program is unmodified: the policy comes from RAWSOCK_POLICY or
 * Module.rawsock.policy, never from the source.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *name(int e) {
  switch (e) {
    case 0: return "ok";
    case EINPROGRESS: return "ok";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EINVAL: return "EINVAL";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    default: return strerror(e);
  }
}

static int nb_socket(int family, int type) {
  int fd = socket(family, type, 0);
  if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

static struct sockaddr_in v4(const char *ip, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

static int try(const char *action, int port) {
  if (!strcmp(action, "loop") || !strcmp(action, "private")) {
    int fd = nb_socket(AF_INET, SOCK_STREAM);
    struct sockaddr_in a = v4(!strcmp(action, "loop") ? "127.0.0.1" : "10.0.0.1", port);
    int r = connect(fd, (struct sockaddr *)&a, sizeof a);
    int e = r == 0 ? 0 : errno;
    close(fd);
    return e;
  }
  if (!strcmp(action, "mapped")) {
    int fd = nb_socket(AF_INET6, SOCK_STREAM);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.sin6_addr);
    int r = connect(fd, (struct sockaddr *)&a, sizeof a);
    int e = r == 0 ? 0 : errno;
    close(fd);
    return e;
  }
  if (!strcmp(action, "listen") || !strcmp(action, "bindany")) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = v4(!strcmp(action, "listen") ? "127.0.0.1" : "0.0.0.0", 0);
    int r = bind(fd, (struct sockaddr *)&a, sizeof a);
    if (r == 0 && !strcmp(action, "listen")) r = listen(fd, 4);
    int e = r == 0 ? 0 : errno;
    close(fd);
    return e;
  }
  if (!strcmp(action, "udp")) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = v4("127.0.0.1", port);
    ssize_t r = sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof a);
    int e = r == 1 ? 0 : errno;
    close(fd);
    return e;
  }
  return -1;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int port = atoi(argv[1]);
  for (int i = 2; i < argc; i++) {
    int e = try(argv[i], port);
    printf("%s: %s\n", argv[i], e < 0 ? "unknown action" : name(e));
  }
  fflush(stdout);
  return 0;
}
