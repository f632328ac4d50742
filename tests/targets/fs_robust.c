/* fs_robust - test target: every open the fs class fails is checked and
 * its failure handled (a message, a fallback), so no fault of the class
 * is a finding: fopen (openat), open, openat, creat, openat2, close
 * (close_checked: a failed close released its descriptor). It also
 * opens a name that exists with O_CREAT (reopen_existing), which must
 * never get ENOSPC (nothing is allocated), and creates new names
 * (create_new, make_existing), which may. The jail refuses openat2
 * (ENOSYS, docs/jail.md): it is failed by fs only without the jail.
 */
#pragma GCC optimize("O0")
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DIR "/tmp"

static void report(const char *what, int fd)
{
	if (fd < 0)
		fprintf(stderr, "fs_robust: %s: %s\n", what, strerror(errno));
	else
		close(fd);
	printf("%s: %s\n", what, fd < 0 ? "failed" : "ok");
}

static void create_new(void)
{
	FILE *f = fopen(DIR "/fs_robust.a", "w");
	struct open_how how = { .flags = O_CREAT | O_WRONLY, .mode = 0600 };

	if (!f) {
		fprintf(stderr, "fs_robust: fopen: %s\n", strerror(errno));
	} else {
		fputs("a\n", f);
		if (fclose(f) != 0)
			fprintf(stderr, "fs_robust: fclose: %s\n", strerror(errno));
	}
	report("open", open(DIR "/fs_robust.b", O_CREAT | O_WRONLY | O_EXCL, 0600));
	report("creat", creat(DIR "/fs_robust.c", 0600));
	report("openat2", (int)syscall(SYS_openat2, AT_FDCWD, DIR "/fs_robust.d", &how,
				       sizeof(how)));
}

/* A new name relative to a directory descriptor (openat's dirfd). */
static void create_in_dir(void)
{
	int d = open(DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (d < 0) {
		fprintf(stderr, "fs_robust: %s: %s\n", DIR, strerror(errno));
		return;
	}
	report("openat dirfd", openat(d, "fs_robust.f", O_CREAT | O_WRONLY | O_EXCL, 0600));
	close(d);
}

/* A name for reopen_existing to find. */
static int make_existing(void)
{
	int fd = open(DIR "/fs_robust.e", O_CREAT | O_WRONLY, 0600);

	if (fd < 0) {
		fprintf(stderr, "fs_robust: making fs_robust.e: %s\n", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* O_CREAT of a name that exists: never ENOSPC. */
static void reopen_existing(void)
{
	report("reopen", openat(AT_FDCWD, DIR "/fs_robust.e", O_CREAT | O_WRONLY | O_APPEND, 0600));
}

/* A close that fails (EIO) has released the descriptor all the same: a
 * retry would be a bug, and the descriptor must be gone. */
static void close_checked(void)
{
	int fd = open(DIR "/fs_robust.g", O_CREAT | O_WRONLY | O_TRUNC, 0600);

	if (fd < 0) {
		fprintf(stderr, "fs_robust: fs_robust.g: %s\n", strerror(errno));
		return;
	}
	if (write(fd, "g\n", 2) != 2)
		fprintf(stderr, "fs_robust: write: %s\n", strerror(errno));
	if (close(fd) < 0) {
		fprintf(stderr, "fs_robust: close: %s\n", strerror(errno));
		/* Not released: an impossible result on Linux. */
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			abort();
	}
}

int main(void)
{
	create_new();
	create_in_dir();
	if (make_existing() == 0)
		reopen_existing();
	close_checked();
	return 0;
}
