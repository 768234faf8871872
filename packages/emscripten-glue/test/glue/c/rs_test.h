/*
 * Shared by the self-checking C programs: TAP-style verdicts and the exit
 * that works both natively and in an Emscripten main loop.
 */
#ifndef RS_TEST_H
#define RS_TEST_H
#include <stdio.h>
#include <stdlib.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static int rs_n, rs_failed;

/* Prints "ok N - what" or "not ok N - what". */
static void check(int cond, const char *what) {
  printf("%s %d - %s\n", cond ? "ok" : "not ok", ++rs_n, what);
  if (!cond) rs_failed++;
}

/* Prints the summary and exits 0 only if every check passed. */
static void finish(void) {
  printf("# passed %d failed %d\n", rs_n - rs_failed, rs_failed);
  fflush(stdout);
#ifdef __EMSCRIPTEN__
  emscripten_force_exit(rs_failed ? 1 : 0);
#endif
  exit(rs_failed ? 1 : 0);
}
#endif
