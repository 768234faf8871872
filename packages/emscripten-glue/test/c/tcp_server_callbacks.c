/*
 * tcp_server_callbacks.c — a TCP echo server driven only by Emscripten's
 * socket callbacks (natively emulated by rs_loop.h): connection on the
 * listener, message per readable client, close when a client ends.
 * Prints `listening PORT`; the harness connects --clients clients, each
 * sending --bytes (small: echoed straight from the message callback).
 * argv: --clients N --bytes B
 */
#include "rs_loop.h"

#define MAXC 8
static struct conn { int fd; size_t got; long bad; } conns[MAXC];
static int lfd, nclients, bytes, accepted, finished, connections;

static struct conn *find(int fd) {
  for (int i = 0; i < accepted; i++)
    if (conns[i].fd == fd) return &conns[i];
  return NULL;
}

static void on_connection(int s, void *ud) {
  (void)ud;
  if (connections++ == 0) rs_eq(s, lfd, "connection callback gets the listening fd");
  int fd;
  while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
    if (accepted == MAXC) rs_check(0, "at most 8 clients", NULL), rs_exit();
    conns[accepted++] = (struct conn){ fd, 0, -1 };
  }
}

/* Reads what is queued and echoes it; returns 1 at EOF. */
static int pump(struct conn *c) {
  unsigned char buf[4096];
  ssize_t r;
  while ((r = recv(c->fd, buf, sizeof buf, 0)) > 0) {
    long bad = rs_verify(buf, (size_t)r, c->got);
    if (bad >= 0 && c->bad < 0) c->bad = (long)c->got + bad;
    c->got += (size_t)r;
    if (send(c->fd, buf, (size_t)r, 0) != r) rs_check(0, "echo from the message callback", "errno %s", rs_errname(errno)), rs_exit();
  }
  return r == 0;
}

static void finish(struct conn *c) {
  rs_check(c->got == (size_t)bytes && c->bad < 0, "a client's bytes arrived whole and were echoed", "got %zu, first bad at %ld",
           c->got, c->bad);
  close(c->fd);
  c->fd = -1;
  if (++finished == nclients) {
    rs_check(connections >= 1, "connection callback fired", NULL);
    rs_eq(accepted, nclients, "accepted every client from connection callbacks");
    close(lfd);
    rs_exit();
  }
}

static void on_message(int s, void *ud) {
  (void)ud;
  struct conn *c = find(s);
  if (c && pump(c)) finish(c);
}

static void on_close(int s, void *ud) {
  (void)ud;
  struct conn *c = find(s);
  if (!c) return;
  pump(c);
  finish(c);
}

static void on_error(int s, int err, const char *text, void *ud) {
  (void)ud;
  rs_check(0, "no socket errors", "fd %d: %s (%s)", s, rs_errname(err), text ? text : "");
  rs_exit();
}

int main(int argc, char **argv) {
  nclients = atoi(rs_need(argc, argv, "--clients"));
  bytes = atoi(rs_need(argc, argv, "--bytes"));
  lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = rs_v4("127.0.0.1", 0);
  int s_bind = bind(lfd, RS_SA(a), sizeof a);
  int s_listen = listen(lfd, 16);
  printf("listening %d\n", rs_local_port(lfd));
  rs_sys(s_bind, "bind 127.0.0.1:0");
  rs_sys(s_listen, "listen");
  emscripten_set_socket_connection_callback(NULL, on_connection);
  emscripten_set_socket_message_callback(NULL, on_message);
  emscripten_set_socket_close_callback(NULL, on_close);
  emscripten_set_socket_error_callback(NULL, on_error);
  rs_stage = "clients through the callbacks";
  rs_run(NULL, 10000);
  return 0;
}
