/* crash_drop.c - --crash-drop: the work directory as a power cut would
 * leave it, in the page-cache model (docs/oracles.md#crash-drop).
 *
 * Files are told apart by inode (a rename keeps its data's fate): each
 * has durable contents, what a crash cannot take from it. At the run's
 * start that is what it held (the original directory's file at its path
 * then); an fsync or fdatasync makes it what the file holds at that call's
 * exit (read through /proc/PID/fd, in memory); a write after it makes
 * the file dirty. A truncate is metadata, which the journal commits on
 * its own: the file stays cut at its length (the shortest since its
 * durable contents), and its data beyond is dropped. After the kill
 * every dirty file is rewritten with its durable contents so cut, a file
 * the run created and never synced left empty (ext4's zero-length file
 * after a crash). Names (renames, creations, unlinks) are crash_names.c's,
 * applied after this. sync, syncfs and msync(MS_SYNC) make contents
 * durable too (crash_names.c, crash_drop_msync).
 *
 * The copy is walked without following a symbolic link (openat with
 * O_NOFOLLOW, only regular files are touched): what a run left is
 * untrusted, and every task of it is gone by then. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/crash_drop.h"
#include "cli/crash_drop_int.h"
#include "util/util.h"

struct crash_drop *crash_drop_new(const char *copy, const char *orig)
{
	struct crash_drop *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	snprintf(d->copy, sizeof(d->copy), "%s", copy);
	snprintf(d->orig, sizeof(d->orig), "%s", orig);
	return d;
}

static void clear(struct crash_drop *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->f[i].rel);
		free(d->f[i].data);
	}
	d->n = 0;
	for (int i = 0; i < d->ndirs; i++)
		drop_dir_clear(&d->dirs[i]);
	d->ndirs = 0;
}

void drop_dir_clear(struct drop_dir *dd)
{
	for (int i = 0; i < dd->n; i++)
		free(dd->e[i].name);
	free(dd->e);
	dd->e = NULL;
	dd->n = 0;
}

void crash_drop_free(struct crash_drop *d)
{
	if (!d)
		return;
	clear(d);
	free(d->f);
	free(d->dirs);
	free(d);
}

struct drop_file *drop_find(struct crash_drop *d, dev_t dev, ino_t ino, bool add)
{
	for (int i = 0; i < d->n; i++)
		if (d->f[i].dev == dev && d->f[i].ino == ino)
			return &d->f[i];
	if (!add)
		return NULL;
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 16;
		struct drop_file *nf = realloc(d->f, cap * sizeof(*nf));

		if (!nf)
			return NULL;
		d->f = nf;
		d->cap = cap;
	}
	d->f[d->n] = (struct drop_file){ .dev = dev, .ino = ino, .cut = -1 };
	return &d->f[d->n++];
}

/* Every regular file under dirfd (rel its path from the copy's top):
 * fn(d, dirfd, name, rel, st). Symbolic links are neither followed nor
 * touched. */
typedef void (*walk_fn)(struct crash_drop *d, int dirfd, const char *name, const char *rel,
			const struct stat *st, void *arg);

static void walk(struct crash_drop *d, int dirfd, const char *prefix, int depth, walk_fn fn,
		 void *arg)
{
	DIR *dir = fdopendir(dirfd);
	struct dirent *de;

	if (!dir) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir))) {
		char rel[PATH_MAX];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(rel, sizeof(rel), "%s%s%s", prefix, prefix[0] ? "/" : "", de->d_name) >=
			    (int)sizeof(rel) ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			fn(d, dirfd, de->d_name, rel, &st, arg);
		} else if (S_ISDIR(st.st_mode) && depth < DROP_MAX_DEPTH) {
			int sub = openat(dirfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				walk(d, sub, rel, depth + 1, fn, arg);
		}
	}
	closedir(dir);
}

