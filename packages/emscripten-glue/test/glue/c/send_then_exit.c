/*
 * Small blocking sends, then the program ends without closing: every byte
 * must reach the peer (Linux delivers what send() queued, then the FIN).
 * In worker mode small sends are posted to the socket worker without
 * waiting (BridgedSyscalls.sendto), so the program may end while some are
 * still on their way; the glue must get them to the worker first.
 * Usage: send_then_exit PORT — sends 2000 messages of 100 bytes, prints
 * "sent N", returns from main.
 */
#include "../../c-blocking/blk.h"

int main(int argc, char **argv) {
  int port = rs_port(argc, argv, "--port");
  int fd = blk_connect(port);
  if (fd < 0) {
    printf("connect failed: %s\n", rs_errname(errno));
    return 1;
  }
  char msg[100];
  long sent = 0;
  for (int i = 0; i < 2000; i++) {
    memset(msg, 'a' + i % 26, sizeof msg);
    ssize_t n = send(fd, msg, sizeof msg, 0);
    if (n != (ssize_t)sizeof msg) {
      printf("send %d returned %zd: %s\n", i, n, rs_errname(errno));
      return 1;
    }
    sent += n;
  }
  printf("sent %ld\n", sent);
  fflush(stdout);
  return 0; /* no close: the process's end closes the socket */
}
