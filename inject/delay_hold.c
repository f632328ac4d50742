/* delay_hold.c - latency: a call that starts late. The calling thread is
 * held at the call's seccomp stop for the time asked (tracer_hold_syscall):
 * it is not resumed, while the tracer's loop keeps serving every other
 * thread and process; at the deadline (the loop's 10 ms tick) the call
 * runs as it would have. Nothing is emulated: the call's result is the
 * kernel's, and its occurrence is counted once, at that one stop.
 *
 * What the program sees is a thread that did not run for that long right
 * before the call, which a real thread meets (a major page fault on
 * swapped-out or network-backed memory, CPU throttling): a signal sent to
 * the thread meanwhile is handled when it runs again, a signal sent to
 * the process goes to another thread (the kernel never picks a stopped
 * one), SIGKILL ends it at once. A slow peer is the timeout fault
 * (delay_wait.c), which keeps the call's own timeout. Pinned only
 * (--fault): a plan would make every run seconds longer. The run's
 * --timeout is moved on by the held time, so it is never a hang of
 * fzsandbox's making.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inject/clock_step.h"
#include "inject/delay_class.h"
#include "inject/inject_int.h"

#define DELAY_DEFAULT_NS 2000000000LL

/* The duration grammar is the clock step's (one grammar for durations in
 * --fault): "delay=2s" is read as the step "+2s". */
int delay_hold_parse(const char *s, struct fault *f)
{
	char step[80];

	memset(f, 0, sizeof(*f));
	f->type = FT_DELAY;
	if (strcmp(s, "delay") == 0)
		return 0;
	if (strncmp(s, "delay=", 6) != 0 || strchr(s, '@') || s[6] == '+' || s[6] == '-' ||
	    snprintf(step, sizeof(step), "step=+%s", s + 6) >= (int)sizeof(step) ||
	    clock_step_parse(step, f) < 0 || f->count <= 0 || f->count > DELAY_HOLD_MAX_NS) {
		memset(f, 0, sizeof(*f));
		return -EINVAL;
	}
	f->type = FT_DELAY;
	f->err = 0;
	return 0;
}

char *delay_hold_format(const struct fault *f, char *buf, int len)
{
	struct fault st = { .type = FT_STEP, .count = f->count };
	char step[80];

	if (!f->count) {
		snprintf(buf, len, "delay");
		return buf;
	}
	clock_step_format(&st, step, sizeof(step));	/* "step=+2s" */
	snprintf(buf, len, "delay=%s", step + 6);
	return buf;
}

int delay_hold(struct tracer_task *t, const struct fault *f)
{
	long long ns = f->count ? f->count : DELAY_DEFAULT_NS;

	/* At least 1 ms: the tick releases it on the next round anyway. */
	return tracer_hold_syscall(t, ns < 1000000 ? 1 : (long)(ns / 1000000));
}
