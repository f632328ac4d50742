/* idmap.c - root case: the caller's files, seen through idmapped binds.
 *
 * As root the jail's processes are an unprivileged host user (nobody by
 * default; sandbox.h says why), which cannot read a program built in a
 * 0700 directory or write an output next to root's own files. The user's
 * binds (the program's directory, the working directory, --bind, the
 * paths auto-bound from the arguments) are therefore idmapped mounts
 * (mount_setattr(2), MOUNT_ATTR_IDMAP), each through a user namespace
 * that maps the bind's owner (of its top directory or file) to the jail's
 * user: in root's own directory a file root owns appears owned by the
 * jail's user and a file the target creates is root's on disk; in a
 * user's project it is that user's. The jail writes there as the owner
 * would, while its processes keep the unprivileged credentials
 * (RLIMIT_NPROC, signals, every other file on the host).
 * System binds (/usr, /etc files, devices) stay plain: host root's files
 * there must not become the jail's.
 *
 * A detached idmapped tree can be attached once and not cloned again
 * (open_tree of a detached mount is EINVAL), so the parent makes a fresh
 * one per run before the clone; the child inherits the descriptors and
 * moves them into place. Filesystems that cannot be idmapped keep the
 * plain bind, with a warning saying what the jail's user will not reach.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

/* The pipe's two descriptors as the child's argument, by value: the
 * child shares our memory (CLONE_VM) and may first run after
 * idmap_userns has returned (its reaping is deferred), when an array on
 * that frame's stack would be gone. */
#define SYNC_ARG(rd, wr) ((void *)(uintptr_t)((unsigned)(rd) | (uintptr_t)(unsigned)(wr) << 32))

/* The child: wait until the parent has what it needs (EOF on the pipe:
 * the child has its own descriptor table, so it closes its copy of the
 * write end first), then exit. */
static int hold_userns(void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	char c;

	(void)syscall(SYS_close, (int)(v >> 32));
	(void)syscall(SYS_read, (int)(v & 0xffffffffu), &c, 1);
	return 0;
}

/* A user namespace mapping uid (a bind's owner) to the jail's host uid,
 * held by its descriptor (the namespace outlives the short-lived child
 * that created it). Groups map to themselves: the jail's own group is
 * then none of the files' groups (it is the unprivileged host group), so
 * the kernel drops a set-group-ID bit the jail sets on an existing file
 * (no CAP_FSETID in the jail), which would otherwise run with the owner's
 * group on the host; what the jail creates gets the jail's group. With a
 * range (idrange.c, range_base not 0) its host ids map to themselves too,
 * so the jail's other users (a daemon's own) write there as themselves:
 * without, their writes there fail with EOVERFLOW. */
static int idmap_userns(uid_t uid, uid_t host_uid, unsigned long range_base,
			struct ns_child *later)
{
	struct sandbox_err e = { 0 };
	struct ns_child c;
	int sync[2], fd;
	char path[64], map[96];
	int n;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	fd = ns_child_start(CLONE_NEWUSER, hold_userns, SYNC_ARG(sync[0], sync[1]), &c);
	n = snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)host_uid);
	/* An owner inside the range (a file a jail made) keeps its one line. */
	if (range_base && (uid < range_base || uid >= range_base + SB_RANGE_N))
		snprintf(map + n, sizeof(map) - n, "%lu %lu %lu\n", range_base, range_base,
			 SB_RANGE_N);
	if (fd == 0 && (sb_write_proc(c.pid, "uid_map", map, SB_UID_MAP, &e) < 0 ||
			sb_write_proc(c.pid, "gid_map", "0 0 4294967295\n", SB_GID_MAP, &e) < 0))
		fd = -e.err;
	if (fd == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)c.pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	}
	close(sync[1]);
	if (c.stack && later)
		*later = c;	/* reaped by idmap_reap */
	else if (c.stack)
		ns_child_wait(&c);
	close(sync[0]);
	return fd;
}

/* A detached copy of the host tree at path (submounts too), idmapped
 * through userns unless it is -1; or -errno (EINVAL: a filesystem without
 * idmapping support). */
