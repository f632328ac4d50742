#include "config.h"

/* kick.c - wake another traced thread out of the syscall it sleeps in, so
 * the kernel restarts it: a clock step changes what its deadline means,
 * and the restarted call stops at its seccomp rule again to be handed the
 * deadline anew (inject/clock_sleep.c). */

#include <errno.h>
#include <sys/ptrace.h>
#include <sys/types.h>

#include "tracer/services.h"

int tracer_kick_tid(pid_t tid)
{
	/* PTRACE_INTERRUPT wakes an interruptible sleep as a signal would
	 * (-ERESTART*, then the exit stop the caller asked for), then stops
	 * the thread at PTRACE_EVENT_STOP, which the loop resumes. Only a
	 * thread we trace (a seized one) can be interrupted: ESRCH else. */
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return -errno;
	return 0;
}
