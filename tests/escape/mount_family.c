/* mount_family - escape attempt: one call of the mount family.
 * Usage: mount_family CALL, CALL one of mount, umount2, pivot_root,
 * move_mount, open_tree, fsopen, fsconfig, fsmount, fspick,
 * mount_setattr. Everything happens in a private user and mount namespace
 * over /tmp (so the control outside the jail changes nothing on the host,
 * and works as an unprivileged user too). The prerequisites (unshare, and
 * for most calls a tmpfs mounted with mount, or fsopen/fsconfig) come
 * first; the jail's run lets them through with --allow-syscall, so the
 * call itself is the first thing its policy stops. Prints "escaped CALL"
 * when the call worked, "contained CALL: error" when it did not, and
 * "contained prerequisite STEP: error" when a prerequisite failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 1
#endif
#ifndef FSPICK_CLOEXEC
#define FSPICK_CLOEXEC 1
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 1
#endif
#define CMD_CREATE 6		/* FSCONFIG_CMD_CREATE */
#define ATTR_RDONLY 1		/* MOUNT_ATTR_RDONLY */

struct attr {			/* struct mount_attr */
	uint64_t set, clr, propagation, userns_fd;
};

static const char *call;
static int fsfd = -1;

static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static int contained(const char *step)
{
	printf("contained prerequisite %s: %s\n", step, strerror(errno));
	return 0;
}

/* A user namespace of our own (its root maps to us) with a mount
 * namespace: the calls below need CAP_SYS_ADMIN there, and nothing done in
 * it reaches the host's mounts. */
static int private_ns(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (put("/proc/self/setgroups", "deny") < 0 || put("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	return put("/proc/self/gid_map", map);
}

/* The one call under test; everything before it is set-up. */
/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) long attempt(void)
{
	struct attr a = { .set = ATTR_RDONLY };

	if (strcmp(call, "mount") == 0)
		return syscall(SYS_mount, "fz", "/tmp", "tmpfs", 0L, NULL);
	if (strcmp(call, "umount2") == 0)
		return syscall(SYS_umount2, "/tmp/a", 0L);
	if (strcmp(call, "pivot_root") == 0)
		return syscall(SYS_pivot_root, "/tmp", "/tmp/a");
	if (strcmp(call, "move_mount") == 0)
		return syscall(SYS_move_mount, AT_FDCWD, "/tmp/a", AT_FDCWD, "/tmp/b", 0L);
	if (strcmp(call, "open_tree") == 0)
		return syscall(SYS_open_tree, AT_FDCWD, "/tmp", (long)OPEN_TREE_CLONE);
	if (strcmp(call, "fsopen") == 0)
		return syscall(SYS_fsopen, "tmpfs", (long)FSOPEN_CLOEXEC);
	if (strcmp(call, "fsconfig") == 0)
		return syscall(SYS_fsconfig, fsfd, (long)CMD_CREATE, NULL, NULL, 0L);
	if (strcmp(call, "fsmount") == 0)
		return syscall(SYS_fsmount, fsfd, (long)FSMOUNT_CLOEXEC, 0L);
	if (strcmp(call, "fspick") == 0)
		return syscall(SYS_fspick, AT_FDCWD, "/tmp", (long)FSPICK_CLOEXEC);
	if (strcmp(call, "mount_setattr") == 0)
		return syscall(SYS_mount_setattr, AT_FDCWD, "/tmp", 0L, &a, sizeof(a));
	errno = EINVAL;
	return -2;
}

int main(int argc, char **argv)
{
	int needs_mount, needs_fs;
	long r;

	if (argc != 2) {
		fprintf(stderr, "usage: mount_family CALL\n");
		return 2;
	}
	call = argv[1];
	needs_fs = strcmp(call, "fsconfig") == 0 || strcmp(call, "fsmount") == 0;
	needs_mount = strcmp(call, "mount") != 0 && strcmp(call, "fsopen") != 0 && !needs_fs;
	if (private_ns() < 0)
		return contained("unshare");
	/* A tmpfs of our own on /tmp, with a mount at /tmp/a inside it. */
	if (needs_mount) {
		if (syscall(SYS_mount, "fz", "/tmp", "tmpfs", 0L, NULL) < 0)
			return contained("mount");
		if (mkdir("/tmp/a", 0755) < 0 || mkdir("/tmp/b", 0755) < 0)
			return contained("mkdir");
		if (syscall(SYS_mount, "fz", "/tmp/a", "tmpfs", 0L, NULL) < 0)
			return contained("mount");
	}
	if (needs_fs) {
		fsfd = (int)syscall(SYS_fsopen, "tmpfs", (long)FSOPEN_CLOEXEC);
		if (fsfd < 0)
			return contained("fsopen");
		if (strcmp(call, "fsmount") == 0 &&
		    syscall(SYS_fsconfig, fsfd, (long)CMD_CREATE, NULL, NULL, 0L) < 0)
			return contained("fsconfig");
	}
	r = attempt();
	if (r == -2) {
		fprintf(stderr, "mount_family: unknown call '%s'\n", call);
		return 2;
	}
	if (r < 0)
		printf("contained %s: %s\n", call, strerror(errno));
	else
		printf("escaped %s\n", call);
	return 0;
}
