/* fs_write_robust - test target: saves a file the careful way (a temporary
 * name, every write's count and error looked at, writev and pwrite64 too,
 * fsync, close, rename into place, fallocate, mkdir, unlink, rmdir, each
 * checked), so no fault of the fs class is a finding. It prints what it
 * saw, one line each, for the test to read: "short" when a write moved
 * part of its bytes, the chunk (1 to 4, one write site) that failed, the error of the write that failed, and whether a
 * later write to another file on the same file system still failed
 * ("after: ENOSPC": the disk stays full), a close's error and whether
 * the signal that interrupted it ran its handler. It aborts on what the
 * kernel never does: unlink or rmdir failing with ENOSPC, a failed close
 * that left its descriptor open.
 */
#pragma GCC optimize("O0")
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define DIR "/tmp/fs_write_robust"

static char data[8192];
static int failed_err;	/* the first write error seen */
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void said(const char *what, int err)
{
	printf("%s: %s\n", what, err ? strerrorname_np(err) : "ok");
}

/* A failed close has released the descriptor all the same (EIO, EINTR):
 * retrying would close someone else's; still open is impossible. */
static void close_failed(const char *what, int fd)
{
	said(what, errno);
	if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
		abort();
}

/* Every byte or an error: short writes are carried on. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!failed_err)
				failed_err = errno;
			said("write", errno);
			return -1;
		}
		if ((size_t)n < len)
			printf("short: %zd of %zu\n", n, len);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Overwrites bytes the file has: it needs no new block on ext4 or
 * tmpfs, so a full disk never fails it. */
static int stamp_head(int fd)
{
	ssize_t n = pwrite(fd, "HEAD", 4, 0);

	if (n != 4) {
		said("stamp", n < 0 ? errno : 0);
		return -1;
	}
	return 0;
}

static int save_parts(int fd)
{
	struct iovec iov[2] = { { data, 100 }, { data + 100, 100 } };
	ssize_t n;

	/* Four chunks from one write site: its occurrences 1 to 4. */
	for (int k = 0; k < 4; k++)
		if (write_all(fd, data + k * 2048, 2048) < 0) {
			printf("chunk %d failed\n", k + 1);
			return -1;
		}
	n = writev(fd, iov, 2);
	if (n != 200) {
		if (n >= 0)
			printf("short: %zd of 200\n", n);
		else
			said("writev", errno);
		return -1;
	}
	n = pwrite(fd, "TAIL", 4, sizeof(data) + 200);
	if (n != 4) {
		said("pwrite64", n < 0 ? errno : 0);
		return -1;
	}
	if (stamp_head(fd) < 0)
		return -1;
	if (fsync(fd) < 0) {
		said("fsync", errno);
		return -1;
	}
	return 0;
}

static void checked_unlink(const char *path)
{
	if (unlink(path) < 0) {
		if (errno == ENOSPC)
			abort();	/* unlink never needs room */
		if (errno != ENOENT)
			said("unlink", errno);
	}
}

static int save(void)
{
	int fd = open(DIR "/save.tmp", O_CREAT | O_WRONLY | O_TRUNC, 0600);

	if (fd < 0) {
		said("open", errno);
		return -1;
	}
	if (save_parts(fd) < 0) {
		close(fd);
		checked_unlink(DIR "/save.tmp");
		return -1;
	}
	if (close(fd) < 0) {
		close_failed("close", fd);
		checked_unlink(DIR "/save.tmp");
		return -1;
	}
	if (rename(DIR "/save.tmp", DIR "/save") < 0) {
		said("rename", errno);
		checked_unlink(DIR "/save.tmp");
		return -1;
	}
	said("save", 0);
	return 0;
}

/* Another file on the same file system, after a write failed. */
static void after(void)
{
	int fd = open(DIR "/after", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	ssize_t n;

	if (fd < 0) {
		said("open after", errno);
		return;
	}
	n = write(fd, "x", 1);
	said("after", n < 0 ? errno : 0);
	if (fallocate(fd, 0, 0, 4096) < 0)
		said("fallocate", errno);
	if (close(fd) < 0)
		close_failed("close after", fd);
	checked_unlink(DIR "/after");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };

	/* A handler, so a close can be interrupted (EINTR, never restarted). */
	sigaction(SIGUSR1, &sa, NULL);
	/* A file size limit is an error to report, not a reason to die. */
	signal(SIGXFSZ, SIG_IGN);
	memset(data, 'd', sizeof(data));
	if (mkdir(DIR, 0700) < 0 && errno != EEXIST) {
		said("mkdir", errno);
		return 0;
	}
	save();
	after();
	checked_unlink(DIR "/save");
	if (got_usr1)
		printf("SIGUSR1 handled\n");
	if (rmdir(DIR) < 0) {
		if (errno == ENOSPC)
			abort();
		said("rmdir", errno);
	}
	return 0;
}
