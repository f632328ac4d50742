/* fs_write.c - the full disk, as it really happens to a program: the write
 * that fills the file system writes what still fits (a short write, when
 * more than one byte is asked), and from then on nothing fits: every later
 * write of at least one byte to a regular file on that file system, by any
 * process of the traced tree, gets ENOSPC (EDQUOT for a quota used up),
 * and so does a fallocate there. The disk stays full until the run ends,
 * even when the program deletes files: another writer could have taken
 * the space back, so a retry that still fails is real too (docs/faults.md,
 * "fs"). A one-off ENOSPC on a write that the next write survives would be
 * a full disk that empties itself between two calls.
 *
 * Only the write that filled the disk is decided and logged (its replay
 * fills it again at the same call); the later failures are counted, as
 * alloc's exhaust counts its (alloc_kernel.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "inject/fs_class.h"
#include "util/util.h"

#define IOV_CAP 1024	/* IOV_MAX: more is EINVAL before any byte moves */

/* The calls that write to a descriptor: which argument is the file
 * written, which the byte count (or the iovec count of a vector), which
 * the offset (-1: the file position; pwritev2's -1 too; copy_file_range's
 * is a pointer, NULL for the position). x86_64 pwritev's pos_l is the
 * whole offset. */
static const struct write_call {
	const char *call;
	int fd, count, off;
	bool vector, off_ptr;
} write_calls[] = {
	{ "write", 0, 2, -1, false, false },
	{ "pwrite64", 0, 2, 3, false, false },
	{ "writev", 0, 2, -1, true, false },
	{ "pwritev", 0, 2, 3, true, false },
	{ "pwritev2", 0, 2, 3, true, false },
	/* Within one file system only: across two the kernel says EXDEV
	 * before it looks for room (fs_write_bytes checks). */
	{ "copy_file_range", 2, 4, 3, false, true },
};

static const struct write_call *write_call(const char *call)
{
	for (size_t i = 0; i < ARRAY_SIZE(write_calls); i++)
		if (strcmp(write_calls[i].call, call) == 0)
			return &write_calls[i];
	return NULL;
}

/* A regular file a disk fault can reach (fs_disk.c). */
static bool fd_stat(struct tracer_task *t, int fd, struct stat *st)
{
	return fs_fd_on_disk(tracer_task_pid(t), fd, st);
}

bool fs_fd_on_file(struct tracer_task *t, int fd, dev_t *dev)
{
	struct stat st;

	if (!fd_stat(t, fd, &st))
		return false;
	if (dev)
		*dev = st.st_dev;
	return true;
}

/* The descriptor's file position and whether it is O_APPEND, from
 * /proc/PID/fdinfo/FD. */
static int fd_pos(struct tracer_task *t, int fd, long long *pos, bool *append)
{
	char p[64], line[128];
	unsigned long flags = 0;
	int got = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/fdinfo/%d", (int)tracer_task_pid(t), fd);
	if (!(f = fopen(p, "re")))
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		got += sscanf(line, "pos: %lld", pos) == 1;
		got += sscanf(line, "flags: %lo", &flags) == 1;
	}
	fclose(f);
	*append = (flags & O_APPEND) != 0;
	return got == 2 ? 0 : -EINVAL;
}

/* Where the write starts (O_APPEND: at the end), -1 if not known.
 * copy_file_range to an O_APPEND file is EBADF before anything: -1. */
static long long write_pos(struct tracer_task *t, const struct syscall_stop *s,
			   const struct write_call *w, const struct stat *st)
{
	long long pos = -1, off = -1;
	bool append = false;

	if (fd_pos(t, (int)(int32_t)s->args[w->fd], &pos, &append) < 0)
		return -1;
	if (append)
		return w->off_ptr ? -1 : (long long)st->st_size;
	if (w->off_ptr) {
		if (s->args[w->off] && tracer_read_mem(t, s->args[w->off], &off, sizeof(off)) < 0)
			return -1;
	} else if (w->off >= 0) {
		off = (long long)s->args[w->off];
	}
	return off >= 0 ? off : pos;
}

/* The iovec array of a vector call; its entry count, or -1. */
static int read_iov(struct tracer_task *t, const struct syscall_stop *s, struct iovec *iov)
{
	return inj_iov_read(t, s->args[1], s->args[2], iov, IOV_CAP, NULL);
}

