/*
 * echo_blocking.c — the blocking C echo server: one thread, one poll() loop
 * with a timeout over the TCP listener, the UDP socket and every
 * connection; all sockets blocking (no SOCK_NONBLOCK, no MSG_DONTWAIT).
 * It calls accept/recv/recvfrom only on fds poll() says are ready, and
 * sends each echo whole with blocking send() (which waits under
 * backpressure, stalling the other connections meanwhile — the price of
 * the blocking style). Prints "tcp PORT udp PORT" and serves until killed.
 *
 * Written as ordinary POSIX C (it builds natively with gcc too); the bench
 * builds it with rawsock-emcc and runs it in the worker-bridge mode (plain
 * build, --rawsock-blocking=worker) and in the suspend mode (-sASYNCIFY).
 */
#include <arpa/inet.h>
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

static char buf[65536];
static struct pollfd *fds; /* [0] TCP listener, [1] UDP socket, then connections */
static nfds_t nfds, cap;

static void add(int fd) {
  if (nfds == cap) {
    cap = cap ? cap * 2 : 64;
    struct pollfd *grown = realloc(fds, cap * sizeof *fds);
    if (!grown) {
      perror("realloc");
      exit(1);
    }
    fds = grown;
  }
  fds[nfds++] = (struct pollfd){ .fd = fd, .events = POLLIN };
}

/* Sends all of buf[0..len) with blocking send; 0, or -1 if the connection broke. */
static int send_all(int fd, size_t len) {
  for (size_t off = 0; off < len;) {
    ssize_t w = send(fd, buf + off, len - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    off += (size_t)w;
  }
  return 0;
}

/* One recv (poll said readable, so it does not wait) and its echo; 0 to keep the connection. */
static int echo_stream(int fd) {
  ssize_t r = recv(fd, buf, sizeof buf, 0);
  if (r < 0 && errno == EINTR) return 0;
  if (r <= 0) return -1;
  return send_all(fd, (size_t)r);
}

static void echo_datagram(int fd) {
  struct sockaddr_storage from;
  socklen_t fl = sizeof from;
  ssize_t r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  if (r >= 0) sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
}

int main(void) {
  int lfd = bound(SOCK_STREAM), ufd = bound(SOCK_DGRAM), one = 1;
  if (listen(lfd, 511) < 0) return perror("listen"), 1;
  add(lfd);
  add(ufd);
  printf("tcp %d udp %d\n", port_of(lfd), port_of(ufd));
  fflush(stdout);
  for (;;) {
    /* The timeout only bounds a wait; an idle server just polls again. */
    int ready = poll(fds, nfds, 1000);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("poll");
      return 1;
    }
    if (ready == 0) continue;
    /* Connections first (those poll reported on); ones accepted below are polled next time. */
    for (nfds_t i = 2; i < nfds; i++) {
      if (!fds[i].revents) continue;
      if (echo_stream(fds[i].fd) < 0) {
        close(fds[i].fd);
        fds[i] = fds[--nfds]; /* the moved one was polled too: look at it in this pass */
        i--;
      }
    }
    if (fds[1].revents & POLLIN) echo_datagram(ufd);
    if (fds[0].revents & POLLIN) {
      int c = accept(lfd, NULL, NULL);
      if (c >= 0) {
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        add(c);
      } else if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN) {
        perror("accept");
      }
    }
  }
}
