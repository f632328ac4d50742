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

#include "tracer/insn_call.h"
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

int tracer_probe_decoder(const char **why)
{
	/* call .+0 (e8 00 00 00 00): one insn ending at start + 5. */
	static const uint8_t call[] = { 0xe8, 0, 0, 0, 0 };
	struct x86_call c;
	uint64_t at;
	int r = x86_find_call(call, sizeof(call), 0x1000, 0x1005, &at, &c);

	if (r < 0)
		*why = r == -ENOTSUP ? "libcapstone cannot be loaded (install libcapstone4)"
				     : "the x86 decoder does not decode a plain call";
	return r < 0 ? r : 0;
}
