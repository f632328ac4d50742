/* probe.c - can we trace at all here? Checked once before the first run so
 * the user gets one clear line instead of a failing run. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer_int.h"

int tracer_probe(const char **why)
{
	int status, r = 0;
	pid_t pid = fork();

	if (pid < 0) {
		*why = "cannot fork";
		return -errno;
	}
	if (pid == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_EXITKILL) < 0) {
		r = -errno;
		*why = r == -EPERM ? "ptrace is not permitted here (check kernel.yama.ptrace_scope, "
				     "seccomp or container policy)"
				   : "ptrace(PTRACE_SEIZE) failed";
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
	return r;
}
