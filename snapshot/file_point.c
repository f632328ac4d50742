/* file_point.c - the snapshot point of a program given its input as a
 * file argument (--fuzz's '@@', --snapshot-at=file:PATH): its first call
 * that names that file, before anything of it is read. Not only the open:
 * file, sort and others stat or access the path first, and a later point
 * would hand every child the template's size of it. gzip opens the
 * file's directory and then the name relative to it (openat(dirfd, ..)),
 * so a name is resolved where the program stands (its root, cwd or
 * dirfd, through /proc) and compared with the file by device and inode:
 * the jail may see it by another path, and the fuzz loop rewrites it in
 * place, so its inode stays. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "snapshot/snapshot_int.h"
#include "util/util.h"

/* Calls that name a path: which argument is the directory it is relative
 * to (-1: none, the cwd) and which is the path. */
static const struct {
	const char *name;
	int dirfd, path;
} path_calls[] = {
	{ "open", -1, 0 }, { "openat", 0, 1 }, { "openat2", 0, 1 }, { "creat", -1, 0 },
	{ "stat", -1, 0 }, { "lstat", -1, 0 }, { "newfstatat", 0, 1 }, { "statx", 0, 1 },
	{ "access", -1, 0 }, { "faccessat", 0, 1 }, { "faccessat2", 0, 1 },
	{ "readlink", -1, 0 }, { "readlinkat", 0, 1 }, { "truncate", -1, 0 },
};

int snap_file_set(struct snapshot *sn, const char *path, char *why, size_t whylen)
{
	if (!*path) {
		snprintf(why, whylen, "'file:' needs the input file's path (file:PATH)");
		return -EINVAL;
	}
	if (!(sn->file = strdup(path)))
		return -ENOMEM;
	return 0;
}

/* The file's identity, once: it exists by the time the program runs
 * (fuzz writes it first); one that does not is never matched. */
static bool file_id(struct snapshot *sn)
{
	struct stat st;

	if (!sn->file_known) {
		if (stat(sn->file, &st) < 0)
			return false;
		sn->file_dev = st.st_dev;
		sn->file_ino = st.st_ino;
		sn->file_known = true;
	}
	return true;
}

/* Is the file named name (relative to dirfd, -1 or AT_FDCWD: the cwd) in
 * the task's view the input file? */
static bool names_file(struct snapshot *sn, struct tracer_task *t, int dirfd, const char *name)
{
	char path[PATH_MAX + 64];
	int pid = (int)tracer_task_tid(t), n;
	struct stat st;

	if (name[0] == '/')
		n = snprintf(path, sizeof(path), "/proc/%d/root%s", pid, name);
	else if (dirfd < 0)
		n = snprintf(path, sizeof(path), "/proc/%d/cwd/%s", pid, name);
	else
		n = snprintf(path, sizeof(path), "/proc/%d/fd/%d/%s", pid, dirfd, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	if (stat(path, &st) == 0)
		return st.st_dev == sn->file_dev && st.st_ino == sn->file_ino;
	/* /proc unreadable here: the same absolute name will do. */
	return name[0] == '/' && strcmp(name, sn->file) == 0;
}

int snap_file_point(struct snapshot *sn, struct tracer_task *t, const struct syscall_stop *s)
{
	char name[PATH_MAX];

	if (!s->ent || !file_id(sn))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(path_calls); i++) {
		int dirfd;

		if (strcmp(s->ent->name, path_calls[i].name) != 0)
			continue;
		dirfd = path_calls[i].dirfd < 0 ? -1 : (int)s->args[path_calls[i].dirfd];
		if (dirfd == AT_FDCWD)
			dirfd = -1;
		/* An empty name (AT_EMPTY_PATH) is a call on a descriptor. */
		if (tracer_read_str(t, s->args[path_calls[i].path], name, sizeof(name)) < 0 ||
		    !name[0])
			return 0;
		return names_file(sn, t, dirfd, name);
	}
	return 0;
}

void snap_file_trace_set(uint8_t set[SYSCALL_MAX / 8])
{
	for (size_t i = 0; i < ARRAY_SIZE(path_calls); i++) {
		const struct syscall_ent *e = syscall_by_name(path_calls[i].name);

		if (e && e->nr >= 0 && e->nr < SYSCALL_MAX)
			set[e->nr / 8] |= 1 << (e->nr % 8);
	}
}
