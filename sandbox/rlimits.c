/* rlimits.c - resource limits that are safe for every target. The
 * configurable ones (--rlimit-*, cgroups) come later (issue 5). */
#include "config.h"

#include <errno.h>
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
