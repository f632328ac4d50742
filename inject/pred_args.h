/* pred_args.h - which argument of a syscall is the path or the fd the
 * predicates look at (inject/pred_spec.c), for pred.c and spec.c. */
#ifndef FZ_PRED_ARGS_H
#define FZ_PRED_ARGS_H

#include <stdbool.h>

/* Argument indexes, -1 for none: the path the call names (the first one:
 * rename's old name; symlink's new link), the dirfd it is relative to, and
 * the fd the call acts on when it names no path. */
struct pred_args {
	int path, dirfd, fd;
};
/* false for a library call (malloc) or an unknown name. */
bool pred_args_of(const char *call, struct pred_args *a);
/* Is this '@' word a predicate ("NAME=...", not a WHERE form)? */
bool fault_pred_word(const char *word);

#endif
