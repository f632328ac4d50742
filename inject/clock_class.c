/* clock_class.c - the clock class's hooks. At every exec the new image's
 * AT_SYSINFO_EHDR becomes AT_IGNORE (tracer_auxv_ignore), so glibc,
 * static or dynamic, and Go find no vDSO and read every clock with a real
 * syscall the filter stops on (docs/kernel-facts.md#vdso-hidden). A clock
 * read is a site; a step planned there happens at that read and stays for
 * the whole tree until the run ends: from then on every read of a clock
 * it moves, in any traced process, returns the real value plus the shift,
 * rewritten in the tracee's memory at the syscall's exit. What a step
 * moves is clock_step.c's; absolute deadlines handed to the kernel on a
 * shifted clock are corrected in clock_deadline.c. */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "inject/clock_class.h"
#include "tracer/services.h"
#include "util/util.h"

#define NS 1000000000LL

/* The faults the plan tries at every clock read: a step forward and one
 * back on REALTIME, a forward jump of every clock. */
static const struct fault explore[] = {
	{ .type = FT_STEP, .count = 3600 * NS, .err = STEP_REALTIME },
	{ .type = FT_STEP, .count = -3600 * NS, .err = STEP_REALTIME },
	{ .type = FT_STEP, .count = 3600 * NS, .err = STEP_MONOTONIC },
};

static bool is_read(const struct syscall_stop *s)
{
	const char *n = s->ent->name;

	return strcmp(n, "clock_gettime") == 0 || strcmp(n, "gettimeofday") == 0 ||
	       strcmp(n, "time") == 0;
}

/* The clock a read call reads (enum step_clock), -1 if none a step moves. */
static int read_base(const struct syscall_stop *s)
{
	int base;

	if (strcmp(s->ent->name, "clock_gettime") == 0) {
		clock_shift_of(NULL, (int)(int32_t)s->args[0], &base);
		return base;
	}
	return STEP_REALTIME;	/* gettimeofday, time */
}

static int clock_on_exec(struct inject *inj, int cls, struct tracer_task *t)
{
	int r = tracer_auxv_ignore(t, AT_SYSINFO_EHDR);

	(void)inj;
	(void)cls;
	/* No vDSO given to this image (-ENOENT): nothing to hide. */
	return r == -ENOENT ? 0 : r;
}

static int step_now(void *arg, struct tracer_task *t, struct fault *f)
{
	struct clock_run *run = arg;
	struct clock_shift was;
	unsigned moved = 0;

	if (!run)
		return -ENOMEM;
	was = run->shift;
	clock_shift_add(&run->shift, f);
	run->steps++;
	for (int b = 0; b < STEP_N; b++)
		if (run->shift.ns[b] != was.ns[b])
			moved |= 1u << b;
	/* Threads asleep on a deadline of a moved clock sleep again to it. */
	clock_sleep_step(&run->sleep, t, moved);
	/* REALTIME moved against MONOTONIC (a stall moves both alike): the
	 * kernel cancels TFD_TIMER_CANCEL_ON_SET timers. */
	if (f->err != STEP_MONOTONIC && f->count)
		clock_cancel_step(&run->cancel, t);
	return tracer_want_exit(t);
}