static void walk_copy(struct crash_drop *d, walk_fn fn, void *arg)
{
	int fd = open(d->copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		walk(d, fd, "", 0, fn, arg);
}

static void note_initial(struct crash_drop *d, int dirfd, const char *name, const char *rel,
			 const struct stat *st, void *arg)
{
	struct drop_file *f = drop_find(d, st->st_dev, st->st_ino, true);

	(void)dirfd;
	(void)name;
	(void)arg;
	if (f && !f->rel)
		f->rel = strdup(rel);
}

void crash_drop_begin(struct crash_drop *d)
{
	clear(d);
	walk_copy(d, note_initial, NULL);
}

/* All of fd's contents (at most DROP_MAX_BYTES), or -errno. */
int drop_read_all(int fd, char **data, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t k;

		if (n == cap) {
			char *nb;

			if (cap >= (size_t)DROP_MAX_BYTES) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 65536;
			if (!(nb = realloc(buf, cap))) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if (k == 0)
			break;
		n += k;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* Is the fd O_SYNC or O_DSYNC (its writes durable on return)? */
static bool fd_is_sync(pid_t pid, int fd)
{
	char path[64], line[128];
	unsigned long flags = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if (!(fp = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "flags: %lo", &flags) == 1)
			break;
	fclose(fp);
	return (flags & (O_SYNC | O_DSYNC)) != 0;
}

void drop_make_durable(struct drop_file *f, int fd)
{
	free(f->data);
	f->data = NULL;
	f->len = 0;
	f->dirty = false;
	f->synced = true;
	f->cut = -1;
	f->too_big = fd < 0 || drop_read_all(fd, &f->data, &f->len) < 0;
}

void crash_drop_note(struct crash_drop *d, pid_t pid, int fd, enum drop_call call, long long len)
{
	char link[64];
	struct drop_file *f;
	struct stat st;
	int rfd;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	if (stat(link, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(f = drop_find(d, st.st_dev, st.st_ino, true)))
		return;
	if (call == DROP_TRUNCATE) {
		f->dirty = true;
		if (f->cut < 0 || len < f->cut)
			f->cut = len;
		return;
	}
	if (call == DROP_WRITE && !fd_is_sync(pid, fd)) {
		f->dirty = true;
		return;
	}
	/* Its contents now are what a crash leaves of it. */
	rfd = open(link, O_RDONLY | O_CLOEXEC);
	drop_make_durable(f, rfd);
	if (rfd >= 0)
		close(rfd);
}

void drop_say(struct drop_apply *a, const char *rel, const char *how)
{
	size_t used = strlen(a->what);

	if (a->n++ < 4)
		snprintf(a->what + used, a->len - used, "%s%s (%s)", used ? ", " : "", rel, how);
	else if (a->n == 5)
		snprintf(a->what + used, a->len - used, ", ...");
}

/* Rewrite the copy's file with data (len bytes). */
static int put(int dirfd, const char *name, const char *data, size_t len)
{
	return fs_write_file_at(dirfd, name, O_TRUNC | O_NOFOLLOW, 0, data, len);
}

/* The durable length: the data, cut by a truncate since (a truncate
 * beyond it leaves the data as it is: the hole's zeros are not modelled). */
static size_t cut_len(const struct drop_file *f, size_t len)
{
	return f->cut >= 0 && (unsigned long long)f->cut < len ? (size_t)f->cut : len;
}

bool drop_data_durable(const struct drop_file *f)
{
	return f && !f->dirty && (f->synced || f->rel);
}

int drop_durable(struct crash_drop *d, const struct drop_file *f, char **data, size_t *len,
		 const char **how)
{
	char path[PATH_MAX * 2];
	int e = 0, fd;

	*data = NULL;
	*len = 0;
	if (f && f->synced && f->too_big) {
		*how = "kept: its last fsync's contents are too big to model";
		return -EFBIG;
	}
	if (f && f->synced) {
		if (f->len && !(*data = malloc(f->len)))
			return -ENOMEM;
		if (f->len)
			memcpy(*data, f->data, f->len);
		*len = cut_len(f, f->len);
		*how = f->cut >= 0 ? "to its last fsync, truncated since" : "to its last fsync";
	} else if (f && f->rel) {
		/* Never synced in the run: what it held before it. */
		snprintf(path, sizeof(path), "%s/%s", d->orig, f->rel);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		e = fd < 0 ? -errno : drop_read_all(fd, data, len);
		if (fd >= 0)
			close(fd);
		*len = e ? 0 : cut_len(f, *len);
		*how = f->cut >= 0 ? "to its contents before the run, truncated, never fsynced" :
			   "to its contents before the run, never fsynced";
	} else {
		*how = "emptied: made by the run, never fsynced";
	}
	return e;
}

static void roll_back(struct crash_drop *d, int dirfd, const char *name, const char *rel,
		      const struct stat *st, void *arg)
{
	struct drop_file *f = drop_find(d, st->st_dev, st->st_ino, false);
	struct drop_apply *a = arg;
	const char *how = "";
	char *data = NULL;
	size_t len = 0;
	int e;

	if (!f || !f->dirty)
		return;
	e = drop_durable(d, f, &data, &len, &how);
	if (e == 0)
		e = put(dirfd, name, data, len);
	free(data);
	drop_say(a, rel, how);
	if (e < 0 && e != -EFBIG && !a->err)
		a->err = e;
}

int crash_drop_apply(struct crash_drop *d, char *what, size_t len)
{
	struct drop_apply a = { .what = what, .len = len };

	what[0] = 0;
	walk_copy(d, roll_back, &a);
	return a.err;
}

/* msync's mapping: a shared one of a file (its inode from the maps line). */
static bool shared_map_ino(pid_t pid, unsigned long addr, ino_t *ino)
{
	char path[64], line[512];
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (!(fp = fopen(path, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), fp)) {
		unsigned long lo, hi, ioff;
		unsigned long long i = 0;
		char perms[8];
		unsigned maj, min;

		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %llu", &lo, &hi, perms, &ioff, &maj, &min,
			   &i) == 7 &&
		    addr >= lo && addr < hi) {
			found = perms[3] == 's' && i != 0;
			*ino = (ino_t)i;
			break;
		}
	}
	fclose(fp);
	return found;
}

struct ino_sync {
	ino_t ino;
};

static void sync_ino(struct crash_drop *d, int dirfd, const char *name, const char *rel,
		     const struct stat *st, void *arg)
{
	struct ino_sync *is = arg;
	struct drop_file *f;
	int fd;

	(void)rel;
	if (st->st_ino != is->ino || !(f = drop_find(d, st->st_dev, st->st_ino, true)))
		return;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	drop_make_durable(f, fd);
	if (fd >= 0)
		close(fd);
}

void crash_drop_msync(struct crash_drop *d, pid_t pid, unsigned long addr)
{
	struct ino_sync is;

	if (shared_map_ino(pid, addr, &is.ino))
		walk_copy(d, sync_ino, &is);
}
