/* leftovers.c - what runs leave in the jail's writable binds.
 *
 * A file a run creates in the working directory or in a read-write bind
 * is still there for the next run (a pid file, a lock, a spool or cache
 * directory): runs stop being independent, the program may take another
 * path from the second run on ("already running"), and a finding may
 * need the runs before it to replay. The campaign lists each writable
 * directory before its first run and again after the clean run, and
 * warns about new names, suggesting --workdir (a fresh copy per run).
 * Top level only: cheap on a big build tree, and a new name there is
 * what tells the story. Outputs named on the command line are expected
 * (autobind.c records them) and not counted. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"
#include "util/util.h"

/* A directory with more entries than this is not listed: comparing
 * would cost more than the warning is worth. */
#define LEFTOVER_MAX_NAMES 4096

/* The sorted top-level names of dir; -E2BIG when there are too many. */
static int list_dir(const char *dir, char ***out, int *nout)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = dir_names(fd, LEFTOVER_MAX_NAMES, out, nout);
	close(fd);
	return r;
}

/* The host path of a bind's source. */
static const char *host_path(const struct mop *m)
{
	size_t k = sizeof(SB_OLDROOT) - 1;

	return strncmp(m->src, SB_OLDROOT, k) == 0 ? m->src + k : m->src;
}

static void marks_free(struct sandbox *sb)
{
	for (int i = 0; i < sb->nlo; i++) {
		dir_names_free(sb->lo[i].names, sb->lo[i].n);
		free(sb->lo[i].path);
	}
	free(sb->lo);
	sb->lo = NULL;
	sb->nlo = 0;
}

int sandbox_leftovers_mark(struct sandbox *sb)
{
	marks_free(sb);	/* a second mark starts over */
	for (int i = sb->first_user_op; i < sb->nops; i++) {
		const struct mop *m = &sb->ops[i];
		struct leftover_dir *l, *more;

		if (m->kind != MOP_BIND_RW || m->file || m->fresh || !m->src)
			continue;
		more = realloc(sb->lo, (sb->nlo + 1) * sizeof(*more));
		if (!more)
			return -ENOMEM;
		sb->lo = more;
		l = &sb->lo[sb->nlo];
		memset(l, 0, sizeof(*l));
		if (list_dir(host_path(m), &l->names, &l->n) < 0)
			continue;	/* unreadable or too big: not watched */
		l->path = strdup(host_path(m));
		if (!l->path) {
			dir_names_free(l->names, l->n);
			return -ENOMEM;
		}
		sb->nlo++;
	}
	return 0;
}

static bool expected(const struct sandbox *sb, const char *dir, const char *name)
{
	for (int i = 0; i < sb->noutputs; i++)
		if (strcmp(sb->outputs[i].dir, dir) == 0 && strcmp(sb->outputs[i].name, name) == 0)
			return true;
	return false;
}

int sandbox_leftovers_check(const struct sandbox *sb, char *msg, size_t len)
{
	int total = 0;
	size_t used = 0;

	if (len)
		msg[0] = 0;
	for (int i = 0; i < sb->nlo; i++) {
		const struct leftover_dir *l = &sb->lo[i];
		char **now;
		int n, fresh = 0;

		if (list_dir(l->path, &now, &n) < 0)
			continue;
		for (int j = 0; j < n; j++) {
			if ((l->n && bsearch(&now[j], l->names, l->n, sizeof(*l->names), dir_names_cmp)) ||
			    expected(sb, l->path, now[j]))
				continue;
			/* Up to three names per directory, then a count. */
			if (fresh < 3 && used < len) {
				int w = snprintf(msg + used, len - used, "%s'%s/%s'",
						 used ? ", " : "", l->path, now[j]);

				used = w < 0 ? len : used + (size_t)w;
			}
			fresh++;
		}
		if (fresh > 3 && used < len) {
			int w = snprintf(msg + used, len - used, " and %d more in '%s'", fresh - 3,
					 l->path);

			used = w < 0 ? len : used + (size_t)w;
		}
		total += fresh;
		dir_names_free(now, n);
	}
	return total;
}

void leftovers_free(struct sandbox *sb)
{
	marks_free(sb);
	for (int i = 0; i < sb->noutputs; i++) {
		free(sb->outputs[i].dir);
		free(sb->outputs[i].name);
	}
	free(sb->outputs);
	sb->outputs = NULL;
	sb->noutputs = 0;
}

int leftovers_expect(struct sandbox *sb, const char *dir, const char *name)
{
	struct sb_output *more = realloc(sb->outputs, (sb->noutputs + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	sb->outputs = more;
	more[sb->noutputs].dir = strdup(dir);
	more[sb->noutputs].name = strdup(name);
	if (!more[sb->noutputs].dir || !more[sb->noutputs].name) {
		free(more[sb->noutputs].dir);
		free(more[sb->noutputs].name);
		return -ENOMEM;
	}
	sb->noutputs++;
	return 0;
}
