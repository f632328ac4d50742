/* options_jobs.c - -j N: how many runs at once, and the modes that
 * cannot run two at a time. */
#include "config.h"

#include <sched.h>
#include <stdio.h>

#include "cli/die.h"
#include "cli/options.h"

/* Hard cap: each worker holds a runner (~350 KiB), a jail and a tracer. */
#define JOBS_MAX 256

int options_parse_jobs(const char *arg)
{
	long n = options_parse_count("-j", arg, 0, JOBS_MAX);
	cpu_set_t set;

	if (n > 0)
		return (int)n;
	/* -j0: the CPUs this process may run on (taskset, a CI runner's
	 * cgroup cpuset), not every CPU of the machine. */
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (int)n;
}

void options_check_jobs(struct options *o)
{
	if (o->jobs <= 1)
		return;
	if (o->standalone || o->replay)
		die("-j: not with %s (one run)", o->standalone ? "--inject=none" : "--replay");
	if (o->crash_at)
		die("-j: --crash-at makes one run at a time yet");
	if (o->cpu >= 0)
		die("-j: --cpu=%d pins every run to one CPU: the runs could not go in parallel", o->cpu);
	/* A service on the host's network listens on the host's port: a
	 * second run at the same time could not bind it. In the jail each
	 * run has a network namespace of its own. */
	if (o->service && (!o->sandbox || o->net == SANDBOX_NET_HOST))
		die("-j: a service with %s listens on the host's port, which two runs at once "
		    "cannot both have (-j1, or keep the jail's own network)",
		    !o->sandbox ? "--no-sandbox" : "--net=host");
}
