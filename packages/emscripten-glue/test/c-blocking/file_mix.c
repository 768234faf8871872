/* A blocking socket and file I/O in one program: a file's bytes go over the socket and back into another file. */
#include "blk.h"
#include <sys/stat.h>

int main(void) {
  char dir[] = "/tmp/rawsock-blk-XXXXXX";
  rs_check(mkdtemp(dir) != NULL, "mkdtemp", "errno %s", rs_errname(errno));
  char in[128], out[128];
  snprintf(in, sizeof in, "%s/in.bin", dir);
  snprintf(out, sizeof out, "%s/out.bin", dir);
  enum { SIZE = 300000 };
  static unsigned char data[SIZE], back[SIZE];
  rs_fill(data, SIZE, 0);
  FILE *f = fopen(in, "wb");
  rs_check(f && fwrite(data, 1, SIZE, f) == SIZE && fclose(f) == 0, "write the input file", "");
  int port = 0;
  int l = blk_listen(&port);
  int c = blk_connect(port);
  int s = accept(l, NULL, NULL);
  rs_sys(s, "a connected pair");
  int fd = open(in, O_RDONLY);
  rs_sys(fd, "open the input file");
  /* Stream the file in pieces small enough for the socket buffers, reading the other side as we go. */
  size_t moved = 0;
  int outfd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  rs_sys(outfd, "create the output file");
  for (;;) {
    char piece[16384];
    ssize_t r = read(fd, piece, sizeof piece);
    if (r <= 0) break;
    if (blk_send_all(c, piece, (size_t)r) < 0) break;
    ssize_t got = recv(s, piece, (size_t)r, MSG_WAITALL);
    if (got != r) break;
    if (write(outfd, piece, (size_t)got) != got) break;
    moved += (size_t)got;
  }
  rs_eq((long)moved, SIZE, "every byte went file → socket → file");
  close(fd);
  close(outfd);
  struct stat st;
  rs_check(stat(out, &st) == 0 && st.st_size == SIZE, "the output file has the size", "");
  f = fopen(out, "rb");
  rs_check(f && fread(back, 1, SIZE, f) == SIZE, "read it back", "");
  if (f) fclose(f);
  rs_eq(rs_verify(back, SIZE, 0), -1, "the bytes match");
  unlink(in);
  unlink(out);
  rmdir(dir);
  close(c);
  close(s);
  close(l);
  return rs_summary();
}
