/*
 * Throws bad arguments at the socket calls: NULL and wild pointers, lengths
 * out of range, bad addrlen, iovec counts (0, > IOV_MAX), NULL iov_base
 * with a length, msghdr with bad msg_name/msg_control, bad optval/optlen,
 * unknown families. Part 1 prints "case: RESULT" for a fixed list (RESULT
 * is "ok N" or an errno name) so the wasm run can be compared with Linux;
 * part 2 makes argv[1] seeded random calls (default 2000) and only checks
 * that every call returns a value or -1 with an errno, never crashing.
 *
 * A "wild" pointer is one no program may use: natively a kernel address
 * (access_ok fails at once), in wasm an address past linear memory.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define WILD ((void *)(uintptr_t)0xfffff000u)
#define MEM_END ((char *)(uintptr_t)(__builtin_wasm_memory_size(0) * 65536u))
#else
#define WILD ((void *)(uintptr_t)0xffff888000000000ull)
#define MEM_END ((char *)WILD)
#endif

static char scratch[4096];

static const char *ename(int e) {
  switch (e) {
#define E(x) case x: return #x;
    E(EFAULT) E(EINVAL) E(EBADF) E(ENOTSOCK) E(EAFNOSUPPORT) E(EMSGSIZE) E(EAGAIN) E(ENOTCONN)
    E(EDESTADDRREQ) E(EISCONN) E(ENOPROTOOPT) E(EOPNOTSUPP) E(EADDRNOTAVAIL) E(EPIPE) E(ENOBUFS)
    E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(ENOENT) E(EACCES) E(ECONNREFUSED) E(EINPROGRESS) E(EALREADY)
    E(ENAMETOOLONG) E(ENOTDIR) E(EADDRINUSE) E(ENOMEM) E(EPERM) E(ENOSYS) E(ENOTTY) E(EIO)
#undef E
    default: return "E?";
  }
}

static void report(const char *name, long r) {
  if (r >= 0) printf("%s: ok %ld\n", name, r);
  else printf("%s: %s\n", name, ename(errno));
}

static struct sockaddr_in lo(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static int udp_bound(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = lo(0);
  bind(fd, (struct sockaddr *)&a, sizeof a);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

static void fixed(void) {
  int t = socket(AF_INET, SOCK_STREAM, 0);
  int u = udp_bound();
  struct sockaddr_in self; socklen_t sl = sizeof self;
  getsockname(u, (struct sockaddr *)&self, &sl);
  struct sockaddr_in a = lo(0);
  socklen_t len;
  int v = 1;

  /* bind/connect: the sockaddr pointer and its length */
  report("bind NULL,16", bind(t, NULL, 16));
  report("bind wild,16", bind(t, WILD, 16));
  report("bind ok,0", bind(t, (struct sockaddr *)&a, 0));
  report("bind ok,-1", bind(t, (struct sockaddr *)&a, (socklen_t)-1));
  report("bind ok,129", bind(t, (struct sockaddr *)&a, 129));
  report("bind ok,1000000", bind(t, (struct sockaddr *)&a, 1000000));
  report("bind ok,15", bind(t, (struct sockaddr *)&a, 15));
  report("bind end-4,16", bind(t, (struct sockaddr *)(MEM_END - 4), 16));
  struct sockaddr_in bad = a; bad.sin_family = 99;
  report("bind family 99", bind(t, (struct sockaddr *)&bad, sizeof bad));
  bad.sin_family = AF_INET6;
  report("bind AF_INET6 on AF_INET socket,16", bind(t, (struct sockaddr *)&bad, sizeof bad));
  report("connect NULL,16", connect(t, NULL, 16));
  report("connect wild,16", connect(t, WILD, 16));
  report("connect NULL,0", connect(t, NULL, 0));
  report("connect ok,-5", connect(t, (struct sockaddr *)&a, (socklen_t)-5));
  struct sockaddr_un un; memset(&un, 'a', sizeof un); un.sun_family = AF_UNIX;
  int us = socket(AF_UNIX, SOCK_STREAM, 0);
  report("connect unix unterminated path,110", connect(us, (struct sockaddr *)&un, sizeof un));
  report("connect unix,1000", connect(us, (struct sockaddr *)&un, 1000));

  /* sendto/recvfrom: data buffer and address */
  report("sendto buf wild,10", sendto(u, WILD, 10, 0, (struct sockaddr *)&self, sizeof self));
  report("sendto buf NULL,10", sendto(u, NULL, 10, 0, (struct sockaddr *)&self, sizeof self));
  report("sendto buf NULL,0", sendto(u, NULL, 0, 0, (struct sockaddr *)&self, sizeof self));
  report("sendto addr wild", sendto(u, scratch, 1, 0, WILD, sizeof self));
  report("sendto addr ok,-1", sendto(u, scratch, 1, 0, (struct sockaddr *)&self, (socklen_t)-1));
  report("sendto addr ok,129", sendto(u, scratch, 1, 0, (struct sockaddr *)&self, 129));
  report("sendto addr ok,3", sendto(u, scratch, 1, 0, (struct sockaddr *)&self, 3));
  report("sendto end-4,10", sendto(u, MEM_END - 4, 10, 0, (struct sockaddr *)&self, sizeof self));
  report("recvfrom buf wild (nothing queued)", recvfrom(t, WILD, 10, MSG_DONTWAIT, NULL, NULL));
  len = sizeof a;
  report("recvfrom addrlen wild", recvfrom(u, scratch, 10, MSG_DONTWAIT, (struct sockaddr *)&a, WILD));

  /* getsockname/getpeername */
  report("getsockname addrlen NULL", getsockname(u, (struct sockaddr *)&a, NULL));
  report("getsockname addrlen wild", getsockname(u, (struct sockaddr *)&a, WILD));
  len = 16;
  report("getsockname addr wild", getsockname(u, WILD, &len));
  len = 16;
  report("getsockname addr NULL,16", getsockname(u, NULL, &len));
  len = (socklen_t)-1;
  report("getsockname addrlen -1", getsockname(u, (struct sockaddr *)&a, &len));
  len = 0;
  report("getsockname addrlen 0", getsockname(u, NULL, &len));
  printf("getsockname addrlen 0 -> len %d\n", (int)len);
  len = 3;
  report("getsockname addrlen 3", getsockname(u, (struct sockaddr *)&a, &len));
  printf("getsockname addrlen 3 -> len %d\n", (int)len);

  /* sendmsg/recvmsg */
  struct iovec iov[2] = { { scratch, 4 }, { scratch + 4, 4 } };
  struct msghdr m;