static int clock_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			    const struct syscall_stop *s)
{
	struct inj_call call = { .cls = cls, .name = s->ent->name, .sc = s };
	struct clock_run *run = inj_run_state(inj, cls);
	int base = read_base(s);

	/* A CPU-time clock: no step moves it, and it is no site. */
	if (base < 0)
		return 0;
	if (inj_may_fail(inj, call.name))
		inj_decide(inj, t, &call, explore, (int)ARRAY_SIZE(explore), step_now, run);
	if (run && run->shift.ns[base])
		tracer_want_exit(t);
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* The result of a clock read, shifted by sh ns in the tracee's memory
 * (and time()'s return value). */
static int shift_result(struct tracer_task *t, const struct syscall_stop *s, int64_t ret,
			int64_t sh)
{
	const char *name = s->ent->name;

	if (strcmp(name, "clock_gettime") == 0) {
		struct timespec ts;
		int64_t ns;

		if (ret != 0 || tracer_read_mem(t, s->args[1], &ts, sizeof(ts)) < 0)
			return 0;
		ns = ts.tv_nsec + sh % NS;
		ts.tv_sec += sh / NS + floor_div(ns, NS);
		ts.tv_nsec = ns - floor_div(ns, NS) * NS;
		return tracer_write_mem(t, s->args[1], &ts, sizeof(ts));
	}
	if (strcmp(name, "gettimeofday") == 0) {
		struct timeval tv;
		int64_t us;

		if (ret != 0 || !s->args[0] || tracer_read_mem(t, s->args[0], &tv, sizeof(tv)) < 0)
			return 0;
		us = tv.tv_usec + floor_div(sh, 1000) % 1000000;
		tv.tv_sec += floor_div(sh, 1000) / 1000000 + floor_div(us, 1000000);
		tv.tv_usec = us - floor_div(us, 1000000) * 1000000;
		return tracer_write_mem(t, s->args[0], &tv, sizeof(tv));
	}
	if (strcmp(name, "time") == 0) {
		struct user_regs_struct regs;
		int64_t secs;

		/* A failed time() (EFAULT) is a small negative number. */
		if (ret < 0 && ret > -4096)
			return 0;
		secs = ret + floor_div(sh, NS);
		if (s->args[0] && tracer_write_mem(t, s->args[0], &secs, sizeof(secs)) < 0)
			return 0;
		if (tracer_getregs(t, &regs) < 0)
			return 0;
		regs.rax = (uint64_t)secs;
		return tracer_setregs(t, &regs);
	}
	return 0;
}

static int clock_on_syscall_exit(struct inject *inj, int cls, struct tracer_task *t,
				 const struct syscall_stop *s, int64_t ret)
{
	struct clock_run *run = inj_run_state(inj, cls);
	int base;

	if (!run || !s->ent)
		return 0;
	if (strcmp(s->ent->name, "read") == 0 || strcmp(s->ent->name, "readv") == 0)
		return clock_cancel_on_exit(&run->cancel, t, s, ret);
	if (!is_read(s))
		return clock_sleep_exit(&run->sleep, t, ret);
	base = read_base(s);
	if (base < 0 || !run->shift.ns[base])
		return 0;
	return shift_result(t, s, ret, run->shift.ns[base]);
}

/* clock_gettime stops only for a clock a step moves: a CPU-time read
 * (clock()) is no site and never shifted (a seccomp compare of the clock
 * id; gettimeofday and time always read REALTIME). */
static bool clock_narrow(int nr, struct tracer_cond *c)
{
	const struct syscall_ent *e = syscall_by_nr(nr);

	if (!e || strcmp(e->name, "clock_gettime") != 0)
		return false;
	*c = (struct tracer_cond){ .nr = nr, .arg = 0 | TRACER_COND_VALUES, .bits = clock_step_ids() };
	return true;
}

const char clock_watch_calls[] = "clock_nanosleep futex timerfd_settime timer_settime "
				 "mq_timedsend mq_timedreceive read readv";

static int clock_on_watch(struct inject *inj, int cls, struct tracer_task *t,
			  const struct syscall_stop *s)
{
	struct clock_run *run = inj_run_state(inj, cls);

	if (run && (strcmp(s->ent->name, "read") == 0 || strcmp(s->ent->name, "readv") == 0))
		return clock_cancel_on_read(&run->cancel, t, s);
	return clock_deadline_on_watch(inj, cls, t, s);
}

static int clock_on_entry(struct inject *inj, int cls, struct tracer_task *t)
{
	(void)inj;
	(void)cls;
	return clock_tsc_arm(t);
}

static int clock_on_signal(struct inject *inj, int cls, struct tracer_task *t, int sig,
			   const siginfo_t *si)
{
	return clock_tsc_on_signal(inj_run_state(inj, cls), t, sig, si);
}

static void clock_run_reset(void *state)
{
	struct clock_run *run = state;

	clock_cancel_reset(&run->cancel);
}

const struct class_hooks clock_class_hooks = {
	.run_size = sizeof(struct clock_run),
	.run_reset = clock_run_reset,
	.on_exec = clock_on_exec,
	.on_entry = clock_on_entry,
	.on_signal = clock_on_signal,
	.on_syscall = clock_on_syscall,
	.on_watch = clock_on_watch,
	.on_syscall_exit = clock_on_syscall_exit,
	.narrow = clock_narrow,
};
