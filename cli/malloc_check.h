/* malloc_check.h - --malloc-check: glibc's debugging malloc preloaded in
 * the target (cli/ only). */
#ifndef FZ_MALLOC_CHECK_H
#define FZ_MALLOC_CHECK_H

#include <stddef.h>

/* What the target's LD_PRELOAD starts with: the path of
 * libc_malloc_debug.so.0 beside the libc fzsandbox runs with, in path.
 * Dies (exit 2, one line) when there is none. */
void malloc_check_library(char *path, size_t len);
#define MALLOC_CHECK_VALUE "3"	/* report and abort at the corrupting call */

#endif
