/* sanitizer.h - ASan/UBSan/MSan/TSan reports in a run's stderr. */
#ifndef FZ_SANITIZER_H
#define FZ_SANITIZER_H

#include "reporters/report.h"

/* Scan the file at path for a sanitizer report. Returns 1 and fills kind
 * (e.g. "heap-buffer-overflow", "runtime-error") and the stack from the
 * report's "#N 0x... in func file:line" lines, 0 if there is none, -errno
 * on error. */
int sanitizer_scan(const char *path, char *kind, int kindlen, struct thread_stack *stack);

#endif
