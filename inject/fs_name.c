/* fs_name.c - what an open is about to do to the file system, read from
 * the stopped tracee as the jail sees it: its flags (creat's are O_CREAT,
 * openat2's are in its struct open_how) and whether its path names a file
 * that does not exist yet in a directory that does (the only open that
 * allocates an inode, so the only one a full device can fail).
 *
 * The path is resolved from the tracee's own directories: an absolute one
 * from /proc/PID/root (RESOLVE_IN_ROOT: its absolute symlinks stay in the
 * jail), a relative one from /proc/PID/cwd or /proc/PID/fd/N
 * (RESOLVE_BENEATH: a ".." or absolute symlink that leaves it is not
 * followed, and the answer is "not known"). Whatever is not known is
 * "not new": a fault is lost, never an impossible one given.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject/fs_class.h"
#include "util/util.h"

struct open_args {
	int path;	/* the argument holding the path */
	int dirfd;	/* the one holding the directory fd, -1 none */
	int flags;	/* the one holding the flags, -1: creat, -2: openat2 */
};

static const struct {
	const char *call;
	struct open_args a;
} open_calls[] = {
	{ "open", { 0, -1, 1 } },
	{ "creat", { 0, -1, -1 } },
	{ "openat", { 1, 0, 2 } },
	{ "openat2", { 1, 0, -2 } },
	/* Not opens: only their new name is looked at (fs_name_new). */
	{ "mkdir", { 0, -1, -3 } },
	{ "mkdirat", { 1, 0, -3 } },
};

static const struct open_args *args_of(const char *call)
{
	for (size_t i = 0; i < ARRAY_SIZE(open_calls); i++)
		if (strcmp(open_calls[i].call, call) == 0)
			return &open_calls[i].a;
	return NULL;
}

int fs_open_flags(struct tracer_task *t, const struct syscall_stop *s, uint64_t *flags)
{
	const struct open_args *a = args_of(s->ent->name);
	struct open_how how;

	if (!a || a->flags == -3)
		return -EINVAL;
	if (a->flags >= 0) {
		*flags = (uint32_t)s->args[a->flags];
		return 0;
	}
	if (a->flags == -1) {
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
		return 0;
	}
	/* openat2: a smaller struct is EINVAL before any lookup. */
	if (s->args[3] < sizeof(how))
		return -EINVAL;
	if (tracer_read_mem(t, s->args[2], &how, sizeof(how)) < 0)
		return -EFAULT;
	*flags = how.flags;
	return 0;
}

/* The directory the lookup starts from, as an O_PATH fd, and how to
 * resolve below it. */
static int start_dir(pid_t pid, const char *path, int dirfd, __u64 *resolve)
{
	char p[64];

	if (path[0] == '/') {
		snprintf(p, sizeof(p), "/proc/%d/root", (int)pid);
		*resolve = RESOLVE_IN_ROOT;
	} else {
		if (dirfd == AT_FDCWD)
			snprintf(p, sizeof(p), "/proc/%d/cwd", (int)pid);
		else
			snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, dirfd);
		*resolve = RESOLVE_BENEATH;
	}
	return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

bool fs_new_name(struct tracer_task *t, const struct syscall_stop *s)
{
	const struct open_args *a = args_of(s->ent->name);

	return a && fs_name_at(t, s, a->path, a->dirfd) == 1;
}

int fs_name_at(struct tracer_task *t, const struct syscall_stop *s, int path_arg, int dirfd_arg)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC };
	char path[4096], *last;
	const char *dir;
	struct stat st;
	int base, pfd, dirfd = AT_FDCWD, state;

	if (tracer_read_str(t, s->args[path_arg], path, sizeof(path)) < 0 || !path[0])
		return -1;
	if (dirfd_arg >= 0)
		dirfd = (int)(int32_t)s->args[dirfd_arg];
	/* A trailing '/' on O_CREAT is EISDIR; "." and ".." exist. */
	last = strrchr(path, '/');
	if (last) {
		*last++ = 0;
		dir = path[0] ? path : "/";
	} else {
		last = path;
		dir = ".";
	}
	if (!last[0] || strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
		return -1;
	base = start_dir(tracer_task_pid(t), dir[0] == '/' ? "/" : ".", dirfd, &how.resolve);
	if (base < 0)
		return -1;
	how.resolve |= RESOLVE_NO_MAGICLINKS;
	pfd = (int)syscall(SYS_openat2, base, dir, &how, sizeof(how));
	close(base);
	if (pfd < 0)
		return -1;
	/* Not following a last symlink: a dangling one is "exists" (lost
	 * ENOSPC with O_CREAT through it, never a wrong one). */
	if (fstatat(pfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0)
		state = 0;
	else
		state = errno == ENOENT ? 1 : -1;
	close(pfd);
	return state;
}