int fs_write_at(struct tracer_task *t, const struct syscall_stop *s, struct fs_write *wr)
{
	const struct write_call *w = write_call(s->ent->name);
	struct iovec iov[IOV_CAP];
	struct stat st;
	dev_t in;
	int n;

	if (!w || !fd_stat(t, (int)(int32_t)s->args[w->fd], &st))
		return -EBADF;
	if (w->fd != 0 && (!fs_fd_on_file(t, (int)(int32_t)s->args[0], &in) || in != st.st_dev))
		return -EXDEV;
	wr->dev = st.st_dev;
	wr->size = (long long)st.st_size;
	if ((wr->pos = write_pos(t, s, w, &st)) < 0)
		return -EINVAL;
	if (!w->vector) {
		wr->bytes = (long)s->args[w->count] > 0 ? (long)s->args[w->count] : 0;
		return 0;
	}
	if ((n = read_iov(t, s, iov)) < 0)
		return -EFAULT;
	wr->bytes = 0;
	for (int i = 0; i < n; i++)
		wr->bytes += (long)iov[i].iov_len;
	return 0;
}

/* Only a write at or past the end of the file needs new blocks on every
 * file system: an overwrite of blocks the file has succeeds on a full
 * ext4 or tmpfs (docs/kernel-facts.md#full-disk). */
long fs_write_bytes(struct tracer_task *t, const struct syscall_stop *s, dev_t *dev)
{
	struct fs_write wr;

	if (fs_write_at(t, s, &wr) < 0)
		return -1;
	if (dev)
		*dev = wr.dev;
	return wr.pos >= wr.size ? wr.bytes : 0;
}

/* Let the call write only its first keep bytes: the count, or a copy of
 * the iovec array cut there, put below the red zone of the stopped
 * thread's stack (free while it is in the kernel, which reads the copy
 * before returning); the tracer restores the arguments at the exit. */
static int cut(struct tracer_task *t, const struct syscall_stop *s, long keep)
{
	struct iovec iov[IOV_CAP];
	const struct write_call *w = write_call(s->ent->name);
	int n;

	if (!w)
		return -EINVAL;
	if (!w->vector)
		return tracer_set_arg(t, w->count, (uint64_t)keep);
	if ((n = read_iov(t, s, iov)) < 0)
		return -EINVAL;
	return inj_iov_cut(t, iov, n, keep);
}

int fs_fill(struct fs_run *run, struct tracer_task *t, const struct syscall_stop *s, int err)
{
	dev_t dev;
	long bytes = fs_write_bytes(t, s, &dev);
	int r;

	if (!run || bytes < 1)
		return -EINVAL;
	/* Half of it still fits; one byte cannot be split. */
	r = bytes >= 2 ? cut(t, s, bytes / 2) : tracer_fail_syscall(t, err);
	if (r < 0)
		return r;
	run->full = true;
	run->full_dev = dev;
	run->full_err = err;
	return 0;
}

/* fallocate that allocates blocks (mode 0 or FALLOC_FL_KEEP_SIZE, a
 * positive length) in a regular file. */
bool fs_falloc_takes(struct tracer_task *t, const struct syscall_stop *s, dev_t *dev)
{
	uint64_t mode = s->args[1] & ~(uint64_t)FALLOC_FL_KEEP_SIZE;
	int64_t off = (int64_t)s->args[2], len = (int64_t)s->args[3];
	struct stat st;

	if (strcmp(s->ent->name, "fallocate") != 0 || mode != 0 || off < 0 || len <= 0 ||
	    !fd_stat(t, (int)(int32_t)s->args[0], &st))
		return false;
	if (dev)
		*dev = st.st_dev;
	/* Past the end only: a range inside may have every block already
	 * (a hole there would need one, but that cannot be told from here). */
	return off + len > (int64_t)st.st_size;
}

int fs_on_lasting(struct inject *inj, int cls, struct tracer_task *t,
		  const struct syscall_stop *s)
{
	struct fs_run *run = inj_run_state(inj, cls);
	dev_t dev;
	bool hit;

	if (!run || !run->full)
		return 0;
	if (write_call(s->ent->name))
		hit = fs_write_bytes(t, s, &dev) > 0;
	else
		hit = fs_falloc_takes(t, s, &dev);
	if (!hit || dev != run->full_dev || tracer_fail_syscall(t, run->full_err) < 0)
		return 0;
	inj->counts[cls]++;
	return 1;
}
