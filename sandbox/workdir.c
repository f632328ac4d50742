/* workdir.c - per-run work directories: a fresh copy of --workdir=DIR for
 * every run (see workdir.h). A copy, not an overlay: it works the same with
 * and without the jail, as root and unprivileged, and a kept copy is an
 * ordinary directory; the cost is proportional to DIR's size
 * (docs/jail.md, "Sandboxed execution"). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "sandbox/workdir.h"
#include "util/util.h"

struct workdir {
	char *orig;		/* DIR, resolved */
	char *base;		/* private directory holding the copy */
	char *copy;		/* base/w */
	bool chown_to;
	uid_t uid;
	gid_t gid;
	struct stat skip;	/* left out of the copies (st_ino 0: none) */
};

/* --- Copy (util/fs.c's fs_copy_tree) ------------------------------------ */

/* Copy directory src into a new directory dst (mode of src). */
static int copy_dir(const char *src, const char *dst, const struct fs_owner *ow)
{
	struct stat st;
	int in, out, r;

	in = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	if (fstat(in, &st) < 0 || mkdir(dst, 0700) < 0) {
		r = -errno;
		close(in);
		return r;
	}
	out = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = out < 0 ? -errno : fs_copy_tree(in, out, ow);
	if (r == 0 && fchmod(out, (st.st_mode & 07777) | 0700) < 0)
		r = -errno;
	if (r == 0 && ow->set && fchown(out, ow->uid, ow->gid) < 0)
		r = -errno;
	if (out >= 0)
		close(out);
	close(in);
	return r;
}

/* --- API ---------------------------------------------------------------- */

int workdir_new(const char *dir, bool chown_to, uid_t uid, gid_t gid, struct workdir **out)
{
	struct workdir *w = calloc(1, sizeof(*w));
	int r = 0;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->chown_to = chown_to;
	w->uid = uid;
	w->gid = gid;
	w->orig = realpath(dir, NULL);
	if (!w->orig)
		r = -errno;
	if (r == 0 && asprintf(&w->base, "%s/fzsandbox-work.XXXXXX", sandbox_tmpdir()) < 0) {
		w->base = NULL;
		r = -ENOMEM;
	}
	if (r == 0 && !mkdtemp(w->base)) {
		r = -errno;
		free(w->base);
		w->base = NULL;
	}
	/* Searchable by the jail's host user (root's jail runs as nobody);
	 * the copy inside is theirs. */
	if (r == 0 && chown_to && chmod(w->base, 0711) < 0)
		r = -errno;
	if (r == 0 && asprintf(&w->copy, "%s/w", w->base) < 0) {
		w->copy = NULL;
		r = -ENOMEM;
	}
	if (r < 0) {
		workdir_free(w);
		return r;
	}
	*out = w;
	return 0;
}

void workdir_free(struct workdir *w)
{
	if (!w)
		return;
	if (w->base) {
		remove_tree(w->base);
		free(w->base);
	}
	free(w->copy);
	free(w->orig);
	free(w);
}

int workdir_reset(struct workdir *w)
{
	/* From the user's own DIR: its modes as they are. */
	struct fs_owner ow = { w->chown_to, w->uid, w->gid, !w->chown_to && geteuid() == 0,
			       w->skip.st_ino != 0, w->skip.st_dev, w->skip.st_ino, true };
	int r = remove_tree(w->copy);

	return r < 0 ? r : copy_dir(w->orig, w->copy, &ow);
}

int workdir_refill(struct workdir *w)
{
	struct fs_owner ow = { w->chown_to, w->uid, w->gid, !w->chown_to && geteuid() == 0,
			       w->skip.st_ino != 0, w->skip.st_dev, w->skip.st_ino, true };
	struct stat st;
	int in, out, r = empty_tree(w->copy);

	if (r < 0)
		return r == -ENOENT ? workdir_reset(w) : r;	/* the first copy */
	in = open(w->orig, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(w->copy, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = out < 0 ? -errno : fstat(in, &st) < 0 ? -errno : fs_copy_tree(in, out, &ow);
	/* The copy's own mode and owner as copy_dir leaves them. */
	if (r == 0 && fchmod(out, (st.st_mode & 07777) | 0700) < 0)
		r = -errno;
	if (r == 0 && ow.set && fchown(out, ow.uid, ow.gid) < 0)
		r = -errno;
	if (out >= 0)
		close(out);
	close(in);
	return r;
}

const char *workdir_copy_path(const struct workdir *w)
{
	return w->copy;
}

int workdir_keep(const struct workdir *w, const char *dst)
{
	struct fs_owner ow = { 0 };

	return copy_dir(w->copy, dst, &ow);
}

/* --- Hash --------------------------------------------------------------- */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static void fnv(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= c[i];
		*h *= FNV_PRIME;
	}
}

static int hash_tree(int fd, const char *rel, const struct stat *skip, uint64_t *h)
{
	char **names;
	int n, r = dir_names(fd, 0, &names, &n);

	for (int i = 0; r == 0 && i < n; i++) {
		char path[PATH_MAX], head[32];
		struct stat st;

		snprintf(path, sizeof(path), "%s%s", rel, names[i]);
		if (fstatat(fd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode) && skip && st.st_dev == skip->st_dev &&
		    st.st_ino == skip->st_ino)
			continue;
		fnv(h, path, strlen(path) + 1);
		snprintf(head, sizeof(head), "%o", (unsigned)st.st_mode);
		fnv(h, head, strlen(head) + 1);
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(fd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0) {
				r = -errno;
				break;
			}
			snprintf(path, sizeof(path), "%s%s/", rel, names[i]);
			r = hash_tree(sub, path, skip, h);
			close(sub);
		} else if (S_ISREG(st.st_mode)) {
			int in = openat(fd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			char buf[65536];
			ssize_t k;

			if (in < 0) {
				r = -errno;
				break;
			}
			while ((k = read(in, buf, sizeof(buf))) > 0)
				fnv(h, buf, k);
			if (k < 0)
				r = -errno;
			close(in);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t k = readlinkat(fd, names[i], target, sizeof(target));

			if (k < 0)
				r = -errno;
			else
				fnv(h, target, k);
		}
		fnv(h, "", 1);
	}
	dir_names_free(names, n);
	return r;
}

int workdir_leave_out(struct workdir *w, const char *path)
{
	if (stat(path, &w->skip) < 0) {
		memset(&w->skip, 0, sizeof(w->skip));
		return -errno;
	}
	return 0;
}

int workdir_hash(const char *dir, const char *leave_out, char hex[WORKDIR_HASH_LEN + 1])
{
	uint64_t h = FNV_OFFSET;
	struct stat skip;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = hash_tree(fd, "", leave_out && stat(leave_out, &skip) == 0 ? &skip : NULL, &h);
	close(fd);
	if (r == 0)
		snprintf(hex, WORKDIR_HASH_LEN + 1, "%016llx", (unsigned long long)h);
	return r;
}
