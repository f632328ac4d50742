/* rlimits.c - resource limits: RLIMIT_CORE 0 in the jail, and the
 * configurable ones (--rlimit-*, and the fallback for --memory-limit and
 * --pids-limit where no cgroup can be used).
 *
 * The plan is computed once per campaign in the parent
 * (sandbox_rlimits_plan: defaults, the caller's hard limits); the child
 * only calls setrlimit (sandbox_rlimits_apply, async-signal-safe). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>

#include "sandbox/sandbox_int.h"

/* No core files: a crashing target would write one into its working
 * directory, which is the caller's (bound read-write). The tracer sees
 * the crash directly and needs no core. */
int rlimits_apply(const struct sandbox *sb, struct sandbox_err *e)
{
	struct rlimit zero = { 0, 0 };

	(void)sb;
	if (setrlimit(RLIMIT_CORE, &zero) < 0)
		return sb_fail(e, SB_RLIMIT, "RLIMIT_CORE", errno);
	return 0;
}

static const struct {
	int resource;
	const char *name;
	/* In the jail when not given (0: the caller's own limit), as the
	 * soft limit only, as a host sets it up (soft 1024 open files under
	 * a hard limit of hundreds of thousands): the hard limit stays the
	 * caller's, so a daemon that raises its own limit at start (a
	 * server sizing for its connections, a mail server before
	 * setgroups) can, as outside; a program that does not is held at
	 * the default. A value given by an option is both limits: a cap.
	 * Outside the jail nothing is changed unless asked: RLIMIT_NPROC
	 * there counts every process of the caller's uid on the host. */
	rlim_t jail_default;
} table[SB_RLIM_N] = {
	[SB_RLIM_AS] = { RLIMIT_AS, "RLIMIT_AS", 0 },	/* ASan cannot start under one */
	/* The soft limit most programs are written for (select(2)); bounds the
	 * kernel memory a target can pin in open files. */
	[SB_RLIM_NOFILE] = { RLIMIT_NOFILE, "RLIMIT_NOFILE", 1024 },
	/* Counted per user namespace (Linux >= 5.14), so per jail: contains a
	 * fork bomb where no pids cgroup can be used. */
	[SB_RLIM_NPROC] = { RLIMIT_NPROC, "RLIMIT_NPROC", 512 },
	[SB_RLIM_CPU] = { RLIMIT_CPU, "RLIMIT_CPU", 0 },	/* --timeout bounds a run */
	/* No default: a program that writes big files legitimately would
	 * die of SIGXFSZ, a false finding. */
	[SB_RLIM_FSIZE] = { RLIMIT_FSIZE, "RLIMIT_FSIZE", 0 },
	[SB_RLIM_DATA] = { RLIMIT_DATA, "RLIMIT_DATA", 0 },	/* --memory-limit's fallback */
};

const char *sandbox_rlimit_name(int which)
{
	return which >= 0 && which < SB_RLIM_N ? table[which].name : "RLIMIT_?";
}

int sandbox_rlimits_plan(const struct sandbox_limits *l, bool jail, struct sandbox_rlimits *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < SB_RLIM_N; i++) {
		unsigned long long v = l->rlim[i];
		bool soft_only = false;
		struct rlimit cur;

		if (!v && jail) {
			v = table[i].jail_default;
			soft_only = true;
		}
		if (!v)
			continue;
		if (getrlimit(table[i].resource, &cur) < 0)
			return -errno;
		/* Never above the caller's hard limit: only lower. */
		if (v == SANDBOX_UNLIMITED || v > cur.rlim_max)
			v = cur.rlim_max;
		p->r[p->n].resource = table[i].resource;
		p->r[p->n].name = table[i].name;
		p->r[p->n].lim.rlim_cur = v;
		p->r[p->n].lim.rlim_max = soft_only ? cur.rlim_max : v;
		/* SIGXCPU at the soft limit, SIGKILL a second later (at an equal
		 * hard limit SIGKILL would come first). */
		if (table[i].resource == RLIMIT_CPU && v < cur.rlim_max)
			p->r[p->n].lim.rlim_max = v + 1;
		p->n++;
	}
	return 0;
}

int sandbox_rlimits_apply(const struct sandbox_rlimits *p, struct sandbox_err *e)
{
	for (int i = 0; p && i < p->n; i++)
		if (setrlimit(p->r[i].resource, &p->r[i].lim) < 0)
			return sb_fail(e, SB_RLIMIT, p->r[i].name, errno);
	return 0;
}
