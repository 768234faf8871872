/* A program that opens no socket: linking rawsock must change nothing for it, on any runtime. */
#include <stdio.h>
int main(void) {
  printf("no sockets\n");
  return 0;
}
