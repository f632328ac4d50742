/* outputs.c - only the outputs named on the command line leave the jail
 * (issue 10). A new output's directory used to be bound read-write, so a
 * program given /var/tmp/out.bin could create or replace any file in
 * /var/tmp (the build tree, in CI). Now that directory is an overlay in
 * the jail: the host directory (the same bind as before, idmapped as
 * root) is its lower layer, a per-run upper directory under the run
 * directory takes every write, and after the run without faults the named
 * paths alone are copied to the host (sandbox_outputs_copy).
 *
 * Plan (parent, from autobind.c): per directory a read-only bind (the
 * lower layer) and an overlay op at the same path; one MOP_UPPER op binds
 * the directory holding every upper and work directory at SB_UPPER,
 * beside /newroot, so the program never sees it (as root through a
 * detached tree: the jail's user may not search the path to it).
 * Child: outputs_mount, raw syscalls only. Copy (parent): openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, component by component, regular
 * files with one link only (docs/kernel-facts.md#overlay-userns).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/outputs.h"
#include "sandbox/sandbox_int.h"
#include "util/util.h"

/* Deeper than this, a named output directory's copy stops (a loop of
 * bind mounts cannot happen in an upper directory; a hostile depth can). */
#define COPY_MAX_DEPTH 32

/* --- The plan (parent) ------------------------------------------------- */

