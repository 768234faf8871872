/*
 * echo_event.c — the event-driven C echo server that runs as wasm: built
 * with rawsock-emcc (and with Emscripten's own -sNODERAWSOCKETS for
 * comparison). TCP + UDP on 127.0.0.1, ports chosen by the system; prints
 * "tcp PORT udp PORT" and returns from main: Emscripten's socket callbacks
 * (connection, message, close, error) drive everything after that.
 *
 * A send that would block keeps the rest; it is retried on the next
 * callback for that fd and, in case none comes, from a timer (poll() with
 * timeout 0 tells whether the socket is writable yet).
 */
#include <arpa/inet.h>
#include <emscripten.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "echo_common.h"

#define MAXFD 8192
static struct pend { char *buf; size_t off, len; int timer; } pend[MAXFD];
static char buf[65536];
static int lfd, ufd;

static void drop(int fd) {
  if (fd < 0 || fd >= MAXFD) return;
  free(pend[fd].buf);
  pend[fd] = (struct pend){ 0 };
  close(fd);
}

static void serve(int fd);

static void retry(void *arg) {
  int fd = (int)(intptr_t)arg;
  pend[fd].timer = 0;
  struct pollfd p = { fd, POLLOUT, 0 };
  if (pend[fd].len && poll(&p, 1, 0) >= 0) serve(fd);
}

/* Sends the kept rest; 1 if it is all gone. */
static int flush(int fd) {
  struct pend *p = &pend[fd];
  if (!p->len) return 1;
  ssize_t w = send(fd, p->buf + p->off, p->len - p->off, MSG_NOSIGNAL);
  if (w < 0 && errno != EAGAIN) return drop(fd), 0;
  if (w > 0) p->off += (size_t)w;
  if (p->off < p->len) {
    if (!p->timer) p->timer = 1, emscripten_async_call(retry, (void *)(intptr_t)fd, 1);
    return 0;
  }
  free(p->buf);
  p->buf = NULL;
  p->off = p->len = 0;
  return 1;
}

static void serve(int fd) {
  if (fd < 0 || fd >= MAXFD || !flush(fd)) return;
  for (;;) {
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return drop(fd);
    if (r < 0) return;
    ssize_t w = send(fd, buf, (size_t)r, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return drop(fd);
    if (w < 0) w = 0;
    if (w < r) {
      struct pend *p = &pend[fd];
      p->buf = malloc((size_t)(r - w));
      memcpy(p->buf, buf + w, (size_t)(r - w));
      p->off = 0;
      p->len = (size_t)(r - w);
      flush(fd);
      return;
    }
  }
}

static void echo_datagrams(void) {
  struct sockaddr_storage from;
  for (;;) {
    socklen_t fl = sizeof from;
    ssize_t r = recvfrom(ufd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (r < 0) return;
    sendto(ufd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
  }
}

static void on_connection(int fd, void *ud) {
  (void)ud;
  (void)fd;
  int c, one = 1;
  while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
    if (c >= MAXFD) { close(c); continue; }
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    serve(c); /* bytes may already be queued */
  }
}

static void on_message(int fd, void *ud) {
  (void)ud;
  if (fd == ufd) echo_datagrams();
  else if (fd != lfd) serve(fd);
}

static void on_close(int fd, void *ud) {
  (void)ud;
  if (fd != lfd && fd != ufd) serve(fd); /* reads the rest, then EOF closes it */
}

static void on_error(int fd, int err, const char *msg, void *ud) {
  (void)ud;
  (void)err;
  (void)msg;
  if (fd != lfd && fd != ufd) drop(fd);
}

int main(void) {
  lfd = bound(SOCK_STREAM | SOCK_NONBLOCK);
  ufd = bound(SOCK_DGRAM | SOCK_NONBLOCK);
  if (listen(lfd, 511) < 0) return perror("listen"), 1;
  emscripten_set_socket_connection_callback(NULL, on_connection);
  emscripten_set_socket_message_callback(NULL, on_message);
  emscripten_set_socket_close_callback(NULL, on_close);
  emscripten_set_socket_error_callback(NULL, on_error);
  printf("tcp %d udp %d\n", port_of(lfd), port_of(ufd));
  fflush(stdout);
  return 0;
}
