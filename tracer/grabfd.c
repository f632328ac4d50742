#include "config.h"

/* grabfd.c - a copy of one of the target's file descriptors, to look at
 * the open file as the target has it (flags, queued bytes, socket type)
 * without guessing from /proc. */

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracer/services.h"

int tracer_grab_fd(struct tracer_task *t, int fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, tracer_task_pid(t), 0), dup;

	if (pfd < 0)
		return -errno;
	/* pidfd_getfd's copy is always close-on-exec. */
	dup = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	if (dup < 0)
		dup = -errno;
	close(pfd);
	return dup;
}
