/* options_only.c - the campaign-wide predicates: --only-exe=GLOB,
 * --only-path=GLOB (each repeatable: any of them) and --only-fd=TYPE[,TYPE]
 * (inject/pred.c matches them). Calls they do not match are still counted
 * and recorded, never failed: `fzsandbox --only-exe=prog -- make check`
 * fails prog's calls, not make's or the shell's. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/die.h"
#include "cli/options.h"

static void add_glob(const char *opt, char ***list, int *n, const char *glob)
{
	char **l;

	if (!fault_glob_ok(glob) || strlen(glob) >= sizeof(((struct fault_pred *)0)->exe))
		die("%s: bad glob '%s' (empty, an unclosed '[' or a trailing '\\')", opt, glob);
	if (!(l = realloc(*list, (*n + 2) * sizeof(*l))) || !(l[*n] = strdup(glob)))
		die("out of memory");
	l[++*n] = NULL;
	*list = l;
}

void options_only_exe(struct options *o, const char *arg)
{
	add_glob("--only-exe", &o->only_exe, &o->nonly_exe, arg);
}

void options_only_path(struct options *o, const char *arg)
{
	add_glob("--only-path", &o->only_path, &o->nonly_path, arg);
}

void options_only_fd(struct options *o, const char *arg)
{
	unsigned mask;

	if (fault_fd_types(arg, &mask) < 0)
		die("--only-fd: bad type list '%s' (file, pipe, socket, tty, comma-separated)", arg);
	o->only_fd |= mask;
}
