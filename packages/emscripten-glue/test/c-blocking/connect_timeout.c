/* connect with a timeout: a non-blocking connect, then poll(POLLOUT, timeout) and SO_ERROR. */
#include "blk.h"

static int nb_connect(int port, int *err) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  struct sockaddr_in a = rs_v4("127.0.0.1", port);
  int r = connect(fd, RS_SA(a), sizeof a);
  *err = r == 0 ? 0 : errno;
  return fd;
}

int main(void) {
  int port = 0;
  int l = blk_listen(&port);
  int e = 0;
  int fd = nb_connect(port, &e);
  rs_check(e == 0 || e == EINPROGRESS, "non-blocking connect to a listener starts", "errno %s", rs_errname(e));
  struct pollfd p = { fd, POLLOUT, 0 };
  rs_eq(poll(&p, 1, 2000), 1, "poll(POLLOUT, 2 s) says the connect finished");
  rs_eq_err(rs_getint(fd, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR 0: connected");
  int fl = fcntl(fd, F_GETFL);
  rs_sys(fcntl(fd, F_SETFL, fl & ~O_NONBLOCK), "back to blocking");
  rs_sys(send(fd, "hi", 2, 0), "a blocking send on it works");
  int s = accept(l, NULL, NULL);
  char buf[4];
  rs_eq(recv(s, buf, 2, MSG_WAITALL), 2, "the listener's side gets it");
  close(s);
  close(fd);
  close(l);

  /* Refused: poll reports the end, SO_ERROR says why. */
  int fd2 = nb_connect(port, &e);
  rs_check(e == ECONNREFUSED || e == EINPROGRESS, "non-blocking connect to a closed port", "errno %s", rs_errname(e));
  if (e == EINPROGRESS) {
    struct pollfd q = { fd2, POLLOUT, 0 };
    rs_eq(poll(&q, 1, 2000), 1, "poll(POLLOUT, 2 s) returns once refused");
    rs_eq_err(rs_getint(fd2, SOL_SOCKET, SO_ERROR), ECONNREFUSED, "SO_ERROR ECONNREFUSED");
  } else {
    rs_skip("poll(POLLOUT, 2 s) returns once refused", "refused at once");
    rs_skip("SO_ERROR ECONNREFUSED", "refused at once");
  }
  close(fd2);
  return rs_summary();
}
