/* crash_names.c - --crash-drop's names: a name made, changed or removed
 * in a directory that was not fsynced since may be lost in a power cut
 * (docs/oracles.md#crash-drop).
 *
 * Each directory of the work copy has durable names (its regular files'
 * names and inodes): at the run's start what it held, at each fsync (or
 * fdatasync) of the directory what it holds then; sync and syncfs make
 * every directory's names and every file's contents durable. After the
 * kill (and after crash_drop_apply rolled the contents back), a name that
 * is not durable is undone when its file's data is durable, and kept when
 * it is not: each change takes the worse of its two possible fates (an
 * fsynced file renamed over the store comes back as the old store; a file
 * never fsynced keeps the new name and loses its data). A durable name
 * that is gone is made again with its file's durable contents, unless
 * that file is kept under a new name (a rename is atomic). Directories
 * themselves (made, renamed, removed) are kept as the run left them.
 *
 * As crash_drop.c: the copy is walked with O_NOFOLLOW, regular files only
 * are touched, and every task of the run is gone by then. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/crash_drop.h"
#include "cli/crash_drop_int.h"
#include "util/util.h"

static struct drop_dir *dir_find(struct crash_drop *d, dev_t dev, ino_t ino, bool add)
{
	for (int i = 0; i < d->ndirs; i++)
		if (d->dirs[i].dev == dev && d->dirs[i].ino == ino)
			return &d->dirs[i];
	if (!add)
		return NULL;
	if (d->ndirs == d->capdirs) {
		int cap = d->capdirs ? d->capdirs * 2 : 16;
		struct drop_dir *nd = realloc(d->dirs, cap * sizeof(*nd));

		if (!nd)
			return NULL;
		d->dirs = nd;
		d->capdirs = cap;
	}
	d->dirs[d->ndirs] = (struct drop_dir){ .dev = dev, .ino = ino };
	return &d->dirs[d->ndirs++];
}

/* The regular files of directory dirfd, by name and inode. */
static int list_dir(int dirfd, struct drop_ent **out, int *nout)
{
	int fd = dup(dirfd), n = 0, cap = 0;
	struct drop_ent *e = NULL;
	struct dirent *de;
	DIR *dir;

	if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0 || !(dir = fdopendir(fd))) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return err;
	}
	while ((de = readdir(dir))) {
		struct stat st;

		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			struct drop_ent *ne = realloc(e, (cap = cap ? cap * 2 : 16) * sizeof(*ne));

			if (!ne)
				break;
			e = ne;
		}
		if (!(e[n].name = strdup(de->d_name)))
			break;
		e[n++].ino = st.st_ino;
	}
	closedir(dir);
	*out = e;
	*nout = n;
	return 0;
}

static void record(struct crash_drop *d, int dirfd, const struct stat *st)
{
	struct drop_dir *dd = dir_find(d, st->st_dev, st->st_ino, true);

	if (!dd)
		return;
	drop_dir_clear(dd);
	list_dir(dirfd, &dd->e, &dd->n);
}

typedef void (*dir_fn)(struct crash_drop *d, int dirfd, const char *rel, const struct stat *st,
		       void *arg);

/* fn on every directory under dirfd (rel its path, "" the top), before
 * its subdirectories are read (fn may change its names). Takes dirfd. */
static void walk_dirs(struct crash_drop *d, int dirfd, const char *rel, int depth, dir_fn fn,
		      void *arg)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int fd;

	if (fstat(dirfd, &st) == 0)
		fn(d, dirfd, rel, &st, arg);
	if (depth >= DROP_MAX_DEPTH || (fd = dup(dirfd)) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    !(dir = fdopendir(fd))) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir))) {
		char sub[PATH_MAX];
		struct stat sst;
		int sfd;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fstatat(dirfd, de->d_name, &sst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sst.st_mode) ||
		    snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", de->d_name) >=
			    (int)sizeof(sub))
			continue;
		sfd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd >= 0)
			walk_dirs(d, sfd, sub, depth + 1, fn, arg);
	}
	closedir(dir);
	close(dirfd);
}

