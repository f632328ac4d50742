/* mount_family - escape attempt: one call of the mount family.
 * Usage: mount_family CALL DIR, CALL one of mount, umount2, pivot_root,
 * move_mount, open_tree, fsopen, fsconfig, fsmount, fspick,
 * mount_setattr; DIR an empty directory, not above this program (a mount
 * there would hide it from the tracer's symbolizer). Everything happens in
 * a private user and mount namespace over DIR (so the control outside the
 * jail changes nothing on the host, and works unprivileged too). The prerequisites (unshare, and
 * for most calls a tmpfs mounted with mount, or fsopen/fsconfig) come
 * first; the jail's run lets them through with --allow-syscall, so the
 * call itself is the first thing its policy stops. A prerequisite that
 * fails is a note and the call is made anyway (in the jail, root's id map
 * needs CAP_SETFCAP, which is gone: no mkdir in the new namespace). Prints
 * "escaped CALL" when the call worked, "contained CALL: error" when not. */
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
static char d[4096], d_a[4200], d_b[4200];
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

static void note(const char *step)
{
	printf("note: prerequisite %s failed: %s\n", step, strerror(errno));
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
		return syscall(SYS_mount, "fz", d, "tmpfs", 0L, NULL);
	if (strcmp(call, "umount2") == 0)
		return syscall(SYS_umount2, d_a, 0L);
	if (strcmp(call, "pivot_root") == 0)
		return syscall(SYS_pivot_root, d, d_a);
	if (strcmp(call, "move_mount") == 0)
		return syscall(SYS_move_mount, AT_FDCWD, d_a, AT_FDCWD, d_b, 0L);
	if (strcmp(call, "open_tree") == 0)
		return syscall(SYS_open_tree, AT_FDCWD, d, (long)OPEN_TREE_CLONE);
	if (strcmp(call, "fsopen") == 0)
		return syscall(SYS_fsopen, "tmpfs", (long)FSOPEN_CLOEXEC);
	if (strcmp(call, "fsconfig") == 0)
		return syscall(SYS_fsconfig, fsfd, (long)CMD_CREATE, NULL, NULL, 0L);
	if (strcmp(call, "fsmount") == 0)
		return syscall(SYS_fsmount, fsfd, (long)FSMOUNT_CLOEXEC, 0L);
	if (strcmp(call, "fspick") == 0)
		return syscall(SYS_fspick, AT_FDCWD, d, (long)FSPICK_CLOEXEC);
	if (strcmp(call, "mount_setattr") == 0)
		return syscall(SYS_mount_setattr, AT_FDCWD, d, 0L, &a, sizeof(a));
	errno = EINVAL;
	return -2;
}

int main(int argc, char **argv)
{
	int needs_mount, needs_fs;
	long r;

	if (argc != 3) {
		fprintf(stderr, "usage: mount_family CALL DIR\n");
		return 2;
	}
	call = argv[1];
	snprintf(d, sizeof(d), "%s", argv[2]);
	snprintf(d_a, sizeof(d_a), "%s/a", d);
	snprintf(d_b, sizeof(d_b), "%s/b", d);
	needs_fs = strcmp(call, "fsconfig") == 0 || strcmp(call, "fsmount") == 0;
	needs_mount = strcmp(call, "mount") != 0 && strcmp(call, "fsopen") != 0 && !needs_fs;
	if (private_ns() < 0)
		note("private namespaces");
	/* A tmpfs of our own on DIR, with a mount at DIR/a inside it. */
	if (needs_mount) {
		if (syscall(SYS_mount, "fz", d, "tmpfs", 0L, NULL) < 0)
			note("mount");
		else if (mkdir(d_a, 0755) < 0 || mkdir(d_b, 0755) < 0)
			note("mkdir");
		else if (syscall(SYS_mount, "fz", d_a, "tmpfs", 0L, NULL) < 0)
			note("mount");
	}
	if (needs_fs) {
		fsfd = (int)syscall(SYS_fsopen, "tmpfs", (long)FSOPEN_CLOEXEC);
		if (fsfd < 0)
			note("fsopen");
		else if (strcmp(call, "fsmount") == 0 &&
			 syscall(SYS_fsconfig, fsfd, (long)CMD_CREATE, NULL, NULL, 0L) < 0)
			note("fsconfig");
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
