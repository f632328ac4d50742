/* runner_usage.c - the CPU time and peak RSS of the runs' processes (the
 * target tree), not fzsandbox's own: what --fuzz's status and
 * fuzzer_stats show. */
#include "config.h"

#include <sys/resource.h>

#include "cli/runner.h"
#include "sandbox/sandbox.h"

static void reaped(const struct runner *rn, uint64_t *cpu_us, uint64_t *maxrss_kb)
{
	struct sandbox_usage su;
	struct rusage ru;

	/* The jail's init reaps the whole tree (sandbox/usage.c). */
	if (rn->sb) {
		sandbox_usage(rn->sb, &su);
		*cpu_us = su.cpu_us;
		*maxrss_kb = su.maxrss_kb;
		return;
	}
	/* Without it the program is our child (a snapshot's too:
	 * CLONE_PARENT), reaped here, its own reaped children in its usage. */
	if (getrusage(RUSAGE_CHILDREN, &ru) < 0) {
		*cpu_us = *maxrss_kb = 0;
		return;
	}
	*cpu_us = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
		  (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	*maxrss_kb = (uint64_t)ru.ru_maxrss;
}

void runner_usage(const struct runner *rn, uint64_t *cpu_us, uint64_t *maxrss_kb)
{
	uint64_t live_cpu = 0, live_rss = 0;

	reaped(rn, cpu_us, maxrss_kb);
	/* A process put back in place lives on; once it dies its time is
	 * in the reaped sum instead. */
	if (rn->ts)
		tracer_session_live_usage(rn->ts, &live_cpu, &live_rss);
	*cpu_us += live_cpu;
	if (live_rss > *maxrss_kb)
		*maxrss_kb = live_rss;
}
