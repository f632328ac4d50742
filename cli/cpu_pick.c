/* cpu_pick.c - --fuzz's CPU when --cpu is not given: one no other
 * process is bound to, as afl-fuzz picks its own (bind_to_free_cpu): a
 * process whose allowed set is that one CPU alone (another fuzzer, a
 * pinned job) has it. Tracer and target on one CPU make a ptrace stop a
 * switch on that CPU, not a wake-up across CPUs (docs/performance.md#fuzzloop). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cpu_pick.h"

/* The one CPU of a process's Cpus_allowed_list, or -1 when it has more.
 * Kernel threads (per-CPU ones are bound) have no VmSize: not counted,
 * as afl-fuzz does not. */
static int bound_to(const char *pid)
{
	char path[300], line[256];
	bool user = false;
	int cpu = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + strlen("Cpus_allowed_list:"), *end;

		if (!strncmp(line, "VmSize:", strlen("VmSize:")))
			user = true;
		if (strncmp(line, "Cpus_allowed_list:", strlen("Cpus_allowed_list:")) != 0)
			continue;
		cpu = (int)strtol(v, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end == v || (*end != '\n' && *end != 0))
			cpu = -1;	/* a range or a list */
		break;	/* VmSize comes before it */
	}
	fclose(f);
	return user ? cpu : -1;
}

int cpu_pick_free(void)
{
	cpu_set_t ours;
	char self[32];
	struct dirent *d;
	DIR *dp;
	int n;

	if (sched_getaffinity(0, sizeof(ours), &ours) < 0 || !(dp = opendir("/proc")))
		return -1;
	snprintf(self, sizeof(self), "%d", (int)getpid());
	while ((d = readdir(dp))) {
		int cpu;

		if (!isdigit((unsigned char)d->d_name[0]) || !strcmp(d->d_name, self))
			continue;
		if ((cpu = bound_to(d->d_name)) >= 0 && cpu < CPU_SETSIZE)
			CPU_CLR(cpu, &ours);	/* taken */
	}
	closedir(dp);
	n = (int)sysconf(_SC_NPROCESSORS_CONF);
	for (int cpu = 0; cpu < n && cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &ours))
			return cpu;
	return -1;
}
