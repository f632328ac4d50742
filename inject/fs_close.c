/* fs_close.c - close's faults: EIO and EINTR, reported while the
 * descriptor is released anyway. Linux drops the descriptor before it
 * flushes the file and returns the flush's error (NFS, FUSE, CIFS report
 * a failed write-back there; a handled signal interrupting the flush is
 * EINTR, never restarted, SA_RESTART or not), so after close fails the
 * descriptor is gone and a retried close gets EBADF, or closes someone
 * else's new descriptor (docs/kernel-facts.md#close-releases). So the
 * call is not skipped: it runs, and its result is rewritten at the
 * syscall's exit. EINTR really delivers the signal that interrupted it,
 * so its handler runs as it would (the handlers are tracked from
 * rt_sigaction, signals.c, per address space).
 *
 * Only on a regular file open for writing, on a file system that stores
 * data: a pipe, socket or tty has no write-back to fail, nor has a file
 * of procfs or sysfs (fs_disk.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inject/fs_class.h"
#include "util/util.h"

/* Is the descriptor open for writing on a regular file of a file system
 * that stores data (a closed one gets EBADF for real)? From the tracee's
 * table, as the kernel will find it. NFS and CIFS flush at close only a
 * file open for writing (nfs_file_flush returns 0 at once otherwise), and
 * the kernel's own file systems have no flush at all. */
bool fs_close_on_file(struct tracer_task *t, const struct syscall_stop *s)
{
	int fd = (int)(int32_t)s->args[0];
	unsigned long flags = 0;
	struct stat st;

	return fs_fd_on_disk(tracer_task_pid(t), fd, &st) &&
	       fs_fd_flags(tracer_task_pid(t), fd, &flags) == 0 && (flags & O_ACCMODE) != O_RDONLY;
}

static struct fs_close_pend *slot(struct fs_run *run, pid_t tid, bool add)
{
	struct fs_close_pend *free_slot = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(run->pend); i++) {
		if (run->pend[i].tid == tid)
			return &run->pend[i];
		if (!run->pend[i].tid && !free_slot)
			free_slot = &run->pend[i];
	}
	return add ? free_slot : NULL;
}

/* The fail function of inj_decide for close: let it run, fail it at the
 * exit. */
int fs_close_signal(struct tracer_task *t, const struct sig_handlers *h)
{
	return h ? sig_pick_deliverable(t, h, h->handled) : 0;
}

int fs_close_fail(struct fs_run *run, struct tracer_task *t, int err, int sig)
{
	struct fs_close_pend *p = slot(run, tracer_task_tid(t), true);
	int r;

	if (!p)
		return -ENOSPC;
	if (err == EINTR && !sig)
		return -EINVAL;
	if ((r = tracer_want_exit(t)) < 0)
		return r;
	/* Pending while close runs: delivered on its way back, after the
	 * descriptor is gone, as an interrupted flush's signal is. */
	if (sig && (r = tracer_deliver_signal(t, sig)) < 0)
		return r;
	p->tid = tracer_task_tid(t);
	p->err = err;
	return 0;
}

int fs_close_on_exit(struct inject *inj, int cls, struct tracer_task *t,
		     const struct syscall_stop *s, int64_t ret)
{
	struct fs_run *run = inj_run_state(inj, cls);
	struct fs_close_pend *p = run ? slot(run, tracer_task_tid(t), false) : NULL;
	struct user_regs_struct regs;
	int err;

	if (!p || !s->ent || strcmp(s->ent->name, "close") != 0)
		return 0;
	err = p->err;
	p->tid = 0;
	/* The descriptor is released; only a close that succeeded is made
	 * to report the flush's error. */
	if (ret != 0 || tracer_getregs(t, &regs) < 0)
		return 0;
	regs.rax = (uint64_t)(int64_t)-err;
	return tracer_setregs(t, &regs);
}
