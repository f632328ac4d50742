/* slowdown.c - --slowdown: a faulted run that exited 0 measured against
 * the runs without faults. CPU time is the traced tree's user + system time; calls
 * are the seccomp stops of the syscalls the run traced, against the
 * recording run's stops of the same syscalls (it traces them all). A
 * slowdown must pass the factor and clearly exceed the clean runs'
 * spread: tiny programs vary by milliseconds from run to run. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/slowdown.h"

/* Below these a slowdown is noise, whatever the ratio: 50 ms more CPU
 * (and four times the clean runs' spread), 1000 more calls. */
#define SLOW_MIN_EXTRA_CPU_US 50000
#define SLOW_MIN_EXTRA_CALLS 1000
/* A clean run's CPU time is at least this much, for the ratio. */
#define SLOW_CPU_FLOOR_US 1000

void slowdown_init(struct slowdown *s, double factor)
{
	memset(s, 0, sizeof(*s));
	s->factor = factor;
}

void slowdown_sample(struct slowdown *s, const struct run_result *res, bool record,
		     int64_t cpu_us, int64_t wall_us)
{
	if (!s->factor || res->end != RUN_EXITED || cpu_us < 0)
		return;
	if (record) {
		memcpy(s->calls, res->syscalls, sizeof(s->calls));
		s->calls_set = true;
	}
	if (s->nsamples++ == 0) {
		s->cpu_min = s->cpu_max = cpu_us;
		s->wall_min = s->wall_max = wall_us;
		return;
	}
	s->cpu_min = cpu_us < s->cpu_min ? cpu_us : s->cpu_min;
	s->cpu_max = cpu_us > s->cpu_max ? cpu_us : s->cpu_max;
	s->wall_min = wall_us < s->wall_min ? wall_us : s->wall_min;
	s->wall_max = wall_us > s->wall_max ? wall_us : s->wall_max;
}

static bool in_set(const uint8_t *set, int nr)
{
	return (set[nr / 8] >> (nr % 8)) & 1;
}

int slowdown_judge(const struct slowdown *s, const struct run_result *res,
		   const uint8_t run_set[SYSCALL_MAX / 8], int64_t cpu_us, int64_t wall_us,
		   struct run_finding *f)
{
	struct finding_slowdown *v = &f->slow;
	int64_t base, spread, extra;
	uint64_t calls = 0, clean_calls = 0;
	double cpu_ratio, calls_ratio = 0;
	bool by_cpu, by_calls = false;

	/* Exit 0 only: the program said it was served, and the cost is
	 * hidden from its caller. A failure that is slow to die (a sanitizer
	 * runtime's report after its mmap failed) shows in the outcome
	 * table's times, not as a finding. */
	if (!s->factor || !s->nsamples || res->end != RUN_EXITED || res->exit_status != 0 ||
	    cpu_us < 0)
		return 0;
	base = s->cpu_max > SLOW_CPU_FLOOR_US ? s->cpu_max : SLOW_CPU_FLOOR_US;
	spread = s->cpu_max - s->cpu_min;
	extra = 4 * spread > SLOW_MIN_EXTRA_CPU_US ? 4 * spread : SLOW_MIN_EXTRA_CPU_US;
	cpu_ratio = (double)cpu_us / base;
	by_cpu = cpu_ratio >= s->factor && cpu_us - s->cpu_max >= extra;
	for (int nr = 0; s->calls_set && nr < SYSCALL_MAX; nr++) {
		if (!in_set(run_set, nr))
			continue;
		calls += res->syscalls[nr];
		clean_calls += s->calls[nr];
	}
	if (s->calls_set && calls) {
		calls_ratio = (double)calls / (clean_calls ? clean_calls : 1);
		by_calls = calls_ratio >= s->factor && calls >= clean_calls + SLOW_MIN_EXTRA_CALLS;
	}
	if (!by_cpu && !by_calls)
		return 0;
	f->kind = FIND_SLOWDOWN;
	f->exit_status = res->exit_status;
	*v = (struct finding_slowdown){
		.ratio = by_cpu && (!by_calls || cpu_ratio >= calls_ratio) ? cpu_ratio : calls_ratio,
		.factor = s->factor, .cpu_us = cpu_us, .clean_cpu_us = s->cpu_max,
		.clean_cpu_min_us = s->cpu_min, .wall_us = wall_us, .clean_wall_us = s->wall_max,
		.calls = calls, .clean_calls = clean_calls, .samples = s->nsamples,
	};
	snprintf(v->measure, sizeof(v->measure), "%s",
		 v->ratio == cpu_ratio && by_cpu ? "cpu" : "syscalls");
	snprintf(f->detail, sizeof(f->detail),
		 "%.1fx the runs without faults: CPU %.1f ms (clean %.1f-%.1f ms over %d runs), "
		 "%llu traced calls (clean %llu), wall %.1f ms (clean %.1f ms)", v->ratio,
		 cpu_us / 1000.0, s->cpu_min / 1000.0, s->cpu_max / 1000.0, s->nsamples,
		 (unsigned long long)calls, (unsigned long long)clean_calls, wall_us / 1000.0,
		 s->wall_max / 1000.0);
	return 1;
}
