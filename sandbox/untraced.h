/* untraced.h - a command run in the jail without the tracer (--check's
 * checkers, cli/checker.c): the same launcher (sandbox_launcher: the
 * jail's namespaces and init, rlimits), the same deny policy compiled
 * into a filter of its own, and a wait bounded by a timeout. Nothing of
 * it stops, nothing of it is failed.
 *
 * The policy's rules are SECCOMP_RET_TRACE: with no tracer attached the
 * kernel fails such a call with ENOSYS without running it (seccomp(2),
 * docs/kernel-facts.md#trace-without-tracer), so the denied calls stay
 * denied.
 *
 * Library code: 0 or -errno, never exits.
 */
#ifndef FZ_SANDBOX_UNTRACED_H
#define FZ_SANDBOX_UNTRACED_H

#include <stdbool.h>

#include "sandbox/sandbox.h"

struct sandbox_policy;

struct sandbox_cmd_opts {
	char *const *argv;	/* argv[0]: the program (the jail's exe) */
	char *const *envp;
	const char *cwd;	/* where it starts (in the jail: a jail path) */
	long timeout_ms;	/* > 0 */
	const struct sandbox_policy *policy;	/* NULL: no filter */
	/* Set by a signal handler of the caller: stop waiting, kill it. */
	volatile int *interrupted;
};

struct sandbox_cmd_result {
	bool exited;		/* status is its exit status */
	int status;		/* in the jail a signal N shows as 128+N (its init's) */
	int signal;		/* killed by it (without the jail), else 0 */
	bool timed_out;		/* killed at timeout_ms */
	bool interrupted;	/* killed on *interrupted */
	/* It could not start: the launcher's step (enum sandbox_step) or 0,
	 * the errno, the path; exec_failed: execve itself (errno). */
	bool setup_failed, exec_failed;
	int step, err;
	char path[SANDBOX_PATH_MAX];
};

struct sandbox_cmd;

/* Everything that allocates, once (the filter is compiled here): the
 * launch and the options must outlive the command. */
int sandbox_cmd_new(const struct sandbox_launch *l, const struct sandbox_cmd_opts *o,
		    struct sandbox_cmd **out);
void sandbox_cmd_free(struct sandbox_cmd *c);
/* One run, its stdout and stderr on these descriptors. 0 and *res, or
 * -errno when fzsandbox itself failed (pipes, clone, wait). */
int sandbox_cmd_run(struct sandbox_cmd *c, int out_fd, int err_fd, struct sandbox_cmd_result *res);

#endif
