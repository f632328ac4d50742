/* iov.c - a vector call's iovec array, read from the tracee, and a
 * transfer cut short: what io's short readv/writev and fs's full disk
 * (a write that fills it writes what fits) both do. */
#include "config.h"

#include <errno.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "inject/inject_int.h"
#include "tracer/tracer.h"

int inj_iov_read(struct tracer_task *t, uint64_t addr, uint64_t n, struct iovec *iov, int cap,
		 long *total)
{
	if (n == 0 || n > (uint64_t)cap || tracer_read_mem(t, addr, iov, n * sizeof(*iov)) < 0)
		return -1;
	if (total) {
		*total = 0;
		for (uint64_t i = 0; i < n; i++)
			*total += (long)iov[i].iov_len;
	}
	return (int)n;
}

/* The copy goes below the red zone of the stopped thread's stack: free
 * scratch while it is in the syscall, and the kernel reads it before
 * returning; the tracer restores the arguments at the exit stop. */
int inj_iov_cut(struct tracer_task *t, struct iovec *iov, int cnt, long keep)
{
	struct user_regs_struct regs;
	uint64_t scratch;
	long left = keep;
	int k, r;

	if (tracer_getregs(t, &regs) < 0)
		return -EINVAL;
	for (k = 0; k < cnt && left > 0; k++) {
		if ((long)iov[k].iov_len > left)
			iov[k].iov_len = (size_t)left;
		left -= (long)iov[k].iov_len;
	}
	scratch = (regs.rsp - 128 - (uint64_t)k * sizeof(*iov)) & ~15ULL;
	r = tracer_write_mem(t, scratch, iov, (size_t)k * sizeof(*iov));
	if (r == 0)
		r = tracer_set_arg(t, 1, scratch);
	if (r == 0)
		r = tracer_set_arg(t, 2, (uint64_t)k);
	return r;
}
