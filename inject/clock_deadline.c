/* clock_deadline.c - absolute deadlines on a stepped clock. A program that
 * read T from a clock shifted by D and waits until T + 1s hands the kernel
 * a deadline D ahead of the real clock: a wait of 1s would last D + 1s
 * (or end at once after a step back). So each absolute deadline on a
 * shifted clock is handed over minus the shift, as a copy written below
 * the stack's red zone (the program's own struct, perhaps shared by other
 * waiters, is never touched; the kernel copies it at entry), the argument
 * register pointed at it and put back at the exit (tracer_set_arg).
 *
 * Covered: clock_nanosleep TIMER_ABSTIME; futex FUTEX_WAIT_BITSET,
 * FUTEX_WAIT_REQUEUE_PI and FUTEX_LOCK_PI2 (MONOTONIC, or REALTIME with
 * FUTEX_CLOCK_REALTIME) and FUTEX_LOCK_PI (always REALTIME), which is how
 * glibc's pthread_cond_timedwait, sem_timedwait and the timed locks
 * wait; timerfd_settime TFD_TIMER_ABSTIME (the timer's clock from
 * /proc/PID/fdinfo) and timer_settime TIMER_ABSTIME (from
 * /proc/PID/timers); mq_timedsend/mq_timedreceive (REALTIME); the list
 * is clock_watch_calls (clock_class.c). Not yet: futex_waitv
 * (docs/faults.md#clock). Threads already asleep when a step happens are
 * clock_sleep.c's; TFD_TIMER_CANCEL_ON_SET is clock_cancel.c's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "inject/clock_class.h"
#include "util/util.h"

#define NS 1000000000LL

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

/* Where the deadline is: its argument, its clock id, and its offset in
 * the struct (an itimerspec's it_value). -1: the call has none. */
struct deadline {
	int arg;
	int clockid;
	size_t off, size;
	bool sleeps;	/* the caller sleeps to it (not a timer armed) */
};

static int timerfd_clock(struct tracer_task *t, int fd)
{
	char path[64], buf[512];
	const char *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tracer_task_pid(t), fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strstr(buf, "clockid:");
	return p ? (int)strtol(p + 8, NULL, 10) : -1;
}

/* A POSIX timer's clock: its "ClockID:" in /proc/PID/timers (the process's
 * timers, one block each, "ID: N" first). -1 if not found. */
static int timer_clock(struct tracer_task *t, int id)
{
	char path[64], line[128];
	bool ours = false;
	int clk = -1, v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/timers", (int)tracer_task_pid(t));
	if (!(f = fopen(path, "re")))
		return -1;
	while (clk < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ID: %d", &v) == 1)
			ours = v == id;
		else if (ours && sscanf(line, "ClockID: %d", &v) == 1)
			clk = v;
	}
	fclose(f);
	return clk;
}

static bool find_deadline(struct tracer_task *t, const struct syscall_stop *s, struct deadline *d)
{
	const char *n = s->ent->name;

	d->off = 0;
	d->size = sizeof(struct timespec);
	d->sleeps = strcmp(n, "timerfd_settime") != 0 && strcmp(n, "timer_settime") != 0;
	if (strcmp(n, "clock_nanosleep") == 0) {
		d->arg = 2;
		d->clockid = (int)(int32_t)s->args[0];
		return (s->args[1] & TIMER_ABSTIME) != 0;
	}
	if (strcmp(n, "futex") == 0) {
		int op = (int)s->args[1], cmd = op & FUTEX_CMD_MASK;
		bool real = (op & FUTEX_CLOCK_REALTIME) != 0;

		d->arg = 3;
		if (cmd == FUTEX_LOCK_PI)
			real = true;
		else if (cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
			 cmd != FUTEX_LOCK_PI2)
			return false;
		d->clockid = real ? CLOCK_REALTIME : CLOCK_MONOTONIC;
		return true;
	}
	if (strcmp(n, "timerfd_settime") == 0) {
		d->arg = 2;
		d->off = offsetof(struct itimerspec, it_value);
		if (!(s->args[1] & TFD_TIMER_ABSTIME))
			return false;
		d->clockid = timerfd_clock(t, (int)(int32_t)s->args[0]);
		return d->clockid >= 0;
	}
	if (strcmp(n, "timer_settime") == 0) {
		d->arg = 2;
		d->off = offsetof(struct itimerspec, it_value);
		if (!(s->args[1] & TIMER_ABSTIME))
			return false;
		d->clockid = timer_clock(t, (int)(int32_t)s->args[0]);
		return d->clockid >= 0;
	}
	if (strcmp(n, "mq_timedsend") == 0 || strcmp(n, "mq_timedreceive") == 0) {
		d->arg = 4;
		d->clockid = CLOCK_REALTIME;
		return true;
	}
	return false;
}

int clock_deadline_on_watch(struct inject *inj, int cls, struct tracer_task *t,
			    const struct syscall_stop *s)
{
	struct clock_run *run = inj_run_state(inj, cls);
	struct user_regs_struct regs;
	unsigned char buf[sizeof(struct itimerspec)];
	struct timespec ts;
	struct deadline d;
	uint64_t scratch;
	int64_t sh, ns;
	int base, r;

	if (!run || !find_deadline(t, s, &d) || !s->args[d.arg])
		return 0;
	sh = clock_shift_of(&run->shift, d.clockid, &base);
	/* Asleep until a step may move its deadline (clock_sleep.c), from
	 * before the first step on. */
	if (d.sleeps)
		clock_sleep_enter(&run->sleep, t, base);
	if (!sh)
		return 0;
	if (d.off)
		d.size = sizeof(struct itimerspec);
	if ((r = tracer_read_mem(t, s->args[d.arg], buf, d.size)) < 0 ||
	    (r = tracer_getregs(t, &regs)) < 0)
		return r;
	memcpy(&ts, buf + d.off, sizeof(ts));
	/* A zero it_value disarms a timer: no deadline to move. */
	if (d.off && !ts.tv_sec && !ts.tv_nsec)
		return 0;
	ns = ts.tv_nsec - sh % NS;
	ts.tv_sec -= sh / NS;
	if (ns < 0) {
		ns += NS;
		ts.tv_sec--;
	} else if (ns >= NS) {
		ns -= NS;
		ts.tv_sec++;
	}
	ts.tv_nsec = ns;
	/* A deadline moved before the epoch is simply past. */
	if (ts.tv_sec < 0)
		ts.tv_sec = ts.tv_nsec = 0;
	memcpy(buf + d.off, &ts, sizeof(ts));
	/* Below the red zone: the task is in a syscall, nothing of it lives
	 * there, and the kernel has copied it before a signal frame could
	 * land on it. */
	scratch = ((regs.rsp - 128 - sizeof(buf)) & ~15ULL);
	if ((r = tracer_write_mem(t, scratch, buf, d.size)) < 0)
		return r;
	return tracer_set_arg(t, d.arg, scratch);
}
