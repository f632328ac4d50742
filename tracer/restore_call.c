/* restore_call.c - in-place restore's calls (restore_int.h): a syscall
 * the process makes from its exit stop, and the failures with a reason. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "tracer/restore_int.h"
#include "tracer/tracer_int.h"

int rs_fail(int err, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* A call made by the process: from its syscall-exit stop (or a stop
 * outside any syscall) it runs the syscall insn with our
 * registers and is back at that call's exit stop. A signal stop on the
 * way is state we cannot put back (a pending signal): -EAGAIN. */
int rs_call4(struct tracer_restore *r, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
	     uint64_t a3, int64_t *ret)
{
	struct user_regs_struct g = r->start;
	int status, e, stops = 0;
	long rax;

	g.rip = r->insn;
	g.rax = (uint64_t)nr;
	g.orig_rax = (uint64_t)-1;
	g.rdi = a0;
	g.rsi = a1;
	g.rdx = a2;
	g.r10 = a3;
	g.r8 = g.r9 = 0;
	if (ptrace(PTRACE_SETREGS, r->tid, 0, &g) < 0 || ptrace(PTRACE_SYSCALL, r->tid, 0, 0) < 0)
		return -errno;
	while (stops < 2) {
		if ((e = tracer_wait_stop(r->tid, &status)) < 0)
			return e;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			stops++;
		else if ((unsigned)status >> 16 != PTRACE_EVENT_SECCOMP)
			return -EAGAIN;
		if (stops < 2 && ptrace(PTRACE_SYSCALL, r->tid, 0, 0) < 0)
			return -errno;
	}
	errno = 0;
	rax = ptrace(PTRACE_PEEKUSER, r->tid, offsetof(struct user_regs_struct, rax), 0);
	if (errno)
		return -errno;
	*ret = rax;
	r->st.calls++;
	return 0;
}

int rs_call(struct tracer_restore *r, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
	    int64_t *ret)
{
	return rs_call4(r, nr, a0, a1, a2, 0, ret);
}
