/*
 * Large blocking transfers: one send() of 1.5 MB and one recv(MSG_WAITALL)
 * of 1.5 MB, each a single call (the worker bridge streams them in bounded
 * pieces). The harness peer (--port) reads exactly 1.5 MB, then sends
 * 1.5 MB of the test pattern back and closes.
 */
#include "blk.h"

#define SIZE (1536 * 1024)

int main(int argc, char **argv) {
  int port = rs_port(argc, argv, "--port");
  static unsigned char out[SIZE], in[SIZE];
  rs_fill(out, SIZE, 0);
  int fd = blk_connect(port);
  if (!rs_sys(fd, "blocking connect to the harness peer")) return rs_summary();
  rs_eq(send(fd, out, SIZE, 0), SIZE, "one blocking send of 1.5 MB sends it all");
  rs_eq(recv(fd, in, SIZE, MSG_WAITALL), SIZE, "one recv(MSG_WAITALL) of 1.5 MB gets it all");
  rs_eq(rs_verify(in, SIZE, 0), -1, "the bytes are the pattern, in order");
  char extra;
  rs_eq(recv(fd, &extra, 1, 0), 0, "then EOF");
  close(fd);
  return rs_summary();
}
