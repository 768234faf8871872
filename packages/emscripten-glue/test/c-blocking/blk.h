/*
 * blk.h — helpers of the blocking C programs: blocking sockets over
 * loopback (no SOCK_NONBLOCK anywhere unless a test says so). TAP and the
 * rest come from the conformance suite's rs_test.h.
 */
#ifndef BLK_H
#define BLK_H
#include "../c/rs_test.h"
#include <sys/select.h>
#include <sys/time.h>

/* Blocking TCP listener on 127.0.0.1:0; *port gets its port. */
static inline int blk_listen(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = rs_v4("127.0.0.1", 0);
  if (bind(fd, RS_SA(a), sizeof a) < 0 || listen(fd, 16) < 0) {
    close(fd);
    return -1;
  }
  *port = rs_local_port(fd);
  return fd;
}

/* Blocking connect to 127.0.0.1:port; the fd, or -1 with errno. */
static inline int blk_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = rs_v4("127.0.0.1", port);
  if (connect(fd, RS_SA(a), sizeof a) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* Reads one line (without the newline) with blocking recv; its length, 0 at EOF, -1 on error. */
static inline int blk_line(int fd, char *out, int cap) {
  rs_stage = "reading a line";
  int n = 0;
  while (n < cap - 1) {
    char c;
    ssize_t r = recv(fd, &c, 1, 0);
    if (r < 0) return -1;
    if (r == 0) break;
    if (c == '\n') {
      out[n] = 0;
      return n + 1;
    }
    out[n++] = c;
  }
  out[n] = 0;
  return n;
}

/* Sends all of `s` with blocking send. */
static inline int blk_send_all(int fd, const void *buf, size_t len) {
  size_t sent = 0;
  while (sent < len) {
    ssize_t r = send(fd, (const char *)buf + sent, len - sent, MSG_NOSIGNAL);
    if (r <= 0) return -1;
    sent += (size_t)r;
  }
  return 0;
}
#endif
