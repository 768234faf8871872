/*
 * tcp_client_callbacks.c — a TCP client driven only by Emscripten's socket
 * callbacks (natively emulated by rs_loop.h): open once connected, message
 * with the echo, close when the echo server ends, then error with
 * ECONNREFUSED for a connect to a closed port.
 * argv: --echo-port P --closed-port Q
 */
#include "rs_loop.h"

static const char msg[] = "ping through callbacks";
static char got[64];
static size_t have;
static int echo_port, closed_port, fd = -1, refused = -1, opens, messages, closed;

static void drain(int s) {
  ssize_t r;
  while ((r = recv(s, got + have, sizeof got - 1 - have, 0)) > 0) have += (size_t)r;
}

static void on_open(int s, void *ud) {
  (void)ud;
  if (s == refused) rs_check(0, "no open callback for a refused connect", NULL);
  if (s != fd) return;
  if (opens++) return;
  rs_check(1, "open callback for the connecting socket", NULL);
  rs_eq_err(rs_getint(s, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR is 0 in the open callback");
  rs_eq(send(s, msg, strlen(msg), 0), (long)strlen(msg), "send from the open callback");
  rs_sys(shutdown(s, SHUT_WR), "shutdown(SHUT_WR) from the open callback");
  rs_stage = "message and close callbacks";
}

static void on_message(int s, void *ud) {
  (void)ud;
  if (s != fd) return;
  messages++;
  drain(s);
}

static void on_close(int s, void *ud) {
  (void)ud;
  if (s != fd || closed++) return;
  drain(s);
  rs_eq(opens, 1, "open fired once before close");
  rs_check(messages > 0, "message callback fired", NULL);
  rs_check(have == strlen(msg) && strcmp(got, msg) == 0, "the echo came through the message callbacks", "got %zu bytes '%s'", have, got);
  char c;
  rs_eq(recv(s, &c, 1, 0), 0, "recv in the close callback: EOF");
  rs_sys(close(s), "close");
  fd = -1;

  refused = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = rs_v4("127.0.0.1", closed_port);
  rs_errno(connect(refused, RS_SA(a), sizeof a), EINPROGRESS, "connect to a closed port: EINPROGRESS");
  rs_stage = "error callback for the refused connect";
}

static void on_error(int s, int err, const char *text, void *ud) {
  (void)ud;
  if (s != refused) {
    rs_check(0, "no error on the echo connection", "fd %d err %s (%s)", s, rs_errname(err), text ? text : "");
    rs_exit();
  }
  rs_check(err == ECONNREFUSED, "error callback: ECONNREFUSED", "got %s", rs_errname(err));
  rs_check(text != NULL && text[0] != 0, "error callback has a message", NULL);
  close(refused);
  rs_exit();
}

int main(int argc, char **argv) {
  echo_port = rs_port(argc, argv, "--echo-port");
  closed_port = rs_port(argc, argv, "--closed-port");
  emscripten_set_socket_open_callback(NULL, on_open);
  emscripten_set_socket_message_callback(NULL, on_message);
  emscripten_set_socket_close_callback(NULL, on_close);
  emscripten_set_socket_error_callback(NULL, on_error);
  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = rs_v4("127.0.0.1", echo_port);
  rs_errno(connect(fd, RS_SA(a), sizeof a), EINPROGRESS, "connect to the echo server: EINPROGRESS");
  rs_stage = "open callback";
  rs_run(NULL, 10000);
  return 0;
}
