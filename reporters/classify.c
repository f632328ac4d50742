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

/* glibc's own checks end in abort too (heap corruption, a fortified
 * overflow, a smashed stack): a bug found, never the program's choice,
 * whatever frames are still live above them. */
static const char *const glibc_detectors[] = {
	"malloc_printerr", "__libc_message", "__fortify_fail", "__chk_fail", "__stack_chk_fail",
};

static bool glibc_detected(const struct thread_stack *s)
{
	for (int i = 0; i < s->nframes; i++)
		for (size_t k = 0; k < sizeof(glibc_detectors) / sizeof(glibc_detectors[0]); k++)
			if (strcmp(s->frames[i].function, glibc_detectors[k]) == 0)
				return true;
	return false;
}

/* glibc aborts through __libc_fatal where it cannot go on and the program
 * has no say (pthread_exit failing to load libgcc_s, a TLS destructor that
 * cannot be registered): with a fault injected there, the abort is glibc's
 * policy, not the program's bug. Unprovoked, it still is a finding. So is
 * one of glibc's checks (its debugging malloc, --malloc-check, reports
 * heap corruption through __libc_fatal): a bug found. */
static bool glibc_fatal_by_design(const struct run_facts *run, const struct run_finding *f)
{
	bool fatal = false;

	if (run->signal != SIGABRT || run->nfaults == 0 || f->nthreads == 0)
		return false;
	/* __libc_fatal always calls __libc_message: malloc_printerr alone
	 * tells the check apart. */
	for (int i = 0; i < f->stacks[0].nframes; i++) {
		if (strcmp(f->stacks[0].frames[i].function, "malloc_printerr") == 0)
			return false;
		fatal |= strcmp(f->stacks[0].frames[i].function, "__libc_fatal") == 0;
	}
	return fatal;
}

/* An abort with the out-of-memory fault's caller still running, not
 * through one of glibc's checks: the program's policy (xmalloc, assert,
 * bad_alloc). A SIGSEGV, or an abort after a crash the handler caught,
 * never is. */
static bool abort_deliberate(const struct run_facts *run, const struct run_finding *f)
{
	if (run->signal != SIGABRT || f->signal != SIGABRT || f->nthreads == 0)
		return false;
	if (!(run->first_signal ? run->first_deliberate : run->deliberate))
		return false;
	return !glibc_detected(&f->stacks[0]);
}

static void signal_detail(char *buf, size_t len, int sig, int si_code, uint64_t addr)
{
	/* si_code <= 0: sent (kill, raise, abort), and the union holds the
	 * sender's pid and uid, not an address. */
	if (si_code <= 0)
		snprintf(buf, len, "%s (si_code %d, sent by pid %u)", strsignal(sig), si_code,
			 (unsigned)(addr & 0xffffffffu));
	else
		snprintf(buf, len, "%s (si_code %d, address %#" PRIx64 ")", strsignal(sig), si_code,
			 addr);
}

/* Did the process die while still in (or returning from) the handler of
 * the first signal? Then the first fault's frames are the outer part of
 * the final stack, below the handler's (or all of it: a re-raise pending
 * until the handler returned is delivered right at the fault). A program
 * that recovered (siglongjmp) and died elsewhere later does not match. */
static bool within_first(const struct thread_stack *later, const struct thread_stack *first)
{
	if (first->nframes == 0)
		return false;
	for (int i = 0; i < later->nframes; i++) {
		int k = 0;

		while (k < first->nframes && i + k < later->nframes && k < 4 &&
		       later->frames[i + k].pc == first->frames[k].pc)
			k++;
		if (k > 0 && (k == 4 || k == first->nframes || i + k == later->nframes))
			return true;
	}
	return false;
}

/* The program's handler caught the first fatal signal and the process
 * then died of it: the finding is the first signal, where it was raised (the
 * handler's frames say nothing about the bug); how the handler ended is
 * a note. */
static void first_signal(const struct run_facts *run, struct run_finding *f)
{
	const struct thread_stack *later = f->nthreads ? &f->stacks[0] : NULL;
	int top = later ? frames_top(later->frames, later->nframes) : -1;
	char first[32], last[32];

	snprintf(f->note, sizeof(f->note),
		 "the program's %s handler ran; the process then died of %s (si_code %d)%s%s",
		 report_signal_name(run->first_signal, first, sizeof(first)),
		 report_signal_name(run->signal, last, sizeof(last)), run->si_code,
		 top >= 0 ? " in " : "", top >= 0 ? later->frames[top].function : "");
	f->signal = run->first_signal;
	f->pid = run->first_pid;
	f->tid = run->first_tid;
	f->thread = run->first_ordinal;
	signal_detail(f->detail, sizeof(f->detail), run->first_signal, run->first_si_code,
		      run->first_addr);
	f->stacks[0] = *run->first_stack;
	f->nthreads = f->nthreads ? f->nthreads : 1;
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
		signal_detail(f->detail, sizeof(f->detail), run->signal, run->si_code,
			      run->fault_addr);
		/* A handler on an alternate signal stack (Go's runtime)
		 * leaves nothing of the fault below it: a final stack of
		 * system frames only is still that handler's. */
		if (f->kind == FIND_SIGNAL && run->first_signal && run->first_stack &&
		    run->first_tid == run->fault_tid && f->nthreads &&
		    (within_first(&f->stacks[0], run->first_stack) ||
		     frames_top(f->stacks[0].frames, f->stacks[0].nframes) < 0))
			first_signal(run, f);
		if (abort_deliberate(run, f)) {
			f->kind = FIND_ABORT;
			snprintf(f->detail + strlen(f->detail), sizeof(f->detail) - strlen(f->detail),
				 ": the program chose to die of the out-of-memory fault (the function "
				 "that got it is still running)");
		}
		return 1;
	case ENDED_TIMEOUT:
		f->kind = FIND_HANG;
		snprintf(f->detail, sizeof(f->detail), "no progress within --timeout");
		return 1;
	case ENDED_EXIT:
		if (v)
			return violation_finding(v, f);
		if (exit_differs(run)) {
			bool chosen = run->deliberate_exit && run->deliberate_status == run->exit_status;

			f->kind = chosen ? FIND_ABORT : FIND_EXIT;
			f->exit_status = run->exit_status;
			snprintf(f->detail, sizeof(f->detail), "exit status %d (clean run: %d)%s",
				 run->exit_status, run->baseline_exit,
				 chosen ? ": the program chose to exit on the out-of-memory fault "
					  "(the function that got it is still running)" : "");
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}
