/* mount_list.c - the jail's mount plan as a list: adding an operation and
 * the path tests every planner shares (mount.c for the fixed layout,
 * autobind.c for paths named on the command line), kept apart so neither
 * planner calls into the other.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox_int.h"
#include "util/util.h"

#define OLD SB_OLDROOT
#define NEW SB_NEWROOT

int mount_add(struct sandbox *sb, int kind, bool file, const char *src, const char *dst)
{
	struct mop *ops = realloc(sb->ops, (sb->nops + 1) * sizeof(*ops));
	struct mop *m;
	bool host_src = kind == MOP_BIND_RO || kind == MOP_BIND_RW || kind == MOP_BIND_DEV ||
			kind == MOP_UPPER;

	if (!ops)
		return -ENOMEM;
	sb->ops = ops;
	m = &ops[sb->nops];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->file = file;
	if (asprintf(&m->dst, NEW "%s", dst) < 0)
		return -ENOMEM;
	if (src && asprintf(&m->src, "%s%s", host_src ? OLD : "", src) < 0) {
		free(m->dst);
		return -ENOMEM;
	}
	sb->nops++;
	return 0;
}

bool sb_path_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == 0);
}

const char *const sb_system_dirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
};
const size_t sb_nsystem_dirs = ARRAY_SIZE(sb_system_dirs);

/* Whether a path is under a system directory, which the jail binds
 * read-only as a whole. */
bool sb_under_system(const char *p)
{
	for (size_t i = 0; i < sb_nsystem_dirs; i++)
		if (sb_path_under(p, sb_system_dirs[i]))
			return true;
	return false;
}
