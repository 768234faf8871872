/*
 * AF_UNIX stream sockets on a filesystem path, event-driven: bind/listen,
 * a client connect, accept, data both ways, names, EADDRINUSE, ENOENT.
 * Built as wasm both with and without -sNODERAWFS (paths are host paths).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "rs_test.h"

static int listener, client, server = -1, stage, lost = -1;
static struct sockaddr_un addr;
static struct timeval t0;

static void step(void) {
  char buf[32] = {0};
  if (lost >= 0) {
    /* The refused connect to a missing path reports through poll and SO_ERROR. */
    struct pollfd p = { lost, POLLOUT, 0 };
    poll(&p, 1, 0);
    if (!(p.revents & POLLERR)) goto timeout;
    int e = 0; socklen_t l = sizeof e;
    check(getsockopt(lost, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e == ENOENT, "missing path: SO_ERROR is ENOENT");
    close(lost);
    lost = -1;
  }
  if (stage == 0) {
    server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    if (server < 0) goto timeout;
    check(1, "accept");
    struct sockaddr_un peer; socklen_t pl = sizeof peer;
    check(getpeername(client, (struct sockaddr *)&peer, &pl) == 0 && strcmp(peer.sun_path, addr.sun_path) == 0, "the client's peer is the path");
    check(send(client, "over unix", 9, 0) == 9, "client sends");
    stage = 1;
  }
  if (stage == 1) {
    ssize_t r = recv(server, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (r < 0) goto timeout;
    check(r == 9 && strcmp(buf, "over unix") == 0, "server receives");
    close(client);
    stage = 2;
  }
  if (stage == 2) {
    ssize_t r = recv(server, buf, sizeof buf, MSG_DONTWAIT);
    if (r < 0) goto timeout;
    check(r == 0, "EOF after the client closed");
    close(server);
    close(listener);
    unlink(addr.sun_path);
    finish();
  }
timeout:;
  struct timeval now; gettimeofday(&now, NULL);
  if (now.tv_sec - t0.tv_sec > 10) { check(0, "events within 10 s"); finish(); }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  gettimeofday(&t0, NULL);
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "/tmp/rawsock-unix-%d-%ld.sock", (int)getpid(), (long)t0.tv_usec);
  listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  check(listener >= 0, "socket(AF_UNIX)");
  check(bind(listener, (struct sockaddr *)&addr, sizeof addr) == 0, "bind a path");
  struct sockaddr_un name; socklen_t nl = sizeof name;
  check(getsockname(listener, (struct sockaddr *)&name, &nl) == 0 && strcmp(name.sun_path, addr.sun_path) == 0, "getsockname gives the path");
  int other = socket(AF_UNIX, SOCK_STREAM, 0);
  check(bind(other, (struct sockaddr *)&addr, sizeof addr) == -1 && errno == EADDRINUSE, "path in use: EADDRINUSE");
  close(other);
  check(listen(listener, 4) == 0, "listen");
  struct sockaddr_un missing = { .sun_family = AF_UNIX, .sun_path = "/tmp/rawsock-no-such-dir/x.sock" };
  int r;
  lost = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  r = connect(lost, (struct sockaddr *)&missing, sizeof missing);
  /* Linux: ENOENT at once; rawsock: EINPROGRESS, then SO_ERROR ENOENT. Both end in one verdict. */
  if (r == -1 && errno == ENOENT) {
    check(1, "missing path: SO_ERROR is ENOENT");
    close(lost);
    lost = -1;
  }
  client = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  r = connect(client, (struct sockaddr *)&addr, sizeof addr);
  /* Linux completes at once; rawsock says EINPROGRESS (README deviation). */
  check(r == 0 || (r == -1 && errno == EINPROGRESS), "connect (0, or EINPROGRESS under rawsock)");
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
}
