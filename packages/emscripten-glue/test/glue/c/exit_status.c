/*
 * main's status after blocking calls: a blocking connect and accept (in
 * suspend mode they suspend main), then main returns 3 with its sockets
 * still open. The process must end with status 3, as natively — not 0,
 * and not stay alive on the open sockets.
 */
#include "../../c-blocking/blk.h"

int main(void) {
  int port = 0;
  int l = blk_listen(&port);
  int c = blk_connect(port);
  int a = accept(l, NULL, NULL);
  printf("listener %s, connect %s, accept %s\n", l >= 0 ? "ok" : "failed", c >= 0 ? "ok" : "failed", a >= 0 ? "ok" : "failed");
  fflush(stdout);
  return 3; /* sockets left open: the process's end closes them */
}
