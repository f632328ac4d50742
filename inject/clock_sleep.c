/* clock_sleep.c - threads asleep on an absolute deadline when a step
 * happens. A real clock change moves every wait on that clock: a thread in
 * clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, T) or a REALTIME futex
 * wait wakes when the new wall time reaches T, sooner after a step
 * forward, later after one back (docs/kernel-facts.md#asleep-at-step).
 * Here the kernel was handed T minus the shift of the time the thread
 * went to sleep, so each such sleeper is recorded from its entry to its
 * exit, and a step that moves its clock wakes it (tracer_kick_tid): the
 * kernel ends the sleep with an -ERESTART* code, the exit hook makes a
 * futex's -ERESTART_RESTARTBLOCK (whose restart_syscall would reuse the
 * old deadline) a plain restart of the same call, and the call comes back
 * through its seccomp stop, where clock_deadline.c hands the kernel the
 * program's own deadline minus the new shift. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/user.h>

#include "inject/clock_class.h"
#include "tracer/services.h"
#include "util/util.h"

/* The kernel's restart codes (include/linux/errno.h): what an interrupted
 * sleep returns at its exit stop, never seen by the program. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTART_RESTARTBLOCK 516

void clock_sleep_enter(struct clock_sleepers *z, struct tracer_task *t, int base)
{
	pid_t tid = tracer_task_tid(t);
	int i;

	if (base < 0)
		return;
	for (i = 0; i < z->n && z->s[i].tid != tid; i++)
		;
	/* Full: this sleeper keeps its deadline, as before steps moved any. */
	if (i == (int)ARRAY_SIZE(z->s))
		return;
	z->s[i] = (struct clock_sleeper){ .tid = tid, .base = (int8_t)base };
	if (i == z->n)
		z->n++;
	tracer_want_exit(t);
}

int clock_sleep_exit(struct clock_sleepers *z, struct tracer_task *t, int64_t ret)
{
	struct user_regs_struct regs;
	pid_t tid = tracer_task_tid(t);
	bool kicked;
	int r;

	for (int i = 0; i < z->n; i++) {
		if (z->s[i].tid != tid)
			continue;
		kicked = z->s[i].kicked;
		z->s[i] = z->s[--z->n];
		/* Woken by us: restart the call itself (restart_syscall would
		 * sleep to the old deadline); -ERESTARTSYS, -ERESTARTNOHAND
		 * and -ERESTARTNOINTR restart it already (no handler runs). */
		if (!kicked || ret != -ERESTART_RESTARTBLOCK)
			return 0;
		if ((r = tracer_getregs(t, &regs)) < 0)
			return r;
		regs.rax = (uint64_t)-ERESTARTNOINTR;
		return tracer_setregs(t, &regs);
	}
	return 0;
}

void clock_sleep_step(struct clock_sleepers *z, struct tracer_task *t, unsigned moved)
{
	pid_t self = tracer_task_tid(t);

	for (int i = 0; i < z->n; i++) {
		struct clock_sleeper *c = &z->s[i];

		if (c->kicked || c->tid == self || !((moved >> c->base) & 1))
			continue;
		if (tracer_kick_tid(c->tid) < 0) {
			/* Gone: no sleeper any more. */
			z->s[i--] = z->s[--z->n];
			continue;
		}
		c->kicked = true;
	}
}