#define MSG(n_iov, iovp) do { memset(&m, 0, sizeof m); m.msg_name = &self; m.msg_namelen = sizeof self; m.msg_iov = (iovp); m.msg_iovlen = (n_iov); } while (0)
  report("sendmsg msg NULL", sendmsg(u, NULL, 0));
  report("sendmsg msg wild", sendmsg(u, WILD, 0));
  MSG(0, iov); report("sendmsg iovlen 0", sendmsg(u, &m, 0));
  MSG(2, iov); report("sendmsg iovlen 2", sendmsg(u, &m, 0));
  MSG(1025, iov); report("sendmsg iovlen 1025", sendmsg(u, &m, 0));
  MSG((size_t)-1, iov); report("sendmsg iovlen -1", sendmsg(u, &m, 0));
  MSG(1, NULL); report("sendmsg iov NULL,1", sendmsg(u, &m, 0));
  MSG(1, WILD); report("sendmsg iov wild,1", sendmsg(u, &m, 0));
  struct iovec nul[2] = { { NULL, 10 }, { scratch, 1 } };
  MSG(2, nul); report("sendmsg iov_base NULL,10", sendmsg(u, &m, 0));
  struct iovec nul0[2] = { { NULL, 0 }, { scratch, 1 } };
  MSG(2, nul0); report("sendmsg iov_base NULL,0", sendmsg(u, &m, 0));
  struct iovec wild[1] = { { WILD, 8 } };
  MSG(1, wild); report("sendmsg iov_base wild", sendmsg(u, &m, 0));
  MSG(1, iov); m.msg_name = WILD; report("sendmsg msg_name wild", sendmsg(u, &m, 0));
  MSG(1, iov); m.msg_namelen = (socklen_t)-1; report("sendmsg msg_namelen -1", sendmsg(u, &m, 0));
  MSG(1, iov); m.msg_control = WILD; m.msg_controllen = 64; report("sendmsg msg_control wild,64", sendmsg(u, &m, 0));
  MSG(1, iov); m.msg_control = NULL; m.msg_controllen = 64; report("sendmsg msg_control NULL,64", sendmsg(u, &m, 0));
  MSG(1, iov); m.msg_control = WILD; m.msg_controllen = 0; report("sendmsg msg_control wild,0", sendmsg(u, &m, 0));
  report("recvmsg msg NULL", recvmsg(u, NULL, MSG_DONTWAIT));
  MSG(1025, iov); report("recvmsg iovlen 1025", recvmsg(u, &m, MSG_DONTWAIT));
  MSG(1, NULL); report("recvmsg iov NULL,1", recvmsg(u, &m, MSG_DONTWAIT));

  /* getsockopt/setsockopt */
  len = sizeof v;
  report("getsockopt optlen NULL", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, NULL));
  report("getsockopt optlen wild", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, WILD));
  len = sizeof v;
  report("getsockopt optval wild", getsockopt(t, SOL_SOCKET, SO_TYPE, WILD, &len));
  len = sizeof v;
  report("getsockopt optval NULL,4", getsockopt(t, SOL_SOCKET, SO_TYPE, NULL, &len));
  len = (socklen_t)-1;
  report("getsockopt optlen -1", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &len));
  report("setsockopt optval NULL,4", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, NULL, 4));
  report("setsockopt optval wild,4", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, WILD, 4));
  report("setsockopt optlen -1", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &v, (socklen_t)-1));
  report("setsockopt optlen 0", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &v, 0));
  report("setsockopt SO_LINGER short", setsockopt(t, SOL_SOCKET, SO_LINGER, &v, 4));
  report("setsockopt level 9999", setsockopt(t, 9999, 1, &v, 4));
  report("setsockopt TCP_NODELAY optval end-2,4", setsockopt(t, IPPROTO_TCP, TCP_NODELAY, MEM_END - 2, 4));

  /* socket() and fds */
  report("socket family 12345", socket(12345, SOCK_STREAM, 0));
  report("socket type 77", socket(AF_INET, 77, 0));
  report("bind fd -1", bind(-1, (struct sockaddr *)&a, sizeof a));
  report("bind fd 100000", bind(100000, (struct sockaddr *)&a, sizeof a));
  report("socketpair sv wild", socketpair(AF_UNIX, SOCK_STREAM, 0, WILD));
  report("ioctl FIONREAD wild", ioctl(u, FIONREAD, WILD));
  close(t); close(u); close(us);
}

