/* fs_fsize.c - the file size limit, as it really happens. At the write
 * chosen, RLIMIT_FSIZE is lowered for real on the writing process
 * (prlimit) to where half of that write ends, and the write is let run:
 * the kernel itself cuts it at the limit (a short write), and from then on
 * every write of that process (any file, any thread, the children it forks
 * later) at or past the limit makes the kernel send SIGXFSZ and fail it
 * with EFBIG. SIGXFSZ's default action kills the process (a `resource`
 * finding); a program that ignores, blocks or handles it sees EFBIG
 * (docs/kernel-facts.md#fsize-limit). Nothing is emulated, so nothing
 * impossible can follow: it is a limit lowered while the program runs
 * (prlimit(1) by an operator, or the limit a service manager sets). Only
 * the write that met the limit is logged; a replay lowers it there again.
 */
#include "config.h"

#include <errno.h>
#include <sys/resource.h>

#include "inject/fs_class.h"

/* The limit this write would meet: half of it fits (a one-byte write
 * none). -1 if the process's own limit is already lower (the kernel
 * decides then), or the write is not known. */
static long long limit_for(struct tracer_task *t, const struct syscall_stop *s)
{
	struct fs_write wr;
	struct rlimit cur;
	long long lim;

	if (fs_write_at(t, s, &wr) < 0 || wr.bytes < 1)
		return -1;
	lim = wr.pos + wr.bytes / 2;
	if (prlimit(tracer_task_pid(t), RLIMIT_FSIZE, NULL, &cur) < 0 ||
	    (cur.rlim_cur != RLIM_INFINITY && (long long)cur.rlim_cur <= lim))
		return -1;
	return lim;
}

bool fs_fsize_can(struct tracer_task *t, const struct syscall_stop *s)
{
	return limit_for(t, s) >= 0;
}

int fs_fsize_set(struct tracer_task *t, const struct syscall_stop *s)
{
	long long lim = limit_for(t, s);
	struct rlimit cur, want;

	if (lim < 0 || prlimit(tracer_task_pid(t), RLIMIT_FSIZE, NULL, &cur) < 0)
		return -EINVAL;
	want.rlim_cur = (rlim_t)lim;
	want.rlim_max = cur.rlim_max;
	return prlimit(tracer_task_pid(t), RLIMIT_FSIZE, &want, NULL) < 0 ? -errno : 0;
}
