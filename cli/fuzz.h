/* fuzz.h - --fuzz --corpus=DIR: the corpus in, AFL++'s output layout out
 * (queue/, crashes/, hangs/, fuzzer_stats, plot_data under --out). The
 * loop itself is the campaign's; the scheduler is inject/sched.h's. */
#ifndef FZ_FUZZ_H
#define FZ_FUZZ_H

#include <stdbool.h>

#include "cli/options.h"
#include "inject/sched.h"
#include "reporters/report.h"

/* Set, not empty: the fault pool does not grow from fuzz runs' error
 * paths (sched_fuzz_pairs): an ablation for tests, not an option. */
#define FUZZ_NO_PAIRS_ENV "FZSANDBOX_FUZZ_NO_PAIRS"

struct fuzz;

/* Before runner_init, after --out is made: checks the options (exit 2
 * with one line), reads the corpus, makes OUT's AFL++ directories and
 * OUT/.cur_input, every run's input. Points o->stdin_path at it, or
 * returns in *run_argv the program's words with "@@" replaced by it (the
 * report keeps o->argv's "@@"); with snapshots and no --snapshot-at, the
 * point is then the program's first call naming it (file:PATH). */
struct fuzz *fuzz_open(struct options *o, char ***run_argv);
/* --dict=FILE (cli/fuzz_dict.c): AFL++'s dictionary format, a file or a
 * directory of token files, into s's tokens; die()s naming FILE:LINE. */
void fuzz_dict_load(struct scheduler *s, const char *spec);
/* --auto-dict (cli/fuzz_autodict.c): the printable strings (4 to 32
 * bytes, at most 128) of prog's .rodata into s's tokens; how many.
 * die()s when prog is not an ELF file it can read. */
int fuzz_autodict_load(struct scheduler *s, const char *prog);
/* --custom-mutator=SO (cli/fuzz_custom.c): AFL++'s custom mutator ABI,
 * dlopen()ed in this process; its hooks into s. die()s (one line) when SO
 * cannot be loaded, lacks afl_custom_init/afl_custom_deinit, or its init
 * fails. only: --custom-mutator-only. */
struct fuzz_cm;
struct fuzz_cm *fuzz_custom_load(struct scheduler *s, const char *path, bool only, uint64_t seed);
/* afl_custom_deinit; NULL is fine. */
void fuzz_custom_unload(struct fuzz_cm *cm);
/* After runner_init: the engine whose recorded sites make the fault
 * schedules' pool (--fuzz-mutate=faults). */
void fuzz_bind(struct fuzz *fz, struct inject *inj);
/* The fuzz stage, with the corpus's files as its seeds. */
struct scheduler *fuzz_scheduler(struct fuzz *fz);
/* The input the next run reads (die()s when it cannot be written). */
void fuzz_feed(struct fuzz *fz, const uint8_t *data, size_t len);
const char *fuzz_input_path(const struct fuzz *fz);
/* After the clean run: are runs children of a template (fuzzer_stats'
 * target_mode), or did --snapshot=auto fall back to exec mode? */
void fuzz_set_forked(struct fuzz *fz, bool forked);
/* Snapshot runs so far begun in a process put back in place, in a fork;
 * why restores are off, or why the last process could not be put back. */
void fuzz_set_restores(struct fuzz *fz, long restored, long forked, const char *why);
/* After a fuzz run: its input into crashes/ or hangs/ when it was a new
 * finding (sig: the signal, 0 for none), new queue entries into queue/,
 * the stats every second. */
void fuzz_after(struct fuzz *fz, const struct run_request *req, const struct run_outcome *out,
		int sig, long execs, int findings);
/* A run's result taken in (cli/campaign.c): the faults it injected per
 * class (index as inject_class_name) and the kind (enum finding_kind) of
 * its finding when new, else -1; for the status. fz NULL: nothing. */
void fuzz_took(struct fuzz *fz, const unsigned *counts, int nclasses, int new_kind);
/* A run's target tree usage taken in (cli/campaign.c): its CPU time and
 * wall time (us), the peak RSS so far of the process that made it (KiB;
 * runner_usage). fz NULL: nothing. */
void fuzz_usage(struct fuzz *fz, uint64_t cpu_us, uint64_t maxrss_kb, int64_t wall_us);
/* --resume (cli/fuzz_resume.c): what the campaign being resumed left.
 * fuzz_resume_check: OUT holds a fuzz campaign of this command line
 * (fuzzer_stats' command_line), else exit 2 with one line; o->seed is
 * the campaign's when --seed is not given. fuzz_resume_load: queue/ (and
 * schedules/) into s, the loop's state put back when OUT/.fuzz_state is
 * of that queue (exact), fuzzer_stats' counters and the next ids into
 * *p. fuzz_resume_findings: OUT/report.json's findings kept in rep
 * (report_take_prior). fuzz_resume_mark: the loop's state now, after a
 * run taken in (at SIGINT the run under way is not); fuzz_resume_save:
 * the last one marked into OUT/.fuzz_state (at the end), *snap freed;
 * fuzz_resume_forget removes the file (a fresh campaign). */
struct fuzz_prior {
	long execs, cycles, cycles_wo_finds;	/* cycles: the loop's, put back */
	long long run_time;	/* seconds */
	long long last_find, last_crash, last_hang;
	int crashes, hangs;	/* the next ids in crashes/, hangs/ */
	int queue_next, id_skew;	/* queue/'s next id; it less the queue's length */
	int seeds;		/* corpus_count less corpus_found */
	bool exact;		/* the loop's state put back */
};
void fuzz_resume_check(struct options *o);
void fuzz_resume_load(struct options *o, struct scheduler *s, struct fuzz_prior *p);
void fuzz_resume_findings(const struct options *o, struct report *rep);
struct fuzz_snap;
void fuzz_resume_mark(struct fuzz_snap **snap, const struct scheduler *s);
void fuzz_resume_save(const struct options *o, struct fuzz_snap *snap);
void fuzz_resume_forget(const struct options *o);
/* Do queue entries carry fault schedules (schedules/)? With the schedule
 * dimension, and with --fuzz-faults: a random run's error path makes
 * pairs, whose entries keep their faults. */
static inline bool fuzz_schedules(const struct options *o)
{
	return (o->fuzz_mutate & FUZZ_MUTATE_FAULTS) || o->fuzz_faults > 0;
}
/* The last stats (and status); frees fz. */
void fuzz_close(struct fuzz *fz, long execs, int findings);

#endif