static int add_name(struct sb_overlay *ov, const char *rel)
{
	char **more;

	for (int i = 0; i < ov->nnames; i++)
		if (strcmp(ov->names[i], rel) == 0)
			return 0;
	more = realloc(ov->names, (ov->nnames + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	ov->names = more;
	more[ov->nnames] = strdup(rel);
	if (!more[ov->nnames])
		return -ENOMEM;
	ov->nnames++;
	return 0;
}

/* Where the upper directories go: the run directory (OUT/run), else
 * $TMPDIR, else /var/tmp or /tmp; never inside an overlaid directory (the
 * program would see them through the lower layer). Made once, with the
 * first overlay, and bound at SB_UPPER. */
static int plan_base(struct sandbox *sb)
{
	const char *cand[] = { sb->ovl_parent, sandbox_tmpdir(), "/var/tmp", "/tmp" };
	char *base = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(cand) && !base; i++) {
		char *real;
		bool inside = false;

		if (!cand[i] || mkdir_p(cand[i], 0755) < 0 || !(real = realpath(cand[i], NULL)))
			continue;
		for (int k = 0; k < sb->novl; k++)
			inside |= sb_path_under(real, sb->ovl[k].dir);
		if (!inside && asprintf(&base, "%s/fzsandbox-outputs.XXXXXX", real) >= 0 && !mkdtemp(base)) {
			free(base);
			base = NULL;
		}
		free(real);
	}
	if (!base)
		return -ENOSPC;
	/* As root the jail's user writes the upper directories: its own. */
	if (sb->privileged && chown(base, sb->uid_out, sb->gid_out) < 0) {
		r = -errno;
		rmdir(base);
		free(base);
		return r;
	}
	sb->ovl_base = base;
	r = mount_add(sb, MOP_UPPER, false, base, "");
	if (r < 0)
		return r;
	/* Not under /newroot: replace the planned destination. */
	free(sb->ops[sb->nops - 1].dst);
	sb->ops[sb->nops - 1].dst = strdup(SB_UPPER);
	sb->ops[sb->nops - 1].detach = sb->privileged;
	return sb->ops[sb->nops - 1].dst ? 0 : -ENOMEM;
}

int outputs_plan(struct sandbox *sb, int ovl, const char *dir, const char *rel)
{
	struct sb_overlay *ov, *more;
	int i = sb->novl, r;

	if (ovl > 0)
		return add_name(&sb->ovl[ovl - 1], rel);
	more = realloc(sb->ovl, (sb->novl + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	sb->ovl = more;
	ov = &more[i];
	memset(ov, 0, sizeof(*ov));
	sb->novl++;
	if (!(ov->dir = strdup(dir)) || asprintf(&ov->upper, SB_UPPER "/upper-%d", i) < 0 ||
	    asprintf(&ov->work, SB_UPPER "/work-%d", i) < 0)
		return -ENOMEM;
	r = add_name(ov, rel);
	/* The upper directories' home is chosen with the first overlay: a
	 * later one in a directory holding it cannot be made. */
	if (r == 0 && sb->ovl_base && sb_path_under(sb->ovl_base, dir)) {
		sb_warn(sb, "'%s' is not bound for the output '%s/%s': fzsandbox keeps its upper "
			"directories in it (--bind it, or --out elsewhere)", dir, dir, rel);
		return 0;
	}
	if (r == 0 && !sb->ovl_base)
		r = plan_base(sb);
	/* The lower layer: the bind the directory had, read-only. */
	if (r == 0)
		r = mount_add(sb, MOP_BIND_RO, false, dir, dir);
	if (r == 0) {
		sb->ops[sb->nops - 1].ovl = i + 1;
		r = mount_add(sb, MOP_OVERLAY, false, NULL, dir);
	}
	if (r == 0) {
		struct mop *m = &sb->ops[sb->nops - 1];

		m->ovl = i + 1;
		m->src = strdup(m->dst);	/* the lower layer is at the mount point */
		r = m->src ? 0 : -ENOMEM;
	}
	return r;
}

void outputs_free(struct sandbox *sb)
{
	if (sb->ovl_base) {
		remove_tree(sb->ovl_base);
		free(sb->ovl_base);
		sb->ovl_base = NULL;
	}
	for (int i = 0; i < sb->novl; i++) {
		struct sb_overlay *ov = &sb->ovl[i];

		for (int k = 0; k < ov->nnames; k++)
			free(ov->names[k]);
		free(ov->names);
		free(ov->dir);
		free(ov->upper);
		free(ov->work);
	}
	free(sb->ovl);
	sb->ovl = NULL;
	sb->novl = 0;
	free(sb->ovl_parent);
	sb->ovl_parent = NULL;
}

/* --- The jail (child: async-signal-safe only) ---------------------------- */

/* Layers by name, in the jail's own mount namespace (the upper
 * directories through the SB_UPPER bind: the jail's user may not search
 * the host path to them). lowerdir+ takes one path as it is (no ':'
 * splitting, Linux 6.8); plain lowerdir where it is refused. A failure
 * ends the first run with exit 2 and a line naming --bind, which gives
 * the old read-write bind (docs/jail.md, "Named outputs"). */
int outputs_mount(const struct sandbox *sb, const struct mop *m, struct sandbox_err *e)
{
	const struct sb_overlay *ov = &sb->ovl[m->ovl - 1];
	int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC), mnt = -1, err = 0;

	if (fs < 0)
		return sb_fail(e, SB_OVERLAY, ov->dir, errno);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", m->src, 0) < 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", m->src, 0) < 0)
		err = errno;
	if (!err && (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", ov->upper, 0) < 0 ||
		     syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", ov->work, 0) < 0 ||
		     syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0))
		err = errno;
	if (!err) {
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		if (mnt < 0 || syscall(SYS_move_mount, mnt, "", AT_FDCWD, m->dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			err = errno;
	}
	if (mnt >= 0)
		close(mnt);
	close(fs);
	return err ? sb_fail(e, SB_OVERLAY, ov->dir, err) : 0;
}

/* --- Each run (parent) ------------------------------------------------- */

static int base_path(const struct sandbox *sb, char *buf, size_t len, const char *what, int i)
{
	int n = snprintf(buf, len, "%s/%s-%d", sb->ovl_base, what, i);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sandbox_outputs_begin(const struct sandbox *sb)
{
	static const char *const dirs[] = { "upper", "work" };
	char path[4096];
	int r = 0;

	for (int i = 0; i < sb->novl && r == 0; i++) {
		for (size_t k = 0; k < ARRAY_SIZE(dirs) && r == 0; k++) {
			r = base_path(sb, path, sizeof(path), dirs[k], i);
			if (r == 0)
				r = remove_tree(path);
			if (r == 0 && mkdir(path, 0700) < 0)
				r = -errno;
			if (r == 0 && sb->privileged && chown(path, sb->uid_out, sb->gid_out) < 0)
				r = -errno;
		}
	}
	return r;
}

/* --- The copy (parent) --------------------------------------------------- */

struct copy {
	const struct sandbox *sb;
	uid_t uid;		/* root: the owner the jail writes as (idmap) */
	int bad;
	char *msg;
	size_t len, used;
	const char *path;	/* the host path of the current entry */
};

static void note(struct copy *c, const char *path, const char *why)
{
	int w;

	c->bad++;
	if (c->used >= c->len)
		return;
	w = snprintf(c->msg + c->used, c->len - c->used, "%s'%s' (%s)", c->used ? ", " : "", path, why);
	c->used = w < 0 ? c->len : c->used + (size_t)w;
}

/* One component beneath dfd, never through a symlink, a magic link or
 * another mount. */
static int open_beneath(int dfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd = (int)syscall(SYS_openat2, dfd, name, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* The owner a file the jail made through the old read-write bind had:
 * as root, the directory's owner (its idmap) and the jail's group (or the
 * directory's, when it is set-group-ID); unprivileged, the caller, which
 * is who makes the copy. */
static int set_owner(const struct copy *c, int fd, int hdir)
{
	struct stat st;

	if (!c->sb->privileged)
		return 0;
	if (fstat(hdir, &st) < 0)
		return -errno;
	return fchown(fd, c->uid, (st.st_mode & S_ISGID) ? (gid_t)-1 : c->sb->gid_out) < 0 ? -errno : 0;
}

static int copy_data(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0, w; off < n; off += w)
			if ((w = write(out, buf + off, n - off)) < 0)
				return -errno;
	return n < 0 ? -errno : 0;
}

/* in (a regular file of the upper directory) to hdir/name: a temporary
 * file beside it, then rename, so the host never sees half a file. */
static int copy_file(struct copy *c, int in, const struct stat *st, int hdir, const char *name)
{
	static unsigned seq;
	char tmp[300];
	int out, r;

	snprintf(tmp, sizeof(tmp), ".%.200s.fzsandbox-%d-%u", name, (int)getpid(), seq++);
	out = openat(hdir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -errno;
	r = copy_data(in, out);
	if (r == 0)
		r = set_owner(c, out, hdir);
	if (r == 0 && fchmod(out, st->st_mode & 0777) < 0)
		r = -errno;
	if (close(out) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(hdir, tmp, hdir, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(hdir, tmp, 0);
	return r;
}

/* The host directory hdir/name, made (with the upper one's mode and the
 * owner the jail would have given it) when missing; an O_PATH fd. */
static int host_dir(struct copy *c, int hdir, const char *name, mode_t mode)
{
	int fd = open_beneath(hdir, name, O_PATH | O_DIRECTORY), r;

	if (fd != -ENOENT)
		return fd;
	if (mkdirat(hdir, name, 0700) < 0)
		return -errno;
	fd = open_beneath(hdir, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	r = set_owner(c, fd, hdir);
	if (r == 0 && fchmod(fd, mode & 0777) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static void copy_entry(struct copy *c, int udir, int hdir, const char *name, const char *path, int depth);

/* A named output the program made a directory: its regular files and
 * directories, each by the same rules. */
static void copy_dir(struct copy *c, int ufd, const struct stat *st, int hdir, const char *name,
		     const char *path, int depth)
{
	char **names, sub[4096];
	int n, h, r;

	if (depth >= COPY_MAX_DEPTH) {
		note(c, path, "too deep");
		return;
	}
	h = host_dir(c, hdir, name, st->st_mode);
	if (h < 0) {
		note(c, path, strerror(-h));
		return;
	}
	r = dir_names(ufd, 0, &names, &n);
	if (r < 0)
		note(c, path, strerror(-r));
	for (int i = 0; r == 0 && i < n; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, names[i]);
		copy_entry(c, ufd, h, names[i], sub, depth + 1);
	}
	if (r == 0)
		dir_names_free(names, n);
	close(h);
}

static void copy_entry(struct copy *c, int udir, int hdir, const char *name, const char *path, int depth)
{
	struct stat st;
	int fd = open_beneath(udir, name, O_RDONLY | O_NONBLOCK), r;

	if (fd == -ENOENT)
		return;		/* not written: the host keeps what it had */
	if (fd == -ELOOP || fd == -EXDEV) {
		note(c, path, fd == -ELOOP ? "a symbolic link, not copied" : "a mount point");
		return;
	}
	if (fd < 0) {
		note(c, path, strerror(-fd));
		return;
	}
	if (fstat(fd, &st) < 0) {
		note(c, path, strerror(errno));
	} else if (S_ISCHR(st.st_mode) && st.st_rdev == 0) {
		;	/* a whiteout: removed in the jail, left alone on the host */
	} else if (S_ISDIR(st.st_mode)) {
		copy_dir(c, fd, &st, hdir, name, path, depth);
	} else if (!S_ISREG(st.st_mode)) {
		note(c, path, "not a regular file, not copied");
	} else if (st.st_nlink != 1) {
		note(c, path, "a file with more than one link, not copied");
	} else if ((r = copy_file(c, fd, &st, hdir, name)) < 0) {
		note(c, path, strerror(-r));
	}
	close(fd);
}

/* rel (a/b/out) beneath the upper directory ufd and the host directory
 * hfd: the directories in between are walked (and made on the host) one
 * by one, then the last name is copied. */
static void copy_named(struct copy *c, int ufd, int hfd, const char *dir, const char *rel)
{
	char path[4096], comp[256];
	const char *p = rel, *slash;
	int u = dup(ufd), h = dup(hfd);

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	while (u >= 0 && h >= 0 && (slash = strchr(p, '/'))) {
		struct stat st;
		int nu, nh;

		snprintf(comp, sizeof(comp), "%.*s", (int)(slash - p), p);
		p = slash + 1;
		nu = open_beneath(u, comp, O_PATH | O_DIRECTORY);
		if (nu < 0) {
			if (nu != -ENOENT)
				note(c, path, nu == -ELOOP ? "a symbolic link on the way" : strerror(-nu));
			break;
		}
		nh = fstat(nu, &st) < 0 ? -errno : host_dir(c, h, comp, st.st_mode);
		close(u);
		close(h);
		u = nu;
		h = nh;
		if (h < 0)
			note(c, path, strerror(-h));
	}
	if (u >= 0 && h >= 0 && !strchr(p, '/'))
		copy_entry(c, u, h, p, path, 0);
	if (u >= 0)
		close(u);
	if (h >= 0)
		close(h);
}

/* The uid a file the jail writes in overlay i is given on disk: its lower
 * bind's idmap owner, else the jail's host user. */
static uid_t writer_uid(const struct sandbox *sb, int i)
{
	for (int k = 0; k < sb->nops; k++) {
		const struct mop *m = &sb->ops[k];

		if (m->kind == MOP_BIND_RO && m->ovl == i + 1 && m->idmap)
			return sb->owners[m->idmap - 1].uid;
	}
	return sb->uid_out;
}

int sandbox_outputs_copy(const struct sandbox *sb, char *msg, size_t len)
{
	struct copy c = { .sb = sb, .msg = msg, .len = len };
	char path[4096];

	if (len)
		msg[0] = 0;
	for (int i = 0; i < sb->novl; i++) {
		const struct sb_overlay *ov = &sb->ovl[i];
		int u, h;

		c.uid = writer_uid(sb, i);
		if (base_path(sb, path, sizeof(path), "upper", i) < 0 ||
		    (u = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			note(&c, ov->dir, "its upper directory is gone");
			continue;
		}
		h = open(ov->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (h < 0)
			note(&c, ov->dir, strerror(errno));
		for (int k = 0; h >= 0 && k < ov->nnames; k++)
			copy_named(&c, u, h, ov->dir, ov->names[k]);
		if (h >= 0)
			close(h);
		close(u);
	}
	return c.bad;
}

int sandbox_outputs_keep(const struct sandbox *sb, const char *dst)
{
	char from[4096], to[4096];
	int r = 0;

	for (int i = 0; i < sb->novl && r == 0; i++) {
		if (snprintf(to, sizeof(to), "%s%s", dst, sb->ovl[i].dir) >= (int)sizeof(to) ||
		    base_path(sb, from, sizeof(from), "upper", i) < 0)
			return -ENAMETOOLONG;
		r = mkdir_p(to, 0755);
		/* The empty directory made for it goes: the upper one takes
		 * its place (the next run makes a new upper directory). */
		if (r == 0 && (rmdir(to) < 0 || rename(from, to) < 0))
			r = -errno;
	}
	return r;
}

/* --- What a run wrote (parent, --check=output) --------------------------- */

int sandbox_outputs_count(const struct sandbox *sb)
{
	int n = 0;

	for (int i = 0; sb && i < sb->novl; i++)
		n += sb->ovl[i].nnames;
	return n;
}

int sandbox_outputs_open(const struct sandbox *sb, int k, char *name, size_t len)
{
	char path[4096];
	struct stat st;
	int u, fd;

	for (int i = 0; sb && i < sb->novl; k -= sb->ovl[i].nnames, i++) {
		const struct sb_overlay *ov = &sb->ovl[i];

		if (k >= ov->nnames)
			continue;
		snprintf(name, len, "%s/%s", ov->dir, ov->names[k]);
		if (base_path(sb, path, sizeof(path), "upper", i) < 0)
			return -ENAMETOOLONG;
		u = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (u < 0)
			return -errno;
		/* The whole relative name at once: openat2 keeps every
		 * component beneath the upper directory. */
		fd = open_beneath(u, ov->names[k], O_RDONLY);
		close(u);
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
			close(fd);
			return -EINVAL;
		}
		return fd;
	}
	return -ERANGE;
}
