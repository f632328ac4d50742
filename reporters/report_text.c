#include "config.h"

/* report_text.c - the human summary of findings. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reporters/report_int.h"

#define SHOW_FRAMES 8
#define SHOW_HANG_FRAMES 4
#define DIM "\033[2m"
#define NORMAL "\033[0m"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void print_frame(FILE *fp, int i, const struct frame *f, bool tty)
{
	const char *mod = f->module[0] ? base_name(f->module) : "??";

	fprintf(fp, "      %s#%d %s", f->system && tty ? DIM : "", i, f->function);
	if (f->file[0])
		fprintf(fp, " at %s:%d (%s)", f->file, f->line, mod);
	else if (f->symoff)
		/* No line information: where in the symbol, as gdb's "x/i". */
		fprintf(fp, "+0x%llx (%s+0x%llx)", (unsigned long long)f->symoff, mod,
			(unsigned long long)f->offset);
	else
		fprintf(fp, " (%s+0x%llx)", mod, (unsigned long long)f->offset);
	/* Marked as well as dimmed: logs and pipes lose the colour. An
	 * inlined function is a frame of its own, as in gdb's backtrace:
	 * the next frame is the function it was inlined into. */
	fprintf(fp, "%s%s%s\n", f->inlined ? " [inlined]" : "", f->system ? " [system]" : "",
		f->system && tty ? NORMAL : "");
}

/* Up to max frames, moved down so the top non-system frame (the one that
 * matters) is shown even under a deep libc abort path. */
static void print_frames(FILE *fp, const struct fthread *t, int max, bool tty)
{
	int top = frames_top(t->frames, t->nframes);
	int first = top >= max ? top - 2 : 0;
	int i;

	if (t->nframes == 0) {
		fprintf(fp, "      (no stack)\n");
		return;
	}
	if (first > 0)
		fprintf(fp, "      ... %d system frame%s\n", first, first == 1 ? "" : "s");
	for (i = first; i < t->nframes && i < first + max; i++)
		print_frame(fp, i, &t->frames[i], tty);
	if (i < t->nframes)
		fprintf(fp, "      ... %d more\n", t->nframes - i);
}

static void print_fault(FILE *fp, const struct report *r, const struct fault_rec *f, bool first)
{
	const struct site *s = f->site_id >= 0 && f->site_id < r->nsites ? &r->sites[f->site_id] : NULL;

	if (s && strcmp(s->key, f->site) != 0)
		s = NULL;

	fprintf(fp, "    %s %s %s", first ? "faults:" : "       ", f->call, f->fault);
	if (f->caller[0] && strcmp(f->caller, "??") != 0) {
		fprintf(fp, " at %s", f->caller);
		if (f->file[0])
			fprintf(fp, " (%s:%d)", base_name(f->file), f->line);
	} else if (f->site[0]) {
		fprintf(fp, " at %s", f->site);
	}
	/* A wrapper's call path: which caller of the wrapper it was. */
	for (int i = 0; s && i < s->npath; i++)
		fprintf(fp, " %s %s", i ? "<" : "via", s->path[i]);
	fprintf(fp, ", occurrence %d, thread %d\n", f->occurrence, f->thread);
	if (f->syscall[0])
		fprintf(fp, "             %s\n", f->syscall);
}

static void print_headline(FILE *fp, const struct finding *f)
{
	char sig[32];

	fprintf(fp, "%s #%d: ", f->counted ? "finding" : "deliberate abort", f->id);
	switch (f->kind) {
	case FIND_SIGNAL:
		fprintf(fp, "signal %s",
			report_signal_name(f->signal, sig, sizeof(sig)));
		break;
	case FIND_HANG:
		fprintf(fp, "hang (%d thread%s)", f->nthreads, f->nthreads == 1 ? "" : "s");
		break;
	case FIND_SANITIZER:
		fprintf(fp, "sanitizer %s", f->sanitizer[0] ? f->sanitizer : "report");
		break;
	case FIND_EXIT:
		fprintf(fp, "exit status %d", f->exit_status);
		break;
	case FIND_RESOURCE:
		fprintf(fp, "resource limit");
		if (f->signal > 0)
			fprintf(fp, " (%s)", report_signal_name(f->signal, sig, sizeof(sig)));
		break;
	case FIND_VIOLATION:
		fprintf(fp, "sandbox violation %.*s", (int)strcspn(f->detail, "("), f->detail);
		break;
	case FIND_STATE:
		fprintf(fp, "state corruption after %s %s", f->nfaults ? f->faults[0].call : "a run",
			f->nfaults ? f->faults[0].fault : "without faults");
		break;
	case FIND_SLOWDOWN:
		fprintf(fp, "slowdown %.1fx (%s) after %s %s", f->slow.ratio,
			strcmp(f->slow.measure, "cpu") == 0 ? "CPU time" : "traced calls",
			f->nfaults ? f->faults[0].call : "a run", f->nfaults ? f->faults[0].fault : "");
		break;
	case FIND_SILENT:
		fprintf(fp, "silent corruption (%s %s) after %s %s", f->out.file,
			strcmp(f->out.loss, "truncated") == 0 ? "cut short" :
			strcmp(f->out.loss, "lines") == 0 ? "lost lines" : f->out.loss,
			f->nfaults ? f->faults[0].call : "a run", f->nfaults ? f->faults[0].fault : "");
		break;
	case FIND_CRASH:
		fprintf(fp, "crash recovery failed (%s) after a kill at %s #%d on %s", f->crash.stage,
			f->crash.call, f->crash.occurrence, f->crash.file);
		break;
	case FIND_ABORT:
		if (f->signal > 0)
			fprintf(fp, "abort on out of memory (%s)",
				report_signal_name(f->signal, sig, sizeof(sig)));
		else
			fprintf(fp, "exit on out of memory (status %d)", f->exit_status);
		break;
	}
	/* An exit's stack was not taken: no thread to name. */
	if (f->kind != FIND_HANG && !(f->kind == FIND_ABORT && f->signal == 0))
		fprintf(fp, " in thread %d (tid %d)", f->thread, (int)f->tid);
	if (f->loader)
		fprintf(fp, " in the dynamic loader");
	fprintf(fp, ", %u run%s\n", f->hits, f->hits == 1 ? "" : "s");
}