static int detached_tree(int userns, const char *path)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path,
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (fd < 0)
		return -errno;
	if (userns >= 0 &&
	    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static const char *host_path(const struct mop *m)
{
	return m->src + sizeof(SB_OLDROOT) - 1;
}

/* The index of the owner uid in sb->owners, made on first use; -errno
 * when no namespace can be made or the table is full. */
static int owner_index(struct sandbox *sb, uid_t uid)
{
	int ns;

	for (int i = 0; i < sb->nowners; i++)
		if (sb->owners[i].uid == uid)
			return sb->owners[i].ns >= 0 ? i : sb->owners[i].ns;
	if (sb->nowners == SB_IDMAP_OWNERS)
		return -ENOSPC;
	ns = idmap_userns(uid, sb->uid_out, sb->range == SB_RANGE_HOST ? sb->range_base : 0,
			  &sb->held[sb->nowners]);
	sb->owners[sb->nowners].uid = uid;
	sb->owners[sb->nowners].ns = ns;
	sb->nowners++;
	return ns >= 0 ? sb->nowners - 1 : ns;
}

static void add_group(struct sandbox *sb, gid_t g)
{
	if (g == sb->gid_out || sb->ngrp == SB_IDMAP_OWNERS)
		return;
	for (int i = 0; i < sb->ngrp; i++)
		if (sb->grp[i] == g)
			return;
	sb->grp[sb->ngrp++] = g;
}

/* Each user bind is seen through the id map of its owner (the owner of
 * its top directory or file): root's own directories as root's, a user's
 * project (root running in /home/USER/proj) as that user's, so the jail
 * reads and writes there as the owner would and what it creates belongs
 * to that owner. Tried once here, so a filesystem without support costs
 * nothing per run and is named once. */
int idmap_plan(struct sandbox *sb, int first_user_op)
{
	const char *why;
	bool warned = false;

	sb->nowners = 0;
	if (!sb->privileged)
		return 0;
	sb->run_fds = malloc(sb->nops * sizeof(*sb->run_fds));
	sb->held = calloc(SB_IDMAP_OWNERS, sizeof(*sb->held));
	if (!sb->run_fds || !sb->held)
		return -ENOMEM;
	for (int i = 0; i < sb->nops; i++)
		sb->run_fds[i] = -1;
	for (int i = first_user_op; i < sb->nops; i++) {
		struct mop *m = &sb->ops[i];
		struct stat st;
		int o, fd;

		if (m->kind != MOP_BIND_RO && m->kind != MOP_BIND_RW)
			continue;
		o = stat(host_path(m), &st) < 0 ? -errno : owner_index(sb, st.st_uid);
		fd = o < 0 ? o : detached_tree(sb->owners[o].ns, host_path(m));
		if (fd >= 0) {
			close(fd);
			m->idmap = o + 1;
			add_group(sb, st.st_gid);
		} else if (o < 0 && sandbox_probe(false, &why) < 0) {
			/* No user namespace at all here: the jail cannot be
			 * made either, say so (the caller probes for why). */
			return o;
		} else if (!warned) {
			sb_warn(sb, "cannot idmap '%s' (%s): the jail's user (host uid %u) sees it "
				"with host permissions", host_path(m), strerror(-fd), (unsigned)sb->uid_out);
			warned = true;
		}
	}
	return 0;
}

bool sandbox_idmaps(const char *path, uid_t host_uid)
{
	int ns, fd;

	if (geteuid() != 0)
		return false;
	ns = idmap_userns(getuid(), host_uid, 0, NULL);
	if (ns < 0)
		return false;
	fd = detached_tree(ns, path);
	close(ns);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The owners' namespace children, long gone by now (each exits once its
 * namespace is held); before any clone, so that no tracer's wait for
 * any child meets them. */
static void idmap_reap(const struct sandbox *sb)
{
	for (int i = 0; sb->held && i < SB_IDMAP_OWNERS; i++)
		if (sb->held[i].stack)
			ns_child_wait(&sb->held[i]);
}

int sandbox_run_begin(const struct sandbox *sb, struct sandbox_err *e)
{
	idmap_reap(sb);
	if (!sb->run_fds)
		return 0;
	for (int i = 0; i < sb->nops; i++) {
		const struct mop *m = &sb->ops[i];
		int fd;

		if (!m->detach && !m->idmap)
			continue;
		fd = detached_tree(m->idmap ? sb->owners[m->idmap - 1].ns : -1, host_path(m));
		if (fd < 0) {
			sandbox_run_end(sb);
			return sb_fail(e, SB_IDMAP, host_path(m), -fd);
		}
		sb->run_fds[i] = fd;
	}
	return 0;
}

/* Parent after the clone, and the jail's first process once its mounts
 * are in place: close(2) only, async-signal-safe. */
void sandbox_run_end(const struct sandbox *sb)
{
	if (!sb->run_fds)
		return;
	for (int i = 0; i < sb->nops; i++) {
		if (sb->run_fds[i] >= 0)
			close(sb->run_fds[i]);
		sb->run_fds[i] = -1;
	}
}

void idmap_free(struct sandbox *sb)
{
	idmap_reap(sb);
	free(sb->held);
	sb->held = NULL;
	if (sb->run_fds)
		sandbox_run_end(sb);
	free(sb->run_fds);
	sb->run_fds = NULL;
	for (int i = 0; i < sb->nowners; i++)
		if (sb->owners[i].ns >= 0)
			close(sb->owners[i].ns);
	sb->nowners = 0;
}
