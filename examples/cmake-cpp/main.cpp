// A C++ program built by CMake (emcmake cmake) with rawsock's link flags:
// two UDP sockets on 127.0.0.1 trade a few datagrams, driven by poll() from
// emscripten_set_main_loop (a plain loop natively). Prints each exchange.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace {

// Owns one socket fd; closes it when it goes out of scope.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { if (fd_ >= 0) close(fd_); }
  Socket(const Socket &) = delete;
  Socket &operator=(const Socket &) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void finish(int code) {
  std::fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(code);
#endif
  std::exit(code);
}

[[noreturn]] void fail(const char *what) {
  std::printf("%s failed: %s\n", what, std::strerror(errno));
  finish(1);
}

int bound_udp() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) fail("socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) < 0) fail("bind");
  return fd;
}

sockaddr_in name_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) < 0) fail("getsockname");
  return a;
}

Socket *ping, *pong;
int round_trip, sent;
constexpr int kRounds = 3;

void step() {
  if (!sent) {
    std::string msg = "ping " + std::to_string(round_trip + 1);
    sockaddr_in to = name_of(pong->fd());
    if (sendto(ping->fd(), msg.data(), msg.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof to) < 0) fail("sendto");
    sent = 1;
  }
  pollfd p[2] = {{pong->fd(), POLLIN, 0}, {ping->fd(), POLLIN, 0}};
  if (poll(p, 2, 0) < 0) fail("poll");
  char buf[64];
  if (p[0].revents & POLLIN) {  // pong answers every ping to the address it came from
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(pong->fd(), buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &len);
    if (n < 0) fail("recvfrom");
    std::string reply = "pong for '" + std::string(buf, static_cast<size_t>(n)) + "'";
    if (sendto(pong->fd(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr *>(&from), len) < 0) fail("sendto");
  }
  if (p[1].revents & POLLIN) {
    ssize_t n = recv(ping->fd(), buf, sizeof buf, 0);
    if (n < 0) fail("recv");
    std::printf("got %.*s\n", static_cast<int>(n), buf);
    sent = 0;
    if (++round_trip == kRounds) {
      std::printf("%d round trips over UDP\n", kRounds);
      delete ping;
      delete pong;
      finish(0);
    }
  }
}

}  // namespace

int main() {
  ping = new Socket(bound_udp());
  pong = new Socket(bound_udp());
#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(step, 0, 1);
#else
  for (;;) { step(); usleep(1000); }
#endif
  return 0;
}
