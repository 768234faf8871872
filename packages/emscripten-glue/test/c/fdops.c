/*
 * fdops.c — sockets as file descriptors: read/write/readv/writev, fstat
 * (S_ISSOCK), fcntl F_GETFL/F_SETFL/F_GETFD, ioctl FIONREAD (TCP, UDP,
 * listener) and FIONBIO, dup/dup2 sharing one socket, lseek ESPIPE, socket
 * calls on a file (ENOTSOCK), EBADF after close, and a regular file and a
 * pipe in poll()/select() next to an idle socket. No peers; the file is a
 * tmpfile(), so it exists whatever filesystem the build has.
 */
#include "rs_loop.h"
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>

static struct rs_pair p;
static int phase, d = -1, u1, u2, file = -1;
static char buf[64];

static int queued(int fd) {
  int n = -1;
  return ioctl(fd, FIONREAD, &n) < 0 ? -1 : n;
}

static void step(void) {
  switch (phase) {
  case 0:
    rs_sys(rs_pair_start(&p, AF_INET), "an in-process TCP connection");
    rs_stage = "connection";
    phase++;
    break;
  case 1: {
    if (!rs_pair_ready(&p)) return;
    struct stat st;
    rs_check(fstat(p.c, &st) == 0 && S_ISSOCK(st.st_mode), "fstat: S_ISSOCK", "mode 0%o", (unsigned)st.st_mode);
    int fl = fcntl(p.c, F_GETFL);
    rs_check((fl & O_ACCMODE) == O_RDWR && (fl & O_NONBLOCK), "F_GETFL: O_RDWR | O_NONBLOCK", "flags 0%o", (unsigned)fl);
    rs_sys(fcntl(p.c, F_SETFL, fl & ~O_NONBLOCK), "F_SETFL without O_NONBLOCK");
    rs_eq(fcntl(p.c, F_GETFL) & O_NONBLOCK, 0, "...reads back blocking");
    int on = 1, off = 0;
    rs_sys(ioctl(p.c, FIONBIO, &on), "ioctl(FIONBIO, 1)");
    rs_eq(fcntl(p.c, F_GETFL) & O_NONBLOCK, O_NONBLOCK, "...sets O_NONBLOCK");
    ioctl(p.c, FIONBIO, &off);
    rs_eq(fcntl(p.c, F_GETFL) & O_NONBLOCK, 0, "ioctl(FIONBIO, 0) clears it");
    fcntl(p.c, F_SETFL, fl);
    rs_eq(fcntl(p.c, F_GETFD) & FD_CLOEXEC, 0, "F_GETFD: no FD_CLOEXEC by default");
    int cx = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    rs_eq(fcntl(cx, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "SOCK_CLOEXEC: FD_CLOEXEC");
    close(cx);
    rs_errno(lseek(p.c, 0, SEEK_CUR), ESPIPE, "lseek on a socket: ESPIPE");
    rs_eq(queued(p.s), 0, "FIONREAD with nothing queued: 0");
    rs_errno(queued(p.l), EINVAL, "FIONREAD on a listener: EINVAL");
    rs_errno(read(p.s, buf, sizeof buf), EAGAIN, "read with nothing queued: EAGAIN");
    rs_eq(write(p.c, "write", 5), 5, "write 5 bytes");
    struct iovec v[3] = { { "wri", 3 }, { "tev", 3 }, { "!!!!", 4 } };
    rs_eq(writev(p.c, v, 3), 10, "writev 3 iovecs: 10 bytes");
    rs_stage = "15 bytes";
    phase++;
    break;
  }
  case 2: {
    if (queued(p.s) < 15) return;
    rs_eq(queued(p.s), 15, "FIONREAD: 15");
    rs_check(read(p.s, buf, 5) == 5 && memcmp(buf, "write", 5) == 0, "read 5", NULL);
    char a[4], b[16];
    struct iovec v[2] = { { a, 4 }, { b, sizeof b } };
    rs_check(readv(p.s, v, 2) == 10 && memcmp(a, "writ", 4) == 0 && memcmp(b, "ev!!!!", 6) == 0, "readv scatters 10 over 4 + 16", NULL);
    d = dup(p.c);
    rs_check(d >= 0 && d != p.c, "dup", NULL);
    rs_eq(fcntl(d, F_GETFL) & O_NONBLOCK, O_NONBLOCK, "the dup shares O_NONBLOCK");
    int d2 = dup2(p.s, 100);
    rs_eq(d2, 100, "dup2 to 100");
    rs_eq(rs_local_port(100), p.port, "the dup2 is the same socket (getsockname)");
    close(100);
    rs_sys(close(p.c), "close the original");
    rs_eq(write(d, "via dup", 7), 7, "write through the dup after closing the original");
    rs_stage = "data written through the dup";
    phase++;
    break;
  }
  case 3: {
    ssize_t r = read(p.s, buf, sizeof buf);
    if (r < 0) return;
    rs_check(r == 7 && memcmp(buf, "via dup", 7) == 0, "arrives at the peer", NULL);
    rs_errno(read(p.s, buf, sizeof buf), EAGAIN, "the connection is still open (EAGAIN, not EOF)");
    rs_sys(close(d), "close the dup, the last reference");
    rs_stage = "EOF after the last close";
    phase++;
    break;
  }
  case 4: {
    ssize_t r = read(p.s, buf, sizeof buf);
    if (r < 0) return;
    rs_eq(r, 0, "the peer sees EOF once the last fd is closed");
    u1 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    u2 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = rs_v4("127.0.0.1", 0);
    bind(u1, RS_SA(a), sizeof a);
    a.sin_port = htons((unsigned short)rs_local_port(u1));
    sendto(u2, "five!", 5, 0, RS_SA(a), sizeof a);
    sendto(u2, "seven!!", 7, 0, RS_SA(a), sizeof a);
    rs_stage = "two datagrams";
    phase++;
    break;
  }
  case 5: {
    if (queued(u1) <= 0) return;
    rs_eq(queued(u1), 5, "UDP FIONREAD: the size of the next datagram only (Linux)");
    close(u1), close(u2);
    FILE *tmp = tmpfile();
    file = tmp ? fileno(tmp) : -1;
    if (!rs_sys(file, "tmpfile(): a regular file")) rs_exit();
    rs_eq(write(file, "file data", 9), 9, "write to it");
    lseek(file, 0, SEEK_SET);
    struct stat st;
    rs_check(fstat(file, &st) == 0 && S_ISREG(st.st_mode), "fstat: S_ISREG", NULL);
    rs_errno(send(file, "x", 1, 0), ENOTSOCK, "send on a file: ENOTSOCK");
    int v;
    socklen_t len = sizeof v;
    rs_errno(getsockopt(file, SOL_SOCKET, SO_TYPE, &v, &len), ENOTSOCK, "getsockopt on a file: ENOTSOCK");
    int pipefd[2];
    if (!rs_sys(pipe(pipefd), "pipe")) rs_exit();
    write(pipefd[1], "p", 1);

    close(p.s), close(p.l);
    p.s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0); /* an idle socket */
    struct pollfd fds[4] = { { file, POLLIN | POLLOUT, 0 }, { p.s, POLLIN, 0 }, { pipefd[0], POLLIN, 0 }, { pipefd[1], POLLOUT, 0 } };
    int n = poll(fds, 4, 0);
    rs_check(n == 3 && fds[0].revents == (POLLIN | POLLOUT) && fds[1].revents == 0 && fds[2].revents == POLLIN && fds[3].revents == POLLOUT,
             "poll: the file is readable and writable, the pipe too, the idle socket nothing", "n %d file 0x%x sock 0x%x pipe 0x%x 0x%x", n,
             fds[0].revents, fds[1].revents, fds[2].revents, fds[3].revents);
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(file, &rs);
    FD_SET(file, &ws);
    FD_SET(p.s, &rs);
    struct timeval tv = { 0, 0 };
    int maxfd = file > p.s ? file : p.s;
    n = select(maxfd + 1, &rs, &ws, NULL, &tv);
    rs_check(n == 2 && FD_ISSET(file, &rs) && FD_ISSET(file, &ws) && !FD_ISSET(p.s, &rs), "select: the file in both sets, the idle socket in none",
             "n %d", n);
    rs_check(read(file, buf, sizeof buf) == 9 && memcmp(buf, "file data", 9) == 0, "the file reads back", NULL);
    close(pipefd[0]), close(pipefd[1]), fclose(tmp);
    close(p.s);
    rs_errno(read(p.s, buf, 1), EBADF, "read on a closed socket fd: EBADF");
    struct stat st2;
    rs_errno(fstat(p.s, &st2), EBADF, "fstat on it: EBADF");
    rs_exit();
  }
  }
}

int main(void) {
  rs_run(step, 10000);
  return 0;
}
