/*
 * A line-based chat server: one poll() loop with a 100 ms timeout, forever,
 * over blocking sockets. Each line a client sends goes to every other
 * client; a line "/quit" ends the server. Each new client is greeted with
 * "welcome N" (so a client knows it is in the room). Prints "listening PORT"
 * first, "idle" when poll first times out after a line was relayed, and a
 * summary at the end.
 */
#include "blk.h"

#define MAX_CLIENTS 16

int main(void) {
  int port = 0;
  int l = blk_listen(&port);
  rs_sys(l, "blocking listener");
  printf("listening %d\n", port);
  fflush(stdout);
  struct pollfd fds[MAX_CLIENTS + 1];
  char pending[MAX_CLIENTS + 1][512];
  int used[MAX_CLIENTS + 1];
  int n = 1, served = 0, relayed = 0, ticks = 0, running = 1;
  fds[0] = (struct pollfd){ l, POLLIN, 0 };
  while (running) {
    int r = poll(fds, (nfds_t)n, 100);
    if (r < 0) {
      rs_check(0, "poll", "errno %s", rs_errname(errno));
      break;
    }
    if (r == 0) {
      /* Say once that the room went quiet after some talk (the harness waits for it before "/quit"). */
      if (relayed > 0 && ticks++ == 0) {
        printf("idle\n");
        fflush(stdout);
      }
      continue;
    }
    if ((fds[0].revents & POLLIN) && n <= MAX_CLIENTS) {
      int c = accept(l, NULL, NULL);
      if (c >= 0) {
        fds[n] = (struct pollfd){ c, POLLIN, 0 };
        used[n] = 0;
        n++;
        served++;
        char hello[32];
        int len = snprintf(hello, sizeof hello, "welcome %d\n", served);
        blk_send_all(c, hello, (size_t)len);
      }
    }
    for (int i = 1; i < n; i++) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[256];
      ssize_t got = recv(fds[i].fd, buf, sizeof buf, 0); /* readable: does not block */
      if (got <= 0) {
        close(fds[i].fd);
        fds[i] = fds[n - 1];
        memcpy(pending[i], pending[n - 1], sizeof pending[i]);
        used[i] = used[n - 1];
        n--;
        i--;
        continue;
      }
      for (ssize_t k = 0; k < got; k++) {
        if (buf[k] != '\n') {
          if (used[i] < (int)sizeof pending[i] - 2) pending[i][used[i]++] = buf[k];
          continue;
        }
        pending[i][used[i]] = 0;
        if (strcmp(pending[i], "/quit") == 0) running = 0;
        else {
          char line[600];
          int len = snprintf(line, sizeof line, "%d: %s\n", i, pending[i]);
          for (int j = 1; j < n; j++)
            if (j != i) blk_send_all(fds[j].fd, line, (size_t)len);
          relayed++;
        }
        used[i] = 0;
      }
    }
  }
  for (int i = 1; i < n; i++) close(fds[i].fd);
  close(l);
  rs_check(served >= 3, "served several clients", "served %d", served);
  rs_check(ticks > 0, "poll timed out while idle (the loop kept running)", "ticks %d", ticks);
  printf("served %d clients, relayed %d lines\n", served, relayed);
  return rs_summary();
}
