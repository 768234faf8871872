/*
 * echo_native.c — the physical limit: a native TCP + UDP echo server on
 * epoll (level-triggered, one thread). Prints "tcp PORT udp PORT".
 * A send that would block keeps the rest and stops reading that
 * connection until it is writable again.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "echo_common.h"

#define MAXFD 65536
static struct pend { char *buf; size_t off, len; } pend[MAXFD];
static char buf[65536];
static int ep;

static void watch(int fd, int op, unsigned events) {
  struct epoll_event ev = { .events = events, .data.fd = fd };
  epoll_ctl(ep, op, fd, &ev);
}

static void drop(int fd) {
  free(pend[fd].buf);
  pend[fd] = (struct pend){ 0 };
  close(fd);
}

/* Echoes what is readable; keeps an unsent rest and waits for EPOLLOUT. */
static void serve(int fd) {
  struct pend *p = &pend[fd];
  if (p->len) {
    ssize_t w = send(fd, p->buf + p->off, p->len - p->off, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN) return drop(fd);
    if (w > 0) p->off += (size_t)w;
    if (p->off < p->len) return;
    free(p->buf);
    *p = (struct pend){ 0 };
    watch(fd, EPOLL_CTL_MOD, EPOLLIN);
  }
  for (int i = 0; i < 16; i++) {
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN)) return drop(fd);
    if (r < 0) return;
    ssize_t w = send(fd, buf, (size_t)r, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN) return drop(fd);
    if (w < 0) w = 0;
    if (w < r) {
      p->buf = malloc((size_t)(r - w));
      memcpy(p->buf, buf + w, (size_t)(r - w));
      p->off = 0;
      p->len = (size_t)(r - w);
      watch(fd, EPOLL_CTL_MOD, EPOLLOUT);
      return;
    }
  }
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  int lfd = bound(SOCK_STREAM | SOCK_NONBLOCK), ufd = bound(SOCK_DGRAM | SOCK_NONBLOCK), one = 1;
  if (listen(lfd, 511) < 0) return perror("listen"), 1;
  ep = epoll_create1(0);
  watch(lfd, EPOLL_CTL_ADD, EPOLLIN);
  watch(ufd, EPOLL_CTL_ADD, EPOLLIN);
  printf("tcp %d udp %d\n", port_of(lfd), port_of(ufd));
  fflush(stdout);
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int k = 0; k < n; k++) {
      int fd = evs[k].data.fd;
      if (fd == lfd) {
        int c;
        while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (c >= MAXFD) { close(c); continue; }
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          watch(c, EPOLL_CTL_ADD, EPOLLIN);
        }
      } else if (fd == ufd) {
        struct sockaddr_storage from;
        for (int i = 0; i < 64; i++) {
          socklen_t fl = sizeof from;
          ssize_t r = recvfrom(ufd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
          if (r < 0) break;
          sendto(ufd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
        }
      } else {
        serve(fd);
      }
    }
  }
}
