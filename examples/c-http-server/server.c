/*
 * A small HTTP/1.1 server in plain C: non-blocking sockets and poll(),
 * driven by emscripten_set_main_loop under Emscripten (a plain loop when
 * built natively with gcc). It prints "listening PORT", answers each request
 * with a short text body naming the method and path, and exits after
 * serving `argv[1]` requests (default 3).
 *
 * Build:  npx rawsock-emcc server.c -O1 -sEXIT_RUNTIME=1 -o server.cjs
 * Run:    node server.cjs | deno run --allow-net=127.0.0.1 server.cjs | bun server.cjs
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

#define MAX_CLIENTS 16
#define REQUEST_MAX 8192

struct client {
  int fd;                  /* -1 when the slot is free */
  size_t used;             /* bytes of the request read so far */
  int answered;            /* reply sent and write side shut: waiting for the peer's EOF */
  char request[REQUEST_MAX];
};

static int listener = -1, served, wanted = 3;
static struct client clients[MAX_CLIENTS];

static void finish(int code) {
  printf("served %d requests\n", served);
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#endif
  exit(code);
}

/* Writes all of `len` bytes; the reply is small, so a full send buffer is unexpected. */
static int send_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, data, len, 0);
    if (n < 0 && errno == EAGAIN) continue;
    if (n < 0) return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static void respond(struct client *c) {
  char method[16] = "", path[256] = "", body[512], head[256];
  sscanf(c->request, "%15s %255s", method, path);
  int blen = snprintf(body, sizeof body, "hello from C: %s %s\n", method, path);
  int hlen = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", blen);
  if (send_all(c->fd, head, (size_t)hlen) < 0 || send_all(c->fd, body, (size_t)blen) < 0) perror("send");
  printf("%s %s -> 200\n", method, path);
  fflush(stdout);
  /* A lingering close (RFC 9112 section 9.6): shut our side, then close once
   * the client has read the reply and closed its side. Exiting right after
   * close() could otherwise cut off a reply still on its way out. */
  shutdown(c->fd, SHUT_WR);
  c->answered = 1;
}

static void drop(struct client *c) {
  close(c->fd);
  c->fd = -1;
  if (c->answered && ++served == wanted) finish(0);
}

static void accept_clients(void) {
  for (;;) {
    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno != EAGAIN) { perror("accept"); finish(1); }
      return;
    }
    int slot = -1;
    for (int i = 0; i < MAX_CLIENTS; i++) if (clients[i].fd < 0) { slot = i; break; }
    if (slot < 0) { close(fd); continue; } /* full: refuse by closing */
    clients[slot].fd = fd;
    clients[slot].used = 0;
    clients[slot].answered = 0;
  }
}

static void read_request(struct client *c) {
  char scratch[512];
  /* After the reply, anything more from the client is read and ignored until its EOF. */
  char *into = c->answered ? scratch : c->request + c->used;
  size_t room = c->answered ? sizeof scratch : REQUEST_MAX - 1 - c->used;
  ssize_t n = recv(c->fd, into, room, 0);
  if (n < 0 && errno == EAGAIN) return;
  if (n <= 0) { drop(c); return; } /* EOF (or error): done with this client */
  if (c->answered) return;
  c->used += (size_t)n;
  c->request[c->used] = '\0';
  if (strstr(c->request, "\r\n\r\n")) respond(c);
  else if (c->used == REQUEST_MAX - 1) drop(c); /* header too large */
}

static void step(void) {
  struct pollfd p[MAX_CLIENTS + 1];
  int who[MAX_CLIENTS + 1], n = 0;
  p[n] = (struct pollfd){ listener, POLLIN, 0 }; who[n++] = -1;
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0) { p[n] = (struct pollfd){ clients[i].fd, POLLIN, 0 }; who[n++] = i; }
  if (poll(p, (nfds_t)n, 0) < 0) { perror("poll"); finish(1); }
  if (p[0].revents & POLLIN) accept_clients();
  for (int k = 1; k < n; k++)
    if (p[k].revents & (POLLIN | POLLHUP | POLLERR)) read_request(&clients[who[k]]);
}

int main(int argc, char **argv) {
  if (argc > 1) wanted = atoi(argv[1]);
  for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
  listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("bind"); return 1; }
  socklen_t len = sizeof addr;
  getsockname(listener, (struct sockaddr *)&addr, &len);
  if (listen(listener, 16) < 0) { perror("listen"); return 1; }
  printf("listening %d\n", ntohs(addr.sin_port));
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
  return 0;
}
