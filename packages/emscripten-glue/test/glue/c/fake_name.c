/* Pins a deviation (README): in event-driven builds a name other than localhost gets
 * Emscripten's placeholder address from getaddrinfo; connecting to it fails with
 * EHOSTUNREACH instead of reaching a wrong host. Wasm-only: natively the name fails to resolve. */
#include <netdb.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
int main(void) {
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
  int g = getaddrinfo("db.example.invalid", "5432", &hints, &res);
  if (g != 0) { printf("getaddrinfo failed: %d\n", g); return 0; }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int r = connect(fd, res->ai_addr, res->ai_addrlen);
  printf("connect %d errno %s\n", r, r < 0 && errno == EHOSTUNREACH ? "EHOSTUNREACH" : strerror(errno));
  return 0;
}