static void walk_copy_dirs(struct crash_drop *d, dir_fn fn, void *arg)
{
	int fd = open(d->copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		walk_dirs(d, fd, "", 0, fn, arg);
}

static void record_fn(struct crash_drop *d, int dirfd, const char *rel, const struct stat *st,
		      void *arg)
{
	(void)rel;
	(void)arg;
	record(d, dirfd, st);
}

void crash_names_begin(struct crash_drop *d)
{
	walk_copy_dirs(d, record_fn, NULL);
}

void crash_names_dir_sync(struct crash_drop *d, pid_t pid, int fd)
{
	char link[64];
	struct stat st;
	int dfd;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	/* Only a directory of the copy (known since the run's start, or a
	 * sync): one the run made keeps its names anyway. */
	if (stat(link, &st) < 0 || !S_ISDIR(st.st_mode) || !dir_find(d, st.st_dev, st.st_ino, false))
		return;
	dfd = open(link, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	record(d, dfd, &st);
	close(dfd);
}

/* sync(2), syncfs(2) of the copy's file system: this directory's names
 * and files are durable as they are. */
static void sync_fn(struct crash_drop *d, int dirfd, const char *rel, const struct stat *st,
		    void *arg)
{
	const dev_t *dev = arg;
	struct drop_dir *dd;

	(void)rel;
	if (dev && *dev != st->st_dev)
		return;
	record(d, dirfd, st);
	if (!(dd = dir_find(d, st->st_dev, st->st_ino, false)))
		return;
	for (int i = 0; i < dd->n; i++) {
		struct drop_file *f = drop_find(d, st->st_dev, dd->e[i].ino, true);
		int fd = openat(dirfd, dd->e[i].name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (f)
			drop_make_durable(f, fd);
		if (fd >= 0)
			close(fd);
	}
}

void crash_names_sync_all(struct crash_drop *d, pid_t pid, int fd)
{
	char link[64];
	struct stat st;

	if (fd < 0) {
		walk_copy_dirs(d, sync_fn, NULL);
		return;
	}
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	if (stat(link, &st) == 0)
		walk_copy_dirs(d, sync_fn, &st.st_dev);
}

/* --- After the kill ---------------------------------------------------- */

struct names_apply {
	struct drop_apply a;
	ino_t *kept;	/* inodes live under a name that stays */
	int nkept, capkept;
};

static bool durable_name(const struct drop_dir *dd, const char *name, ino_t ino)
{
	for (int i = 0; i < dd->n; i++)
		if (dd->e[i].ino == ino && strcmp(dd->e[i].name, name) == 0)
			return true;
	return false;
}

static void keep(struct names_apply *na, ino_t ino)
{
	if (na->nkept == na->capkept) {
		int cap = na->capkept ? na->capkept * 2 : 16;
		ino_t *nk = realloc(na->kept, cap * sizeof(*nk));

		if (!nk)
			return;
		na->kept = nk;
		na->capkept = cap;
	}
	na->kept[na->nkept++] = ino;
}

static bool kept(const struct names_apply *na, ino_t ino)
{
	for (int i = 0; i < na->nkept; i++)
		if (na->kept[i] == ino)
			return true;
	return false;
}

static void path_of(char *buf, size_t len, const char *rel, const char *name)
{
	snprintf(buf, len, "%s%s%s", rel, rel[0] ? "/" : "", name);
}

/* A name not durable goes when its file's data is durable. */
static void undo_new(struct crash_drop *d, int dirfd, const char *rel, const struct stat *st,
		     void *arg)
{
	struct drop_dir *dd = dir_find(d, st->st_dev, st->st_ino, false);
	struct names_apply *na = arg;
	struct drop_ent *live = NULL;
	char path[PATH_MAX];
	int n = 0;

	if (list_dir(dirfd, &live, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		const struct drop_file *f = drop_find(d, st->st_dev, live[i].ino, false);

		if (!dd || durable_name(dd, live[i].name, live[i].ino) || !drop_data_durable(f)) {
			keep(na, live[i].ino);
		} else if (unlinkat(dirfd, live[i].name, 0) == 0) {
			path_of(path, sizeof(path), rel, live[i].name);
			drop_say(&na->a, path, "name undone: its directory not fsynced since");
		} else if (!na->a.err) {
			na->a.err = -errno;
		}
		free(live[i].name);
	}
	free(live);
}

/* Make name again with data. */
static int create(int dirfd, const char *name, const char *data, size_t len)
{
	return fs_write_file_at(dirfd, name, O_CREAT | O_EXCL | O_NOFOLLOW, 0644, data, len);
}

/* A durable name that is gone comes back, unless its file stays under
 * another name or the name is taken. */
static void restore_old(struct crash_drop *d, int dirfd, const char *rel, const struct stat *st,
			void *arg)
{
	struct drop_dir *dd = dir_find(d, st->st_dev, st->st_ino, false);
	struct names_apply *na = arg;
	char path[PATH_MAX], how[128];

	for (int i = 0; dd && i < dd->n; i++) {
		const struct drop_file *f = drop_find(d, st->st_dev, dd->e[i].ino, false);
		const char *fate = "";
		struct stat cur;
		char *data = NULL;
		size_t len = 0;
		int e;

		if (fstatat(dirfd, dd->e[i].name, &cur, AT_SYMLINK_NOFOLLOW) == 0 ||
		    errno != ENOENT || kept(na, dd->e[i].ino))
			continue;
		path_of(path, sizeof(path), rel, dd->e[i].name);
		e = drop_durable(d, f, &data, &len, &fate);
		if (e == 0)
			e = create(dirfd, dd->e[i].name, data, len);
		free(data);
		snprintf(how, sizeof(how), "name restored, %s", fate);
		drop_say(&na->a, path, e == -EFBIG ? fate : how);
		if (e < 0 && e != -EFBIG && !na->a.err)
			na->a.err = e;
	}
}

int crash_names_apply(struct crash_drop *d, char *what, size_t len)
{
	struct names_apply na = { .a = { .what = what, .len = len } };
	size_t used = strlen(what);

	/* Go on with the contents' list. */
	na.a.n = used ? 1 : 0;
	walk_copy_dirs(d, undo_new, &na);
	walk_copy_dirs(d, restore_old, &na);
	free(na.kept);
	return na.a.err;
}
