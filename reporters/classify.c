#include "config.h"

/* classify.c - is a finished run a finding, and of which kind?
 *
 * The campaign (cli/runner.c) hands over what the run left as plain
 * fields (struct run_facts): how it ended, the stacks the tracer
 * collected, the first policy violation and the captured stderr, which
 * is scanned here for a sanitizer report. Precedence: a sanitizer report,
 * then a crash or hang, then a refused call, then --fail-on-exit.
 */

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "reporters/report_int.h"

static bool is_resource_signal(int sig)
{
	return sig == SIGKILL || sig == SIGXCPU || sig == SIGXFSZ;
}

/* A call the jail's policy refused is a finding when nothing worse
 * happened in the run: a crash, hang or sanitizer report takes precedence
 * (the refusal may be what led to it). */
static int violation_finding(const struct run_violation *v, struct run_finding *f)
{
	f->kind = FIND_VIOLATION;
	f->pid = v->pid;
	f->tid = v->tid;
	f->thread = v->thread;
	f->loader = false;
	snprintf(f->detail, sizeof(f->detail), "%s", v->line);
	f->stacks[0] = v->stack;
	f->nthreads = 1;
	return 1;
}

/* glibc aborts through __libc_fatal where it cannot go on and the program
 * has no say (pthread_exit failing to load libgcc_s, a TLS destructor that
 * cannot be registered): with a fault injected there, the abort is glibc's
 * policy, not the program's bug. Unprovoked, it still is a finding. */
static bool glibc_fatal_by_design(const struct run_facts *run, const struct run_finding *f)
{
	if (run->signal != SIGABRT || run->nfaults == 0 || f->nthreads == 0)
		return false;
	for (int i = 0; i < f->stacks[0].nframes; i++)
		if (strcmp(f->stacks[0].frames[i].function, "__libc_fatal") == 0)
			return true;
	return false;
}

static bool exit_differs(const struct run_facts *run)
{
	return run->check_exit && run->exit_status != run->baseline_exit;
}

int report_classify(const struct run_facts *run, struct run_finding *f)
{
	const struct run_violation *v = run->violation && run->violation->seen ? run->violation : NULL;
	struct thread_stack san;
	char kind[64];
	int s;

	/* Passthrough: stderr is not captured, so sanitizer reports are only
	 * seen by the user (the program's own exit status carries them). */
	/* Only a program that carries a sanitizer runtime can print a
	 * sanitizer report; anything else is text that looks like one. */
	s = !run->stderr_path || !run->sanitized ? 0 :
		sanitizer_scan(run->stderr_path, kind, sizeof(kind), &san);
	/* Most runs are not findings: decide before copying the stacks. */
	if (s != 1 && !v && (run->ending == ENDED_OTHER ||
			     (run->ending == ENDED_EXIT && !exit_differs(run))))
		return 0;
	*f = *run->collected;
	f->stdout_path = run->stdout_path;
	f->stderr_path = run->stderr_path;
	f->loader = run->in_loader;
	if (s == 1) {
		f->kind = FIND_SANITIZER;
		snprintf(f->sanitizer, sizeof(f->sanitizer), "%s", kind);
		snprintf(f->detail, sizeof(f->detail), "sanitizer report: %s", kind);
		/* The sanitizer's own stack is where the bug is. */
		memmove(&f->stacks[1], &f->stacks[0], sizeof(f->stacks[0]) * (FINDING_MAX_THREADS - 1));
		f->stacks[0] = san;
		if (f->nthreads < FINDING_MAX_THREADS)
			f->nthreads++;
		f->exit_status = run->exit_status;
		return 1;
	}
	switch (run->ending) {
	case ENDED_SIGNAL:
		if (glibc_fatal_by_design(run, f))
			return 0;
		f->kind = is_resource_signal(run->signal) ? FIND_RESOURCE : FIND_SIGNAL;
		f->signal = run->signal;
		f->pid = run->fault_pid;
		f->tid = run->fault_tid;
		f->thread = run->fault_ordinal;
		/* si_code <= 0: sent (kill, raise, abort), and the union holds
		 * the sender's pid and uid, not an address. */
		if (run->si_code <= 0)
			snprintf(f->detail, sizeof(f->detail), "%s (si_code %d, sent by pid %u)",
				 strsignal(run->signal), run->si_code,
				 (unsigned)(run->fault_addr & 0xffffffffu));
		else
			snprintf(f->detail, sizeof(f->detail), "%s (si_code %d, address %#" PRIx64 ")",
				 strsignal(run->signal), run->si_code, run->fault_addr);
		return 1;
	case ENDED_TIMEOUT:
		f->kind = FIND_HANG;
		snprintf(f->detail, sizeof(f->detail), "no progress within --timeout");
		return 1;
	case ENDED_EXIT:
		if (v)
			return violation_finding(v, f);
		if (exit_differs(run)) {
			f->kind = FIND_EXIT;
			f->exit_status = run->exit_status;
			snprintf(f->detail, sizeof(f->detail), "exit status %d (clean run: %d)",
				 run->exit_status, run->baseline_exit);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}