static void print_one(const struct report *r, const struct finding *f, FILE *fp)
{
	bool tty = isatty(fileno(fp));
	int i;

	print_headline(fp, f);
	if (f->detail[0])
		fprintf(fp, "    %s\n", f->detail);
	if (f->note[0])
		fprintf(fp, "    note: %s\n", f->note);
	/* Against a service that never served, a finding may be its
	 * set-up failing (a log it cannot open), not a bug. */
	if (!report_clean_served(r))
		fprintf(fp, "    note: the run without faults did not serve (%d of %d requests "
			"replied)\n", r->svc_clean.replied, r->svc_clean.requests);
	if (f->kind == FIND_HANG) {
		for (i = 0; i < f->nthreads; i++) {
			fprintf(fp, "    thread %d (tid %d):\n", f->threads[i].thread,
				(int)f->threads[i].tid);
			print_frames(fp, &f->threads[i], SHOW_HANG_FRAMES, tty);
		}
	} else if (f->nthreads > 0) {
		if (f->kind == FIND_STATE || f->kind == FIND_SLOWDOWN || f->kind == FIND_SILENT)
			fprintf(fp, "    where the first fault was injected:\n");
		if (f->kind == FIND_CRASH)
			fprintf(fp, "    where the program was killed (durability point %d):\n",
				f->crash.point);
		print_frames(fp, &f->threads[0], SHOW_FRAMES, tty);
	}
	if (finding_hot(f) >= 0) {
		fprintf(fp, "    where it ran (%d of %d samples of its running threads, thread %d):\n",
			f->slow.hot_hits, f->slow.hot_samples, f->threads[finding_hot(f)].thread);
		print_frames(fp, &f->threads[finding_hot(f)], SHOW_FRAMES, tty);
	}
	for (i = 0; i < f->nfaults; i++)
		print_fault(fp, r, &f->faults[i], i == 0);
	if (f->nfaults == 0)
		fprintf(fp, "    faults: none (the unmodified run)\n");
	if (f->replay)
		fprintf(fp, "    replay: %s\n", f->replay);
}

/* "plan: 41 of 120 runs (alloc 20/80, io 21/40)" and the call paths: a
 * capped campaign says what it left out, findings or not. */
static void print_coverage(const struct report_coverage *c, FILE *fp)
{
	unsigned planned = 0, done = 0;
	const char *sep = " (";

	for (int i = 0; i < c->nclasses; i++) {
		planned += c->planned[i];
		done += c->done[i];
	}
	fprintf(fp, "plan: %u of %u run%s", done, planned, planned == 1 ? "" : "s");
	for (int i = 0; i < c->nclasses; i++) {
		if (!c->planned[i])
			continue;
		fprintf(fp, "%s%s %u/%u", sep, c->classes[i], c->done[i], c->planned[i]);
		sep = ", ";
	}
	fprintf(fp, "%s\n", *sep == ',' ? ")" : "");
	fprintf(fp, "call paths: %u in the clean run (%u past a wrapper), %u of %u planned tried",
		c->paths, c->paths_wrapped, c->paths_tried, c->paths_planned);
	if (c->paths_dropped)
		fprintf(fp, "; %lu occurrences on paths past the bound not planned",
			c->paths_dropped);
	fputc('\n', fp);
}

void report_print_finding(const struct report *r, int id, FILE *fp)
{
	for (int i = 0; r && fp && i < r->nfindings; i++)
		if (r->findings[i].id == id)
			print_one(r, &r->findings[i], fp);
}

void report_print_text(const struct report *r, FILE *fp)
{
	unsigned runs;
	int i, n;

	if (!r || !fp)
		return;
	runs = report_runs(r);
	n = report_nfindings(r);
	fprintf(fp, "%d finding%s (%u run%s)\n", n, n == 1 ? "" : "s", runs, runs == 1 ? "" : "s");
	if (r->coverage_set)
		print_coverage(&r->coverage, fp);
	/* --resume: the earlier campaign's are in report.json only. */
	if (report_prior_count(r, false))
		fprintf(fp, "(%d of them found before the campaign was resumed: see report.json)\n",
			report_prior_count(r, false));
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].counted)
			print_one(r, &r->findings[i], fp);
	/* The program's policy, not its bug: apart, after the bugs. */
	n = r->nfindings - (n - report_prior_count(r, false));
	if (n > 0)
		fprintf(fp, "%d deliberate abort%s (the program chose to die of an out-of-memory "
			"fault; not counted, --abort-is-finding counts them)\n", n, n == 1 ? "" : "s");
	for (i = 0; n > 0 && i < r->nfindings; i++)
		if (!r->findings[i].counted)
			print_one(r, &r->findings[i], fp);
	/* Last: the longest part, and `fzsandbox outcomes OUT` prints it again. */
	if (r->clean_set || r->noutcomes)
		report_print_outcomes(r->sites, r->nsites, r->outcomes, r->noutcomes,
				      r->clean_set ? &r->clean : NULL, fp);
}