/* Part 2: seeded random calls (xorshift32), checked for sane results only. */
static uint32_t seed;
static uint32_t rnd(void) { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed; }

static void *rptr(void) {
  switch (rnd() % 7) {
    case 0: return NULL;
    case 1: return WILD;
    case 2: return MEM_END - 2;
    case 3: return scratch + (rnd() % 2048);
    case 4: return (void *)(uintptr_t)(0x80000000u + (rnd() % 0x10000));
    default: return scratch;
  }
}

static long rlen(void) {
  static const long pool[] = { 0, 1, 2, 3, 15, 16, 28, 110, 128, 129, 1024, 65536, -1, -16, INT_MAX, 0x7ffff000 };
  return rnd() % 4 ? pool[rnd() % (sizeof pool / sizeof *pool)] : (long)(rnd() % 4096);
}

static int random_part(int iterations) {
  int fds[4];
  int insane = 0;
  for (int i = 0; i < iterations; i++) {
    if (i % 64 == 0) {
      if (i) for (int k = 0; k < 4; k++) close(fds[k]);
      fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      fds[1] = udp_bound();
      fds[2] = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      fds[3] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    }
    /* Never 0-2: natively stdout may be a socket (a spawning Node's pipe), which a random shutdown() would close. */
    int fd = rnd() % 16 == 0 ? (rnd() % 2 ? -1 - (int)(rnd() % 10) : 3 + (int)(rnd() % 1000)) : fds[rnd() % 4];
    /* Lengths stay small where the kernel/glue would write through the pointer. */
    socklen_t small = (socklen_t)(rnd() % 3 == 0 ? rlen() : (long)(rnd() % 40));
    struct msghdr m;
    struct iovec iov[4];
    long r;
    errno = 0;
    switch (rnd() % 11) {
      case 0: r = bind(fd, rptr(), (socklen_t)rlen()); break;
      case 1: r = connect(fd, rptr(), (socklen_t)rlen()); break;
      case 2: r = sendto(fd, rptr(), (size_t)rlen(), MSG_DONTWAIT | MSG_NOSIGNAL, rptr(), (socklen_t)rlen()); break;
      case 3: r = recvfrom(fd, rnd() % 2 ? WILD : scratch, rnd() % 64, MSG_DONTWAIT, rnd() % 2 ? NULL : rptr(), rnd() % 2 ? NULL : (socklen_t *)(rnd() % 2 ? WILD : (void *)&small)); break;
      case 4: r = getsockname(fd, rnd() % 2 ? (struct sockaddr *)scratch : rptr(), rnd() % 3 ? &small : rptr()); break;
      case 5: r = getsockopt(fd, rnd() % 2 ? SOL_SOCKET : (int)(rnd() % 300), (int)(rnd() % 70), rnd() % 2 ? (void *)scratch : rptr(), rnd() % 3 ? &small : rptr()); break;
      case 6: r = setsockopt(fd, rnd() % 2 ? SOL_SOCKET : (int)(rnd() % 300), (int)(rnd() % 70), rptr(), (socklen_t)rlen()); break;
      case 7:
      case 8:
        for (int k = 0; k < 4; k++) { iov[k].iov_base = rnd() % 2 ? scratch : rptr(); iov[k].iov_len = (size_t)(rnd() % 2 ? rnd() % 64 : rlen()); }
        memset(&m, 0, sizeof m);
        m.msg_iov = rnd() % 5 ? iov : rptr();
        m.msg_iovlen = rnd() % 4 ? rnd() % 5 : (size_t)rlen();
        m.msg_name = rnd() % 2 ? NULL : rptr();
        m.msg_namelen = (socklen_t)(rnd() % 2 ? 16 : rlen());
        m.msg_control = rnd() % 2 ? NULL : rptr();
        m.msg_controllen = rnd() % 2 ? 0 : (size_t)rlen();
        /* recvmsg writes through iov_base: only when every base is the scratch buffer and lengths are small */
        if (rnd() % 2) r = sendmsg(fd, rnd() % 9 ? &m : rptr(), MSG_DONTWAIT | MSG_NOSIGNAL);
        else {
          for (int k = 0; k < 4; k++) { if (iov[k].iov_base != WILD && iov[k].iov_base != NULL) iov[k].iov_base = scratch; if (iov[k].iov_len > 512 && iov[k].iov_base == scratch) iov[k].iov_len = 512; }
          if (m.msg_name != NULL && m.msg_name != WILD) m.msg_name = scratch + 1024;
          if (m.msg_namelen > 128) m.msg_namelen = 128;
          m.msg_control = NULL;
          m.msg_controllen = 0;
          r = recvmsg(fd, &m, MSG_DONTWAIT);
        }
        break;
      case 9: r = listen(fd, (int)rlen()); break;
      default: r = shutdown(fd, (int)(rnd() % 5) - 1); break;
    }
    if (r < -1 || (r == -1 && (errno <= 0 || errno > 4095))) {
      printf("insane result %ld errno %d at iteration %d\n", r, errno, i);
      insane++;
    }
  }
  for (int k = 0; k < 4; k++) close(fds[k]);
  return insane;
}

int main(int argc, char **argv) {
  int iterations = argc > 1 ? atoi(argv[1]) : 2000;
  seed = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 0x5eed1234u;
  if (!seed) seed = 1;
  fixed();
  int insane = random_part(iterations);
  printf("random: %d calls, %d insane results, seed 0x%x\n", iterations, insane, argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 0x5eed1234u);
  fflush(stdout);
  return insane ? 1 : 0;
}
