/* ptrace_parent - escape attempt: trace the parent (outside a jail, the
 * tracer itself: fzsandbox). PTRACE_ATTACH, wait for its SIGSTOP (passing
 * on any other signal that stops it first, e.g. the tracer's 10 ms tick
 * signal), then detach so it goes on. Our own signals are blocked
 * meanwhile: the parent traces us, and a signal-delivery stop of ours
 * while it is stopped by us would stop both for good. Waits at most 2 s.
 * Prints "escaped ptrace PID" or "contained ptrace PID: error". */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) long attempt(pid_t pid)
{
	return ptrace(PTRACE_ATTACH, pid, 0, 0);
}

int main(void)
{
	pid_t pid = getppid();
	sigset_t all, old;
	int status, tries = 0;
	long r;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	r = attempt(pid);
	if (r < 0) {
		printf("contained ptrace %d: %s\n", (int)pid, strerror(errno));
		return 0;
	}
	while (tries++ < 2000) {
		pid_t w = waitpid(pid, &status, __WALL | WNOHANG);

		if (w == 0) {
			usleep(1000);
			continue;
		}
		if (w != pid || !WIFSTOPPED(status))
			break;
		if (WSTOPSIG(status) == SIGSTOP) {
			ptrace(PTRACE_DETACH, pid, 0, 0);
			break;
		}
		ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(status));
	}
	printf("escaped ptrace %d\n", (int)pid);
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}
