/* mount.c - the jail's filesystem: a new root on tmpfs built with
 * pivot_root, holding read-only binds of what programs need, a fresh
 * /proc, a minimal /dev, tmpfs /tmp and the caller's working directory.
 *
 * The sequence is bubblewrap's: a tmpfs on /tmp (private to our mount
 * namespace) becomes the root with the host's root under /oldroot, so every
 * host path stays reachable as /oldroot/PATH while /newroot is filled, even
 * paths under /tmp; then /newroot becomes the root and /oldroot is gone.
 * The plan is built in the parent (malloc, realpath); the child only walks
 * it with async-signal-safe syscalls.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"
#include "util/util.h"

#define OLD SB_OLDROOT
#define NEW SB_NEWROOT

/* --- The plan (parent) ------------------------------------------------- */

/* As on the host: a directory is bound read-only, a symlink (merged /usr:
 * /bin -> usr/bin) is recreated, a missing one is skipped. */
static int plan_system(struct sandbox *sb)
{
	char link[PATH_MAX];
	struct stat st;
	int r = 0;

	for (size_t i = 0; i < sb_nsystem_dirs && r == 0; i++) {
		const char *d = sb_system_dirs[i];
		ssize_t n;

		if (lstat(d, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			r = mount_add(sb, MOP_BIND_RO, false, d, d);
		} else if (S_ISLNK(st.st_mode) && (n = readlink(d, link, sizeof(link) - 1)) > 0) {
			link[n] = 0;
			r = mount_add(sb, MOP_SYMLINK, false, link, d);
		}
	}
	return r;
}

/* What libc and common programs read at run time (the loader's cache,
 * name service, time zone, locale aliases, service names, TLS roots, and
 * the alternatives farm that /usr/bin/awk and friends link through);
 * never shadow or gshadow. Symlinks (resolv.conf, localtime, os-release)
 * are followed on the host and the file or directory itself is bound. */
static const char *const etc_files[] = {
	"ld.so.cache", "nsswitch.conf", "hosts", "host.conf", "resolv.conf", "gai.conf",
	"passwd", "group", "localtime", "timezone", "locale.alias", "locale.conf",
	"hostname", "services", "protocols", "networks", "rpc", "mime.types", "os-release",
	"alternatives", "ssl", "ca-certificates.conf",
	/* Read by daemons and their libraries: libwrap's access control
	 * (without them a program's allow/deny code silently goes untested),
	 * valid login shells, user-management defaults, libmagic's local
	 * magic, XML catalogs, the mail name, D-Bus/systemd's machine id. */
	"hosts.allow", "hosts.deny", "shells", "login.defs", "ethers", "magic",
	"magic.mime", "xml", "mailname", "machine-id",
};

/* A file of the jail's own /etc: the host's file HOST_SRC (or nothing)
 * followed by EXTRA, in a temporary file per campaign, remembered in
 * sb->made for mount_plan_free. NULL when it cannot be made (the caller
 * then binds the host's file as it is). */
static char *jail_file(struct sandbox *sb, const char *host_src, const char *extra)
{
	char *path = NULL, buf[4096];
	size_t len = strlen(extra);
	int in = -1, out;
	ssize_t n = 0;

	if (sb->nmade >= (int)ARRAY_SIZE(sb->made))
		return NULL;
	if (asprintf(&path, "%s/fzsandbox-etc.XXXXXX", sandbox_tmpdir()) < 0)
		return NULL;
	out = mkstemp(path);
	if (out < 0) {
		free(path);
		return NULL;
	}
	if (host_src)
		in = open(host_src, O_RDONLY | O_CLOEXEC);
	while (in >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	if (in >= 0)
		close(in);
	if (n != 0 || write(out, extra, len) != (ssize_t)len || fchmod(out, 0644) < 0 ||
	    close(out) < 0) {
		unlink(path);
		free(path);
		return NULL;
	}
	sb->made[sb->nmade++] = path;
	return path;
}

/* The jail has a hostname of its own (sandbox.c sets it): /etc/hostname
 * says it, and /etc/hosts is the host's plus a line resolving it, so a
 * program resolving its hostname (servers, logging, hostname -f) finds it
 * as it would on its host. */
static int plan_own_etc(struct sandbox *sb, const char *name)
{
	char path[64], *made;
	int r;

	snprintf(path, sizeof(path), "/etc/%s", name);
	if (strcmp(name, "hosts") == 0)
		made = jail_file(sb, path, "\n127.0.1.1\t" SB_JAIL_HOSTNAME "\n");
	else
		made = jail_file(sb, NULL, SB_JAIL_HOSTNAME "\n");
	if (!made)
		return 1;	/* not made: bind the host's */
	r = mount_add(sb, MOP_BIND_RO, true, made, path);
	/* As root the jail's user may not search $TMPDIR. */
	if (r == 0)
		sb->ops[sb->nops - 1].detach = sb->privileged;
	return r;
}

static int plan_etc(struct sandbox *sb)
{
	int r = 0;

	for (size_t i = 0; i < sizeof(etc_files) / sizeof(*etc_files) && r == 0; i++) {
		char path[64], *real;
		struct stat st;

		snprintf(path, sizeof(path), "/etc/%s", etc_files[i]);
		if (strcmp(etc_files[i], "hosts") == 0 || strcmp(etc_files[i], "hostname") == 0) {
			r = plan_own_etc(sb, etc_files[i]);
			if (r <= 0)
				continue;
			r = 0;
		}
		real = realpath(path, NULL);
		if (real && stat(real, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
			r = mount_add(sb, MOP_BIND_RO, !S_ISDIR(st.st_mode), real, path);
		free(real);
	}
	return r;
}

static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
static const char *const dev_links[][2] = {
	{ "/proc/self/fd", "/dev/fd" },
	{ "/proc/self/fd/0", "/dev/stdin" },
	{ "/proc/self/fd/1", "/dev/stdout" },
	{ "/proc/self/fd/2", "/dev/stderr" },
};

/* shm_data: the mount data of /dev/shm (mode and size). */
static int plan_dev(struct sandbox *sb, const char *shm_data)
{
	int r = mount_add(sb, MOP_TMPFS, false, "mode=0755", "/dev");

	for (size_t i = 0; i < sizeof(devices) / sizeof(*devices) && r == 0; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/dev/%s", devices[i]);
		if (access(path, F_OK) == 0)
			r = mount_add(sb, MOP_BIND_DEV, true, path, path);
	}
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(*dev_links) && r == 0; i++)
		r = mount_add(sb, MOP_SYMLINK, false, dev_links[i][0], dev_links[i][1]);
	/* Pseudo-terminals of the jail's own (a new devpts instance, as
	 * bwrap's --dev): script(1), expect, a pty-driven test harness. */
	if (r == 0)
		r = mount_add(sb, MOP_DEVPTS, false, "newinstance,ptmxmode=0666,mode=0620", "/dev/pts");
	if (r == 0)
		r = mount_add(sb, MOP_SYMLINK, false, "pts/ptmx", "/dev/ptmx");
	return r ? r : mount_add(sb, MOP_TMPFS, false, shm_data, "/dev/shm");
}

/* The library directories (RPATH/RUNPATH, LD_LIBRARY_PATH; libpaths.c),
 * read-only, unless already visible through a system directory, the
 * program's directory or the working directory. */
static int plan_libs(struct sandbox *sb, const struct sandbox_opts *o, const char *bindir,
		     const char *cwd)
{
	char **dirs;
	int n = libpaths_collect(sb->exe, o->envp, &dirs), r = 0;

	for (int i = 0; i < n && r == 0; i++) {
		const char *d = dirs[i];

		if (sb_under_system(d) || sb_path_under(d, bindir) || (cwd && sb_path_under(d, cwd)))
			continue;
		r = mount_add(sb, MOP_BIND_RO, false, d, d);
	}
	libpaths_free(dirs);
	return n < 0 ? n : r;
}

/* --bind / --ro-bind, as given (the sources were resolved by the CLI). */
static int plan_binds(struct sandbox *sb, const struct sandbox_opts *o)
{
	int r = 0;

	for (int i = 0; i < o->nbinds && r == 0; i++) {
		const struct sandbox_bind *b = &o->binds[i];
		struct stat st;

		if (stat(b->src, &st) < 0)
			return -errno;
		r = mount_add(sb, b->ro ? MOP_BIND_RO : MOP_BIND_RW, !S_ISDIR(st.st_mode), b->src, b->dst);
	}
	return r;
}

static int cmp_dst(const struct mop *a, const struct mop *b)
{
	return strcmp(a->dst, b->dst);
}

/* Parents before children: a path sorts before every path it is a prefix
 * of. Stable (insertion), so equal destinations keep the order given. */
static void sort_binds(struct sandbox *sb, int first)
{
	for (int i = first + 1; i < sb->nops; i++) {
		struct mop m = sb->ops[i];
		int j = i;

		for (; j > first && cmp_dst(&sb->ops[j - 1], &m) > 0; j--)
			sb->ops[j] = sb->ops[j - 1];
		sb->ops[j] = m;
	}
}

/* The program's directory (read-only) and the working directory
 * (read-write), at their host paths, parents before children. Skipped when
 * already visible: the program under a system directory or under the
 * working directory; a working directory of "/" (binding the host root
 * would undo the jail). */
static int plan_user(struct sandbox *sb, const struct sandbox_opts *o, const char *tmp_data)
{
	char *exe_copy = strdup(sb->exe), *bindir, *cwd = realpath(o->cwd, NULL);
	char *cwd_src = o->cwd_src ? realpath(o->cwd_src, NULL) : NULL;
	bool cwd_bind, bin_bind = true;
	int r = 0, first = sb->nops;

	sb->first_user_op = first;

	if (!exe_copy || !cwd || (o->cwd_src && !cwd_src)) {
		r = -errno;
		goto out;
	}
	bindir = dirname(exe_copy);
	bin_bind = !sb_under_system(bindir);
	/* /root as the working directory: an empty, writable directory in
	 * its place (root's secrets are not the program's to see). */
	cwd_bind = strcmp(cwd, "/") != 0 && (cwd_src || !autobind_holds_hidden(cwd));
	bin_bind &= !(cwd_bind && sb_path_under(bindir, cwd));
	sb->exe_in_copy = cwd_bind && cwd_src && sb_path_under(sb->exe, cwd);
	if (bin_bind && autobind_holds_hidden(bindir)) {
		sb_warn(sb, "the program's directory '%s' holds secrets: only the program itself is "
			"bound (not the files beside it, nor $ORIGIN libraries; --ro-bind what it "
			"needs)", bindir);
		r = mount_add(sb, MOP_BIND_RO, true, sb->exe, sb->exe);
	} else if (bin_bind)
		r = mount_add(sb, MOP_BIND_RO, false, bindir, bindir);
	if (r == 0 && cwd_bind) {
		r = mount_add(sb, MOP_BIND_RW, false, cwd_src ? cwd_src : cwd, cwd);
		if (r == 0)
			sb->ops[sb->nops - 1].fresh = cwd_src != NULL;
		/* The program itself stays read-only even inside the writable
		 * working directory: no run can change the binary the next one
		 * executes, and the tracer may parse it (a file the target can
		 * write is only parsed by a confined helper). */
		if (r == 0 && !bin_bind && !cwd_src && !sb_under_system(bindir))
			r = mount_add(sb, MOP_BIND_RO, true, sb->exe, sb->exe);
	} else if (r == 0 && strcmp(cwd, "/") == 0) {
		sb_warn(sb, "%s", "the working directory is /, which is not bound: the jail's root is "
			"read-only, so relative outputs fail (--workdir or a working directory of "
			"the program's own)");
	} else if (r == 0) {
		sb_warn(sb, "the working directory '%s' holds secrets and is not bound into the jail: "
		     "the program starts in an empty directory there (--workdir or --bind to share one)",
		     cwd);
		r = mount_add(sb, MOP_TMPFS, false, tmp_data, cwd);
	}
	if (r == 0)
		r = plan_libs(sb, o, bindir, cwd_bind ? cwd : NULL);
	if (r == 0)
		r = plan_binds(sb, o);
	if (r == 0)
		r = autobind_plan_args(sb, o, cwd);
	sort_binds(sb, first);
out:
	free(exe_copy);
	free(cwd);
	free(cwd_src);
	return r;
}

int mount_plan(struct sandbox *sb, const struct sandbox_opts *o)
{
	unsigned long long size = o->tmp_size ? o->tmp_size : SANDBOX_TMP_SIZE_DEFAULT;
	char data[64];
	int r = plan_system(sb);

	autobind_init();

	/* The writable tmpfs mounts are bounded (a disk filler otherwise
	 * gets half of RAM from each); the kernel rounds size up to pages. */
	if (size == SANDBOX_UNLIMITED)
		snprintf(data, sizeof(data), "mode=1777");
	else
		snprintf(data, sizeof(data), "mode=1777,size=%llu", size);
	if (r == 0)
		r = plan_etc(sb);
	if (r == 0)
		r = plan_dev(sb, data);
	if (r == 0)
		r = mount_add(sb, MOP_TMPFS, false, data, "/tmp");
	if (r == 0)
		r = mount_add(sb, MOP_PROC, false, NULL, "/proc");
	if (r == 0)
		r = plan_user(sb, o, data);
	return r;
}

void mount_plan_free(struct sandbox *sb)
{
	for (int i = 0; i < sb->nmade; i++) {
		unlink(sb->made[i]);
		free(sb->made[i]);
	}
	sb->nmade = 0;
	for (int i = 0; i < sb->nops; i++) {
		free(sb->ops[i].src);
		free(sb->ops[i].dst);
	}
	free(sb->ops);
	sb->ops = NULL;
	sb->nops = 0;
}

/* --- The jail (child: async-signal-safe only) ---------------------------- */

/* Messages name the path as the user knows it: the host path for a bind's
 * source, the jail path for everything under /newroot. */
static int fail(struct sandbox_err *e, int step, const char *path, int err)
{
	if (path && (strncmp(path, OLD "/", sizeof(OLD)) == 0 || strncmp(path, NEW "/", sizeof(NEW)) == 0))
		path += sizeof(OLD) - 1;
	return sb_fail(e, step, path, err);
}

/* mkdir -p of a mount point, or of its parent when parent_only. */
static int mkdir_dst(const char *path, bool parent_only, struct sandbox_err *e)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	int r;

	if (n >= sizeof(buf))
		return fail(e, SB_MKDIR, path, ENAMETOOLONG);
	memcpy(buf, path, n + 1);
	if (parent_only) {
		while (n > 1 && buf[n - 1] != '/')
			n--;
		buf[n > 1 ? n - 1 : 1] = 0;
	}
	r = mkdir_p(buf, 0755);
	return r < 0 ? fail(e, SB_MKDIR, buf, -r) : 0;
}

static int mount_point(const struct mop *m, struct sandbox_err *e)
{
	struct stat st;
	int fd, r = mkdir_dst(m->dst, m->file, e);

	if (r < 0 || !m->file)
		return r;
	/* Already there (a file inside an earlier bind, such as the program
	 * in the working directory): it may not be ours to open for writing. */
	if (lstat(m->dst, &st) == 0)
		return 0;
	fd = open(m->dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(e, SB_MOUNT_POINT, m->dst, errno);
	close(fd);
	return 0;
}

/* mount_setattr adds flags without clearing the ones the kernel locked on
 * the host's mount (a plain MS_REMOUNT in a user namespace must restate
 * them all or fails with EPERM), and AT_RECURSIVE covers submounts. */
static int set_attr(const char *path, uint64_t set, bool recursive, struct sandbox_err *e)
{
	struct mount_attr a = { .attr_set = set };

	if (syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a, sizeof(a)) < 0)
		return fail(e, SB_READ_ONLY, path, errno);
	return 0;
}

/* run_fd: the run's idmapped tree for this bind (idmap.c), or -1. */
static int bind(const struct mop *m, int run_fd, struct sandbox_err *e)
{
	if (run_fd >= 0) {
		if (syscall(SYS_move_mount, run_fd, "", AT_FDCWD, m->dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return fail(e, SB_BIND, m->src, errno);
		return 0;
	}
	if (mount(m->src, m->dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(e, SB_BIND, m->src, errno);
	return 0;
}

static int do_op(const struct mop *m, int run_fd, struct sandbox_err *e)
{
	static const uint64_t bind_attr[] = {
		[MOP_BIND_RO] = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
		[MOP_BIND_RW] = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
		[MOP_BIND_DEV] = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
	};
	int r;

	if (m->kind == MOP_SYMLINK) {
		r = mkdir_dst(m->dst, true, e);
		if (r == 0 && symlink(m->src, m->dst) < 0)
			r = fail(e, SB_SYMLINK, m->dst, errno);
		return r;
	}
	r = mount_point(m, e);
	if (r < 0)
		return r;
	switch (m->kind) {
	case MOP_TMPFS:
		if (mount("tmpfs", m->dst, "tmpfs", MS_NOSUID | MS_NODEV, m->src) < 0)
			return fail(e, SB_TMPFS, m->dst, errno);
		return 0;
	case MOP_PROC:
		if (mount("proc", m->dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return fail(e, SB_PROC, m->dst, errno);
		return 0;
	case MOP_DEVPTS:
		if (mount("devpts", m->dst, "devpts", MS_NOSUID | MS_NOEXEC, m->src) < 0)
			return fail(e, SB_DEVPTS, m->dst, errno);
		return 0;
	default:
		r = bind(m, run_fd, e);
		return r < 0 ? r : set_attr(m->dst, bind_attr[m->kind], true, e);
	}
}

/* Is the jail's /dev still its own tmpfs (not covered by a --bind to
 * /dev, whose flags are the user's)? */
static bool dev_is_ours(const struct sandbox *sb)
{
	bool ours = false;

	for (int i = 0; i < sb->nops; i++)
		if (strcmp(sb->ops[i].dst, NEW "/dev") == 0)
			ours = sb->ops[i].kind == MOP_TMPFS;
	return ours;
}

int mount_jail(const struct sandbox *sb, struct sandbox_err *e)
{
	int r;

	/* Nothing below may propagate back to the host's mounts. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(e, SB_MAKE_PRIVATE, "/", errno);
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return fail(e, SB_TMPFS, "/tmp", errno);
	if (mkdir("/tmp" NEW, 0755) < 0 || mkdir("/tmp" OLD, 0755) < 0)
		return fail(e, SB_MKDIR, "/tmp" NEW, errno);
	if (syscall(SYS_pivot_root, "/tmp", "/tmp" OLD) < 0)
		return fail(e, SB_PIVOT_ROOT, "/tmp", errno);
	if (chdir("/") < 0)
		return fail(e, SB_CHDIR, "/", errno);
	if (mount("tmpfs", NEW, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return fail(e, SB_TMPFS, "/", errno);
	for (int i = 0; i < sb->nops; i++) {
		r = do_op(&sb->ops[i], sb->run_fds ? sb->run_fds[i] : -1, e);
		if (r < 0)
			return r;
	}
	/* /proc is already mounted above: the kernel allows a new proc mount
	 * in a user namespace only while a full one is visible (the host's,
	 * under /oldroot). */
	if (umount2(OLD, MNT_DETACH) < 0)
		return fail(e, SB_UMOUNT, OLD, errno);
	if (chdir(NEW) < 0)
		return fail(e, SB_CHDIR, "/", errno);
	/* pivot_root(".", ".") stacks the old root on the new one; detaching
	 * "." then leaves only the new root (pivot_root(2)). */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(e, SB_PIVOT_ROOT, "/", errno);
	if (umount2(".", MNT_DETACH) < 0)
		return fail(e, SB_UMOUNT, "/", errno);
	if (chdir("/") < 0)
		return fail(e, SB_CHDIR, "/", errno);
	/* The root itself and /dev (a tmpfs the jail's user owns: it would
	 * take any file) are read-only: writable places are /tmp, /dev/shm,
	 * the working directory and --bind only. Not recursive: /dev/shm
	 * and the device binds keep their own flags. */
	r = set_attr("/", MOUNT_ATTR_RDONLY, false, e);
	return r < 0 || !dev_is_ours(sb) ? r : set_attr("/dev", MOUNT_ATTR_RDONLY, false, e);
}
