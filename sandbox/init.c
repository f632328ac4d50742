/* init.c - the jail's pid 1. A pid-namespace init ignores every signal it
 * has no handler for (SIGSTOP, kill(getpid(), SIGSEGV), abort()), so the
 * target must not be pid 1: this tiny init forks it and reaps. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sandbox/sandbox_int.h"

int sandbox_init(const struct sandbox *sb, pid_t target)
{
	struct sandbox_err ignored;
	sigset_t chld;
	int status, code = 127;
	uint64_t cpu_us = 0;

	/* The init runs only this loop: nothing left for it to need. Not
	 * dumpable, so the target (same uid) cannot ptrace or
	 * process_vm_writev it. Best effort: the target is already running. */
	caps_clear(sb, &ignored);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* SIGCHLD blocked: waitpid needs no delivery, and a delivered one
	 * would be a signal-delivery stop for the tracer (a round trip per
	 * child that ends, a millisecond of a one-shot run on a slow VM).
	 * The launcher blocked it already, before the target's clone. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	/* Orphans of the target are reparented here; the run ends when the
	 * last one is gone (the tracer kills leftovers after --grace). */
	for (;;) {
		pid_t p = waitpid(-1, &status, __WALL);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ECHILD */
		}
		sandbox_usage_note(sb, &cpu_us);
		if (p != target)
			continue;
		if (WIFEXITED(status))
			code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			code = 128 + WTERMSIG(status);
	}
	return code;
}
