/*
 * An accept-loop server with blocking sockets: accept, read a line, answer,
 * close; --clients N times. A harness client connects after "listening PORT".
 */
#include "blk.h"

int main(int argc, char **argv) {
  int clients = atoi(rs_need(argc, argv, "--clients"));
  int port = 0;
  int l = blk_listen(&port);
  rs_sys(l, "blocking listener on 127.0.0.1:0");
  printf("listening %d\n", port);
  fflush(stdout);
  for (int i = 0; i < clients; i++) {
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int c = accept(l, RS_SA(peer), &len);
    if (!rs_sys(c, "accept blocks until a client comes")) break;
    rs_check(peer.sin_family == AF_INET && len == sizeof peer, "accept fills the peer address", "family %d len %d", peer.sin_family, (int)len);
    char line[256];
    int n = blk_line(c, line, sizeof line);
    rs_check(n > 0, "recv blocks until the client's line arrives", "got %d", n);
    char reply[300];
    snprintf(reply, sizeof reply, "hello %s\n", line);
    rs_sys(blk_send_all(c, reply, strlen(reply)), "send the reply");
    rs_sys(close(c), "close the connection");
  }
  close(l);
  return rs_summary();
}
