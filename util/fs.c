/* fs.c - directory helpers shared by the output directory, the work copy
 * and the jail's mount points. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/util.h"

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	/* No allocation: the jail's first process calls this after clone. */
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	/* The whole path first: usually only its last component is missing
	 * (the jail's mount points, one prefix walk would cost a failed
	 * mkdir per existing component). */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	memcpy(buf, path, n + 1);
	/* Each prefix in turn; existing ones are fine, as with mkdir -p. */
	for (char *s = buf + 1;; s++) {
		char c = *s;

		if (c != '/' && c != 0)
			continue;
		*s = 0;
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		*s = c;
	}
}

/* Everything under dir fd (consumed). A run may have left directories
 * without write or search permission: each is opened up first. */
static int remove_contents(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while (r == 0 && (errno = 0, de = readdir(d))) {
		const char *n = de->d_name;
		struct stat st;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = errno == ENOENT ? 0 : -errno;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub;

			fchmodat(fd, n, 0700, 0);	/* best effort: the openat says */
			sub = openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = sub < 0 ? -errno : remove_contents(sub);
			if (r == 0 && unlinkat(fd, n, AT_REMOVEDIR) < 0)
				r = -errno;
		} else if (unlinkat(fd, n, 0) < 0 && errno != ENOENT) {
			r = -errno;
		}
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	return r;
}

int remove_tree(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	chmod(path, 0700);	/* best effort: the open says */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	int r = remove_contents(fd);

	if (r == 0 && rmdir(path) < 0)
		r = -errno;
	return r;
}

int empty_tree(const char *path)
{
	int fd;

	chmod(path, 0700);	/* best effort: the open says */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : remove_contents(fd);
}

int dir_names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void dir_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int dir_names(int fd, int max, char ***names, int *n)
{
	int dfd = dup(fd), cap = 0, r = 0;
	struct dirent *de;
	char **v = NULL;
	DIR *d;

	*names = NULL;
	*n = 0;
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	rewinddir(d);	/* fd's offset is shared: start from the top */
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (max > 0 && *n == max) {
			r = -E2BIG;
			break;
		}
		if (*n + 2 > cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[*n] = strdup(de->d_name))) {
			r = -ENOMEM;
			break;
		}
		v[++*n] = NULL;
	}
	closedir(d);
	if (r < 0) {
		dir_names_free(v, *n);
		*n = 0;
		return r;
	}
	if (v)
		qsort(v, *n, sizeof(*v), dir_names_cmp);
	*names = v;
	return 0;
}

/* --- Copy a tree (workdir.c's per-run copies, merge's findings) ---------- */

static int set_owner(int dfd, const char *name, const struct stat *st, const struct fs_owner *ow)
{
	if (!ow)
		return 0;
	if (ow->set && fchownat(dfd, name, ow->uid, ow->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!ow->set && ow->keep && fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

int fs_copy_fd(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);

		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -errno;
		break;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		int e = fs_write_all(out, buf, (size_t)n, -1);

		if (e < 0)
			return e;
	}
}

static int copy_entry(int sfd, int dfd, const char *name, const struct fs_owner *ow)
{
	struct timespec times[2];
	struct stat st;
	int in = -1, out = -1, r = 0;

	/* Set-user-ID, set-group-ID only from a tree the caller trusts: what
	 * a jailed run left must not become a set-user-ID file of ours. */
	mode_t mode_mask = ow && ow->keep_special ? 07777 : 01777;

	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (ow && ow->skip && S_ISDIR(st.st_mode) && st.st_dev == ow->skip_dev &&
	    st.st_ino == ow->skip_ino)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dfd, name, 0700) < 0)
			return -errno;
		in = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = in < 0 || out < 0 ? -errno : fs_copy_tree(in, out, ow);
		if (r == 0 && fchmod(out, st.st_mode & mode_mask) < 0)
			r = -errno;
	} else if (S_ISREG(st.st_mode)) {
		/* The source first: nothing is made for a file that cannot be read. */
		in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0)
			return -errno;
		out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		r = out < 0 ? -errno : fs_copy_fd(in, out);
		if (r == 0 && fchmod(out, st.st_mode & mode_mask) < 0)
			r = -errno;
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(sfd, name, target, sizeof(target) - 1);

		if (n < 0)
			return -errno;
		target[n] = 0;
		if (symlinkat(target, dfd, name) < 0)
			return -errno;
	} else if (S_ISFIFO(st.st_mode)) {
		if (mkfifoat(dfd, name, st.st_mode & mode_mask) < 0)
			return -errno;
	} else {
		return 0;	/* sockets, devices: not part of a work directory */
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (r == 0)
		r = set_owner(dfd, name, &st, ow);
	if (r == 0 && utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	return r;
}

int fs_copy_tree(int sfd, int dfd, const struct fs_owner *ow)
{
	char **names;
	int n, r = dir_names(sfd, 0, &names, &n);

	for (int i = 0; r == 0 && i < n; i++)
		r = copy_entry(sfd, dfd, names[i], ow);
	dir_names_free(names, n);
	return r;
}

int fs_write_all(int fd, const void *data, size_t len, off_t at)
{
	const char *p = data;

	for (size_t off = 0; off < len;) {
		ssize_t n = at < 0 ? write(fd, p + off, len - off)
				   : pwrite(fd, p + off, len - off, at + (off_t)off);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			off += (size_t)n;
	}
	return 0;
}

int fs_write_file_at(int dirfd, const char *name, int flags, mode_t mode, const void *data, size_t len)
{
	int fd = openat(dirfd, name, flags | O_WRONLY | O_CLOEXEC, mode), e;

	if (fd < 0)
		return -errno;
	e = fs_write_all(fd, data, len, -1);
	if (close(fd) < 0 && !e)
		e = -errno;
	return e;
}

int fs_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	return fs_write_file_at(AT_FDCWD, path, O_CREAT | O_TRUNC, mode, data, len);
}

int fs_rewrite(int *fd, const char *path, const void *data, size_t len)
{
	int e;

	if (*fd < 0 && (*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if ((e = fs_write_all(*fd, data, len, 0)) < 0)
		return e;
	return ftruncate(*fd, (off_t)len) < 0 ? -errno : 0;
}

int fs_create_fresh(const char *path, mode_t mode)
{
	int fd;

	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

int fs_cut(int *fd, const char *path, mode_t mode)
{
	off_t at = lseek(*fd, 0, SEEK_CUR);
	struct stat st;

	if (at < 0 || fstat(*fd, &st) < 0)
		return -errno;
	if (st.st_size == at)
		return 0;
	if (at > 0)
		return ftruncate(*fd, at) < 0 ? -errno : 0;
	close(*fd);
	*fd = fs_create_fresh(path, mode);
	return *fd < 0 ? *fd : 0;
}

int fs_read_file(const char *path, size_t max, void **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;
	char *buf = NULL;
	size_t got = 0, cap = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (got == cap) {
			char *b;

			if (cap > max) {
				e = -EFBIG;
				break;
			}
			cap = cap ? 2 * cap : 4096;
			if (!(b = realloc(buf, cap + 1))) {
				e = -ENOMEM;
				break;
			}
			buf = b;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = -errno;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (!e && got > max)
		e = -EFBIG;
	if (e) {
		free(buf);
		return e;
	}
	buf[got] = 0;
	*data = buf;
	*len = got;
	return 0;
}
