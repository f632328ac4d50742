/* baseline.h - lists of finding keys (cli/baseline.c): a --baseline
 * file of accepted findings, read by `fzsandbox regress` and by
 * --fail-on=new (cli/fail_on.c). */
#ifndef FZ_BASELINE_H
#define FZ_BASELINE_H

#include <stdbool.h>

struct keylist {
	char **keys;		/* NULL-terminated (NULL when empty) */
	int n;
};

/* --baseline=FILE: one finding key a line, blank lines and lines that
 * start with # skipped, trailing blanks cut. Added to kl; die()s naming
 * who (the option or subcommand) when FILE cannot be read. */
void baseline_load(struct keylist *kl, const char *path, const char *who);
/* key copied to the end of kl; die()s when out of memory. */
void keylist_add(struct keylist *kl, const char *key);
bool keylist_has(const struct keylist *kl, const char *key);
void keylist_free(struct keylist *kl);

#endif
