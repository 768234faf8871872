/* A blocking connect to a port nobody listens on fails with ECONNREFUSED (after waiting for the answer). */
#include "blk.h"

int main(void) {
  int port = 0;
  int l = blk_listen(&port);
  rs_sys(l, "listener to learn a free port");
  close(l);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = rs_v4("127.0.0.1", port);
  rs_errno(connect(fd, RS_SA(a), sizeof a), ECONNREFUSED, "blocking connect to a closed port");
  rs_eq_err(rs_getint(fd, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR was consumed by connect");
  close(fd);
  return rs_summary();
}
