/* fs_nofile.c - descriptors exhausted, as it really happens. At the call
 * chosen, RLIMIT_NOFILE's soft limit is lowered for real on the calling
 * process (prlimit) to the number of descriptors it has open, and the call
 * is let run: the kernel itself refuses it with EMFILE, and every later
 * call that takes a descriptor (open, socket, accept, pipe, dup...) of
 * that process and of the children it forks later, until one is closed.
 * Nothing is emulated, so nothing impossible follows: closing any
 * descriptor frees a number below the limit, dup2 past the limit is
 * EBADF, an exec'd program inherits the limit
 * (docs/kernel-facts.md#nofile-limit).
 *
 * Only when the descriptor table has no hole (descriptors 0..N-1 open,
 * none above): the kernel hands out the lowest free number, so a process
 * reaches its limit by itself only that way. With a hole, a limit at the
 * hole would leave descriptors above it, whose close frees nothing: a
 * state only a limit lowered from outside gives. The fault is logged at
 * that one call; a replay lowers the limit there again.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "inject/fs_class.h"

/* The limit that exhausts t's descriptors now: their count, if they are
 * 0..N-1 and N is below the process's soft limit; -1 otherwise. */
static long limit_for(struct tracer_task *t)
{
	char p[64];
	struct dirent *d;
	struct rlimit cur;
	long n = 0, max = -1;
	DIR *dir;

	snprintf(p, sizeof(p), "/proc/%d/fd", (int)tracer_task_tid(t));
	if (!(dir = opendir(p)))
		return -1;
	while ((d = readdir(dir))) {
		char *end;
		long fd = strtol(d->d_name, &end, 10);

		if (d->d_name[0] < '0' || d->d_name[0] > '9' || *end)
			continue;
		n++;
		if (fd > max)
			max = fd;
	}
	closedir(dir);
	/* Entries are distinct numbers: n == max + 1 is 0..max, no hole. */
	if (n != max + 1 || prlimit(tracer_task_pid(t), RLIMIT_NOFILE, NULL, &cur) < 0 ||
	    (cur.rlim_cur != RLIM_INFINITY && (long long)cur.rlim_cur <= n))
		return -1;
	return n;
}

bool fs_nofile_can(struct tracer_task *t)
{
	return limit_for(t) >= 0;
}

int fs_nofile_set(struct tracer_task *t)
{
	long lim = limit_for(t);
	struct rlimit cur, want;

	if (lim < 0 || prlimit(tracer_task_pid(t), RLIMIT_NOFILE, NULL, &cur) < 0)
		return -EINVAL;
	want.rlim_cur = (rlim_t)lim;
	want.rlim_max = cur.rlim_max;
	return prlimit(tracer_task_pid(t), RLIMIT_NOFILE, &want, NULL) < 0 ? -errno : 0;
}
