/*
 * unix.c — AF_UNIX sockets on paths: stream listener/connect/accept and
 * their addresses (unnamed client: getpeername length 2), data both ways,
 * peer close (POLLHUP, EOF, EPIPE), ENOENT, the socket file outliving its
 * listener (ECONNREFUSED, EADDRINUSE until unlink), and datagrams with
 * sender paths (unnamed sender: recvfrom length 0).  argv: --tmp-dir DIR
 */
#include "rs_loop.h"

static const char *dir;
static int l, c, s = -1, again, d1, d2, d3, phase;
static struct sockaddr_un path, d1path, d2path;
static char buf[256];

static void step(void) {
  struct sockaddr_un a;
  socklen_t len = sizeof a;
  switch (phase) {
  case 0: {
    path = rs_un(dir, "stream.sock");
    l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rs_sys(l, "socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)");
    rs_sys(bind(l, RS_SA(path), sizeof path), "bind to a path");
    rs_sys(listen(l, 4), "listen");
    getsockname(l, RS_SA(a), &len);
    rs_check(a.sun_family == AF_UNIX && strcmp(a.sun_path, path.sun_path) == 0, "getsockname of the listener is its path", "%s",
             rs_addrstr(&a));
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    rs_errno(bind(other, RS_SA(path), sizeof path), EADDRINUSE, "bind to a path in use: EADDRINUSE");
    struct sockaddr_un missing = rs_un(dir, "missing.sock");
    rs_errno(connect(other, RS_SA(missing), sizeof missing), ENOENT, "connect to a missing path: ENOENT");
    close(other);
    c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rs_eq(connect(c, RS_SA(path), sizeof path), 0, "non-blocking connect to a unix listener completes at once (0)");
    len = sizeof a;
    getpeername(c, RS_SA(a), &len);
    rs_check(strcmp(a.sun_path, path.sun_path) == 0, "client getpeername is the listener's path", "%s", rs_addrstr(&a));
    rs_stage = "accept";
    phase++;
    break;
  }
  case 1:
    if ((s = accept4(l, NULL, NULL, SOCK_NONBLOCK)) < 0) return;
    getpeername(s, RS_SA(a), &len);
    rs_check(len == sizeof(sa_family_t) && a.sun_family == AF_UNIX, "accepted socket's peer is unnamed: getpeername length 2",
             "len %d", (int)len);
    len = sizeof a;
    getsockname(s, RS_SA(a), &len);
    rs_check(strcmp(a.sun_path, path.sun_path) == 0, "accepted socket's getsockname is the listener's path", "%s", rs_addrstr(&a));
    rs_eq(send(c, "over unix", 9, 0), 9, "client sends");
    rs_stage = "data at the server";
    phase++;
    break;
  case 2:
    if (recv(s, buf, sizeof buf, 0) != 9) return;
    rs_check(memcmp(buf, "over unix", 9) == 0, "server receives", NULL);
    rs_eq(send(s, "and back", 8, 0), 8, "server sends");
    rs_stage = "data at the client";
    phase++;
    break;
  case 3:
    if (recv(c, buf, sizeof buf, 0) != 8) return;
    rs_check(memcmp(buf, "and back", 8) == 0, "client receives", NULL);
    rs_sys(close(s), "server closes");
    rs_stage = "client to see the close";
    phase++;
    break;
  case 4: {
    /* Wait for the close to show at all (POLLIN: EOF), then check all of it:
       a runtime that shows only the EOF fails this one check, not the rest. */
    short ev = rs_poll1(c, POLLIN | POLLRDHUP);
    if (!(ev & (POLLIN | POLLHUP))) return;
    rs_eq(ev, POLLIN | POLLRDHUP | POLLHUP, "peer closed: POLLIN | POLLRDHUP | POLLHUP");
    rs_eq(recv(c, buf, sizeof buf, 0), 0, "recv: EOF");
    rs_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "send to a closed peer: EPIPE");
    close(c);
    rs_sys(close(l), "close the listener");
    again = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rs_errno(connect(again, RS_SA(path), sizeof path), ECONNREFUSED, "the path outlives its listener: connect ECONNREFUSED");
    rs_stage = "the refused connect to settle";
    phase++;
    break;
  }
  case 5: {
    /* Where a unix connect is asynchronous (EINPROGRESS above), a bind while
       it is in flight is EINVAL, or not, depending on when the refusal lands
       (the worker bridge runs it concurrently). Linux has settled it already
       (poll at once: POLLOUT | POLLHUP); wait until it has settled here too. */
    if (!(rs_poll1(again, POLLOUT) & (POLLOUT | POLLHUP | POLLERR))) return;
    rs_errno(bind(again, RS_SA(path), sizeof path), EADDRINUSE, "...and bind EADDRINUSE");
    /* A fresh socket: where that bind wrongly succeeded, this one is not already bound. */
    close(again);
    rs_sys(unlink(path.sun_path), "unlink the socket file");
    again = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rs_sys(bind(again, RS_SA(path), sizeof path), "then bind succeeds");
    close(again);
    /* Datagrams. */
    d1path = rs_un(dir, "d1.sock");
    d2path = rs_un(dir, "d2.sock");
    d1 = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    d2 = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    d3 = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    rs_sys(bind(d1, RS_SA(d1path), sizeof d1path), "SOCK_DGRAM bind");
    rs_sys(bind(d2, RS_SA(d2path), sizeof d2path), "second SOCK_DGRAM bind");
    rs_eq(sendto(d2, "first", 5, 0, RS_SA(d1path), sizeof d1path), 5, "sendto a path");
    rs_eq(sendto(d2, "second!", 7, 0, RS_SA(d1path), sizeof d1path), 7, "sendto again");
    rs_eq(sendto(d3, "anon", 4, 0, RS_SA(d1path), sizeof d1path), 4, "sendto from an unbound socket");
    rs_stage = "datagrams";
    phase++;
    break;
  }
  case 6: {
    ssize_t r = recvfrom(d1, buf, sizeof buf, 0, RS_SA(a), &len);
    /* Without a datagram socket there is nothing to wait for: the checks below then fail at once. */
    if (r < 0 && d1 >= 0) return;
    rs_check(r == 5 && memcmp(buf, "first", 5) == 0 && strcmp(a.sun_path, d2path.sun_path) == 0,
             "first datagram, from the sender's path", "%zd bytes from %s", r, rs_addrstr(&a));
    len = sizeof a;
    r = recvfrom(d1, buf, sizeof buf, 0, RS_SA(a), &len);
    rs_check(r == 7 && memcmp(buf, "second!", 7) == 0, "second datagram, boundaries kept", "%zd bytes", r);
    len = sizeof a;
    r = recvfrom(d1, buf, sizeof buf, 0, RS_SA(a), &len);
    rs_check(r == 4 && len == 0, "from an unbound sender: recvfrom address length 0 (Linux)", "%zd bytes, len %d", r, (int)len);
    rs_errno(recv(d1, buf, sizeof buf, 0), EAGAIN, "then EAGAIN");
    close(d1), close(d2), close(d3);
    rs_exit();
  }
  }
}

int main(int argc, char **argv) {
  dir = rs_need(argc, argv, "--tmp-dir");
  rs_run(step, 10000);
  return 0;
}
