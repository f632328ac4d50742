/* fs_close.c - close's fault: EIO, reported while the descriptor is
 * released anyway. Linux drops the descriptor before it flushes the file
 * and returns the flush's error (NFS, FUSE, CIFS report a failed
 * write-back there), so after close fails the descriptor is gone and a
 * retried close gets EBADF, or closes someone else's new descriptor
 * (docs/kernel-facts.md#close-releases). So the call is not skipped: it
 * runs, and its result is rewritten at the syscall's exit.
 *
 * Only on a regular file: a pipe, socket or tty has no write-back to
 * fail. Not EINTR (a flush interrupted by a handled signal): that needs
 * the signal really delivered, as io's EINTR does (signals.c), left for
 * later. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "inject/fs_class.h"
#include "util/util.h"

/* Is the descriptor open on a regular file (a closed one gets EBADF for
 * real)? Both from the tracee's table, as the kernel will find it. */
bool fs_close_on_file(struct tracer_task *t, const struct syscall_stop *s)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tracer_task_pid(t), (int)(int32_t)s->args[0]);
	return (int32_t)s->args[0] >= 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode);
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
int fs_close_fail(struct fs_run *run, struct tracer_task *t, int err)
{
	struct fs_close_pend *p = slot(run, tracer_task_tid(t), true);
	int r;

	if (!p)
		return -ENOSPC;
	if ((r = tracer_want_exit(t)) < 0)
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
