/* fuzz.c - --fuzz's input and output: the corpus read once, each run's
 * input written to OUT/.cur_input (rewritten in place, so a snapshot
 * template's stdin, opened once, reads each run's bytes from offset 0;
 * with '@@' the template is parked before the program names the file),
 * and the AFL++ layout afl-whatsup and afl-plot read. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/fuzz.h"
#include "cli/fuzz_status.h"
#include "inject/fuzz_calib.h"
#include "inject/mutate.h"
#include "util/util.h"

struct fuzz {
	const struct options *o;
	struct scheduler *sched;	/* the fuzz stage (the sequencer owns it) */
	struct fuzz_cm *cm;	/* --custom-mutator, else NULL */
	char cur[PATH_MAX];
	int cur_fd;		/* cur, open: rewritten in place (fs_rewrite) */
	char at_spec[PATH_MAX + 8];	/* '@@' with snapshots: file:CUR */
	bool forked;			/* fuzzer_stats' target_mode */
	long restored, fresh;		/* runs begun put back in place, forked */
	char restore_why[256];		/* why restores are off, or the last failed */
	int nseeds;
	int written;		/* queue entries in queue/ */
	int crashes, hangs;
	long long start_ms, last_stats_ms, last_plot_ms;
	time_t start, last_find, last_crash, last_hang;
	long long last_find_execs;
	long cycles_wo_finds, last_cycle;
	/* The target tree (fuzz_usage): CPU time, largest peak RSS; the
	 * slowest run; the runs at the last crash. */
	uint64_t cpu_us, maxrss_kb;
	int64_t slowest_us;
	long crash_execs;
	/* The status (cli/fuzz_status.h): a screen on a terminal, else a line
	 * every STATUS_LINE_MS and at each new finding; off with -q. */
	bool status, status_tty;
	int status_lines;
	long long status_ms;
	struct fuzz_view view;
	struct fuzz_prior prior;	/* --resume: what the earlier campaign left */
	struct fuzz_snap *snap;	/* the loop's state after the last run taken in */
};

#define STATUS_LINE_MS 10000

static void write_file(const char *path, const uint8_t *data, size_t len)
{
	int e = fs_write_file(path, data, len, 0644);

	if (e < 0)
		die_errno(e, "--fuzz: cannot write '%s'", path);
}

/* OUT/NAME made, and emptied of an earlier campaign's files. */
static void fresh_dir(const char *out, const char *name)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", out, name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die_errno(-errno, "--fuzz: cannot make '%s'", path);
	if (!(dir = opendir(path)))
		die_errno(-errno, "--fuzz: cannot read '%s'", path);
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.' && unlinkat(dirfd(dir), d->d_name, 0) < 0)
			die_errno(-errno, "--fuzz: cannot empty '%s'", path);
	closedir(dir);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every regular file of DIR, in name order (the same corpus and --seed
 * give the same runs), as seeds; queue/'s first entries. */
static void read_corpus(struct fuzz *fz, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);
	static uint8_t buf[MUTATE_MAX_LEN];

	if (n < 0)
		die_errno(-errno, "--corpus: cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], qpath[PATH_MAX];
		struct stat st;
		ssize_t len;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] == '.' || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(names[i]);
			continue;
		}
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    (len = read(fd, buf, sizeof(buf))) < 0)
			die_errno(-errno, "--corpus: cannot read '%s'", path);
		close(fd);
		/* As AFL++ refuses a seed over its bound, but a cut seed
		 * still starts somewhere: say so once. */
		if (st.st_size > MUTATE_MAX_LEN)
			fprintf(stderr, "fzsandbox: note: --corpus: '%s' is %lld bytes: only its first %d are used\n",
				path, (long long)st.st_size, MUTATE_MAX_LEN);
		if (sched_fuzz_add(fz->sched, buf, len) < 0)
			die("out of memory");
		snprintf(qpath, sizeof(qpath), "%s/queue/id:%06d,time:0,execs:0,orig:%.200s",
			 fz->o->out_dir, fz->nseeds++, names[i]->d_name);
		write_file(qpath, buf, len);
		free(names[i]);
	}
	free(names);
	if (fz->nseeds == 0)
		die("--corpus: no input files in '%s' (AFL++ needs at least one too: an empty file will do)",
		    dir);
	fz->written = fz->nseeds;
}

static void check_options(const struct options *o, bool at_at)
{
	if (!o->corpus && !o->resume)
		die("--fuzz needs --corpus=DIR (the seed inputs)");
	if (o->stdin_path)
		die("--fuzz feeds each run its input on stdin or as '@@': not with --stdin");
	/* A service's input is its one request (docs/fuzzing.md, "Services"). */
	if (o->service && (o->nrequests || at_at))
		die("--fuzz: with a service each run's input is its one request: not with %s "
		    "(--service --fuzz)", o->nrequests ? "--request" : "'@@'");
	if (o->nfaults || o->random || o->workdir || o->nchecks || o->shard_n)
		die("--fuzz: not with %s yet", o->nfaults ? "--fault" :
		    o->random ? "--random (--fuzz-faults=P makes each run a random one)" :
		    o->workdir ? "--workdir" : o->nchecks ? "--check" : "--shard");
	if (!o->budget_ms && !o->max_runs)
		die("--fuzz needs --budget=DURATION or --max-runs=N: the loop has no end of its own");
}

struct fuzz *fuzz_open(struct options *o, char ***run_argv)
{
	struct fuzz *fz;
	char **argv;
	int n = 0, e;
	bool at_at = false;

	/* Bad options first: nothing allocated yet when one dies. */
	for (n = 0; o->argv[n]; n++)
		at_at |= strcmp(o->argv[n], "@@") == 0;
	check_options(o, at_at);
	if (o->resume)
		fuzz_resume_check(o);
	if (!(fz = calloc(1, sizeof(*fz))))
		die("out of memory");
	fz->o = o;
	fz->cur_fd = -1;
	fz->start = time(NULL);
	fz->start_ms = mono_ms();
	fz->status = !o->quiet;
	fz->status_tty = isatty(2);
	fz->status_ms = fz->start_ms;
	fz->view.last_new_ms = fz->view.last_find_ms = -1;
	if (snprintf(fz->cur, sizeof(fz->cur), "%s/.cur_input", o->out_dir) >= (int)sizeof(fz->cur))
		die("--out: path too long");
	/* Absolute: the jail and the run's directory differ from ours. */
	write_file(fz->cur, (const uint8_t *)"", 0);
	{
		char *abs = realpath(fz->cur, NULL);

		if (!abs)
			die_errno(-errno, "--fuzz: cannot resolve '%s'", fz->cur);
		snprintf(fz->cur, sizeof(fz->cur), "%s", abs);
		free(abs);
	}
	/* '@@': the point is the program's first call naming the file. */
	if (at_at && o->snapshot && !o->snapshot_at) {
		snprintf(fz->at_spec, sizeof(fz->at_spec), "file:%s", fz->cur);
		o->snapshot_at = fz->at_spec;
	}
	fz->forked = o->snapshot != SNAPSHOT_OFF;
	if (!o->resume) {
		fresh_dir(o->out_dir, "queue");
		fresh_dir(o->out_dir, "crashes");
		fresh_dir(o->out_dir, "hangs");
		if (fuzz_schedules(o))
			fresh_dir(o->out_dir, "schedules");
		fuzz_resume_forget(o);
	}
	if ((e = sched_fuzz_new(o->seed, o->fuzz_faults, &fz->sched)) < 0)
		die_errno(e, "--fuzz");
	if (o->resume) {
		struct fuzz_prior *p = &fz->prior;

		fuzz_resume_load(o, fz->sched, p);
		fz->nseeds = p->seeds;
		fz->written = sched_fuzz_nqueue(fz->sched);
		fz->crashes = p->crashes;
		fz->hangs = p->hangs;
		fz->last_find = p->last_find;
		fz->last_crash = p->last_crash;
		fz->last_hang = p->last_hang;
		fz->cycles_wo_finds = p->cycles_wo_finds;
		fz->last_cycle = p->cycles;
	} else {
		read_corpus(fz, o->corpus);
	}
	for (int i = 0; i < o->ndicts; i++)
		fuzz_dict_load(fz->sched, o->dicts[i]);
	if (o->auto_dict) {
		int nt = fuzz_autodict_load(fz->sched, o->argv[0]);

		if (!o->quiet)
			fprintf(stderr, "fzsandbox: note: --auto-dict: %d token%s from %s's .rodata "
				"(%d in all)\n", nt, nt == 1 ? "" : "s", o->argv[0],
				sched_fuzz_ntokens(fz->sched));
	}
	if (o->custom_mutator)
		fz->cm = fuzz_custom_load(fz->sched, o->custom_mutator, o->custom_mutator_only,
					  o->seed);
	if (!(argv = calloc(n + 1, sizeof(*argv))))
		die("out of memory");
	for (int i = 0; i < n; i++)
		argv[i] = strcmp(o->argv[i], "@@") == 0 ? fz->cur : o->argv[i];
	*run_argv = argv;
	if (o->service) {
		/* "@@": the input, as in argv; the runner sends its file. */
		static char *request[] = { "@@", NULL };

		o->requests = request;
		o->nrequests = 1;
	} else if (!at_at)
		o->stdin_path = fz->cur;
	/* The clean run reads the first seed. */
	{
		struct fuzz_entry_info in;

		sched_fuzz_entry(fz->sched, 0, &in);
		fuzz_feed(fz, in.data, in.len);
	}
	fuzz_resume_mark(&fz->snap, fz->sched);
	return fz;
}

void fuzz_bind(struct fuzz *fz, struct inject *inj)
{
	const struct options *o = fz->o;
	const char *no_pairs = getenv(FUZZ_NO_PAIRS_ENV);

	sched_fuzz_faults(fz->sched, o->fuzz_mutate ? o->fuzz_mutate : FUZZ_MUTATE_INPUT, inj,
			  o->exclude);
	/* An ablation switch for tests (docs/fuzzing.md), not an option. */
	sched_fuzz_pairs(fz->sched, !no_pairs || !no_pairs[0]);
}

struct scheduler *fuzz_scheduler(struct fuzz *fz)
{
	return fz->sched;
}

void fuzz_feed(struct fuzz *fz, const uint8_t *data, size_t len)
{
	int e = fs_rewrite(&fz->cur_fd, fz->cur, data, len);

	if (e < 0)
		die_errno(e, "--fuzz: cannot write '%s'", fz->cur);
}

void fuzz_set_forked(struct fuzz *fz, bool forked)
{
	fz->forked = forked;
}

void fuzz_set_restores(struct fuzz *fz, long restored, long forked, const char *why)
{
	fz->restored = restored;
	fz->fresh = forked;
	snprintf(fz->restore_why, sizeof(fz->restore_why), "%s", why);
}

const char *fuzz_input_path(const struct fuzz *fz)
{
	return fz->cur;
}

/* AFL++'s fuzzer_stats: "name<pad>: value", the names afl-whatsup
 * reads, and AFL 2's (paths_total, unique_crashes...) for older tools. */
static void write_stats(struct fuzz *fz, long execs, int findings)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct fuzz_stats st;
	time_t now = time(NULL);
	double secs = (mono_ms() - fz->start_ms) / 1000.0;
	int nq = sched_fuzz_nqueue(fz->sched);
	FILE *fp;

	sched_fuzz_stats(fz->sched, &st);
	snprintf(path, sizeof(path), "%s/fuzzer_stats", fz->o->out_dir);
	snprintf(tmp, sizeof(tmp), "%s/.fuzzer_stats.tmp", fz->o->out_dir);
	if (!(fp = fopen(tmp, "w")))
		die_errno(-errno, "--fuzz: cannot write '%s'", tmp);
#define S(k, fmt, ...) fprintf(fp, "%-17s : " fmt "\n", k, __VA_ARGS__)
	S("start_time", "%lld", (long long)fz->start);
	S("last_update", "%lld", (long long)now);
	S("run_time", "%lld", (long long)(now - fz->start) + fz->prior.run_time);
	S("fuzzer_pid", "%d", (int)getpid());
	S("cycles_done", "%ld", st.cycles);
	S("cycles_wo_finds", "%ld", fz->cycles_wo_finds);
	S("execs_done", "%ld", execs + fz->prior.execs);
	S("execs_per_sec", "%.2f", secs > 0 ? execs / secs : 0.0);
	S("corpus_count", "%d", nq);
	S("corpus_favored", "%d", nq);
	S("corpus_found", "%d", nq - fz->nseeds);
	S("corpus_imported", "%d", 0);
	S("cur_item", "%d", st.cur);
	S("corpus_variable", "%d", st.variable);
	/* Every entry is favoured: no culling of the queue yet. */
	S("pending_favs", "%d", st.pending);
	S("pending_total", "%d", st.pending);
	/* Stability and the edges are AFL++'s edge map's when runs bring
	 * one, else the shape's (calibration measures both). */
	S("stability", "%.2f%%", fuzz_stability(st.var_cells, st.stab_cells));
	S("var_byte_count", "%d", st.var_cells);
	if (st.edges_max) {
		st.cells = st.edges;
		st.cells_max = st.edges_max;
	}
	S("bitmap_cvg", "%.2f%%", st.cells * 100.0 / st.cells_max);
	S("edges_found", "%d", st.cells);
	S("total_edges", "%d", st.cells_max);
	S("saved_crashes", "%d", fz->crashes);
	S("saved_hangs", "%d", fz->hangs);
	S("paths_total", "%d", nq);
	S("unique_crashes", "%d", fz->crashes);
	S("unique_hangs", "%d", fz->hangs);
	S("last_find", "%lld", (long long)fz->last_find);
	S("last_crash", "%lld", (long long)fz->last_crash);
	S("last_hang", "%lld", (long long)fz->last_hang);
	S("execs_since_crash", "%ld", execs - fz->crash_execs);
	S("exec_timeout", "%ld", fz->o->timeout_ms);
	S("slowest_exec_ms", "%lld", (long long)(fz->slowest_us / 1000));
	/* The target tree's, not ours (AFL++'s is its children's too). */
	S("peak_rss_mb", "%llu", (unsigned long long)(fz->maxrss_kb >> 10));
	S("cpu_affinity", "%d", fz->o->cpu);	/* --cpu=N, else -1 as AFL++'s */
	S("fzsandbox_findings", "%d", findings);
	S("fzsandbox_cpu_ms", "%llu", (unsigned long long)(fz->cpu_us / 1000));
	S("fzsandbox_seed", "%llu", (unsigned long long)fz->o->seed);	/* for --resume */
	S("afl_banner", "%s", fz->o->argv[0]);
	S("afl_version", "fzsandbox-%s", PACKAGE_VERSION);
	S("target_mode", "%s", fz->forked ? "fork snapshot" : "exec");
	/* How the snapshot runs began: known of one worker only (-j N's
	 * sessions are the workers'). */
	if (fz->o->jobs <= 1) {
		S("fzsandbox_restored_runs", "%ld", fz->restored);
		S("fzsandbox_forked_runs", "%ld", fz->fresh);
		if (fz->restore_why[0])
			S("fzsandbox_restore_note", "%s", fz->restore_why);
	}
	fprintf(fp, "%-17s :", "command_line");
	for (int i = 0; fz->o->argv[i]; i++)
		fprintf(fp, " %s", fz->o->argv[i]);
	fputc('\n', fp);
#undef S
	if (fclose(fp) != 0 || rename(tmp, path) < 0)
		die_errno(-errno, "--fuzz: cannot write '%s'", path);
	/* plot_data: a line every 5 s and at the end, as afl-plot reads it. */
	snprintf(path, sizeof(path), "%s/plot_data", fz->o->out_dir);
	if (!(fp = fopen(path, "a")))
		die_errno(-errno, "--fuzz: cannot write '%s'", path);
	if (ftell(fp) == 0)
		fprintf(fp, "# relative_time, cycles_done, cur_item, corpus_count, pending_total, "
			"pending_favs, map_size, saved_crashes, saved_hangs, max_depth, execs_per_sec, "
			"total_execs, edges_found\n");
	if (fz->last_plot_ms == 0 || mono_ms() - fz->last_plot_ms >= 5000 || execs < 0) {
		fprintf(fp, "%lld, %ld, %d, %d, 0, 0, %.2f%%, %d, %d, 1, %.2f, %ld, %d\n",
			(long long)(now - fz->start), st.cycles, st.cur, nq,
			st.cells * 100.0 / st.cells_max, fz->crashes, fz->hangs,
			secs > 0 ? execs / secs : 0.0, execs + fz->prior.execs, st.cells);
		fz->last_plot_ms = mono_ms();
	}
	fclose(fp);
	fz->last_stats_ms = mono_ms();
}

/* schedules/id:NNNNNN: queue/id:NNNNNN's fault schedule, a fault a line.
 * Beside queue/, not in it: afl-cmin takes every file under queue/, dot
 * directories included. */
static void write_schedule(struct fuzz *fz, int id, const struct fuzz_entry_info *in)
{
	char path[PATH_MAX], fault[64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/schedules/id:%06d", fz->o->out_dir, id);
	if (!(fp = fopen(path, "w")))
		die_errno(-errno, "--fuzz: cannot write '%s'", path);
	for (int i = 0; i < in->nfaults; i++) {
		const struct plan_fault *pf = &in->faults[i];

		fprintf(fp, "%s:%s site=%s occurrence=%d thread=%d\n", pf->call,
			fault_format(&pf->fault, fault, sizeof(fault)), pf->site[0] ? pf->site : "any",
			pf->occurrence, pf->thread);
	}
	if (fclose(fp) != 0)
		die_errno(-errno, "--fuzz: cannot write '%s'", path);
}

void fuzz_took(struct fuzz *fz, const unsigned *counts, int nclasses, int new_kind)
{
	struct fuzz_view *v;

	if (!fz)
		return;
	v = &fz->view;
	v->nclasses = nclasses < FUZZ_STATUS_CLASSES ? nclasses : FUZZ_STATUS_CLASSES;
	for (int i = 0; counts && i < v->nclasses; i++)
		v->faults[i] += counts[i];
	if (new_kind >= 0 && new_kind < FUZZ_STATUS_KINDS) {
		v->kinds[new_kind]++;
		v->last_find_ms = mono_ms() - fz->start_ms;
	}
}

void fuzz_usage(struct fuzz *fz, uint64_t cpu_us, uint64_t maxrss_kb, int64_t wall_us)
{
	if (!fz)
		return;
	fz->cpu_us += cpu_us;
	if (maxrss_kb > fz->maxrss_kb)
		fz->maxrss_kb = maxrss_kb;
	if (wall_us > fz->slowest_us)
		fz->slowest_us = wall_us;
}

/* The status, when it is due: the screen every second, the line every
 * STATUS_LINE_MS or now (a new finding, the end). */
static void status(struct fuzz *fz, long execs, int findings, bool now)
{
	const struct options *o = fz->o;
	struct fuzz_view *v = &fz->view;
	long long t = mono_ms();
	struct fuzz_stats st;

	if (!fz->status || (t - fz->status_ms < (fz->status_tty ? 1000 : STATUS_LINE_MS) && !now))
		return;
	fz->status_ms = t;
	sched_fuzz_stats(fz->sched, &st);
	v->elapsed_ms = t - fz->start_ms;
	v->execs = execs;
	v->corpus = sched_fuzz_nqueue(fz->sched);
	v->seeds = fz->nseeds;
	v->cycles = st.cycles;
	v->cur = st.cur;
	v->cells = st.cells;
	v->cells_max = st.cells_max;
	v->edges = st.edges;
	v->edges_max = st.edges_max;
	v->var_cells = st.var_cells;
	v->variable = st.variable;
	v->stab_cells = st.stab_cells;
	v->stab_edges = st.stab_edges;
	v->stability = fuzz_stability(st.var_cells, st.stab_cells);
	v->cpu_pct = v->elapsed_ms > 0 ? fz->cpu_us / 10.0 / v->elapsed_ms : 0.0;
	v->rss_kb = fz->maxrss_kb;
	v->findings = findings;
	v->left_ms = o->budget_ms ? (o->budget_ms > v->elapsed_ms ? o->budget_ms - v->elapsed_ms : 0)
				  : -1;
	v->runs_left = o->max_runs ? (o->max_runs > execs ? o->max_runs - execs : 0) : -1;
	v->prog = o->argv[0];
	if (fz->status_tty)
		fz->status_lines = fuzz_status_screen(stderr, v, fz->status_lines);
	else
		fuzz_status_line(stderr, v);
}

void fuzz_after(struct fuzz *fz, const struct run_request *req, const struct run_outcome *out,
		int sig, long execs, int findings)
{
	char path[PATH_MAX];
	int nq = sched_fuzz_nqueue(fz->sched);
	const uint8_t *input = req->input;
	size_t len = req->input_len;
	struct fuzz_entry_info first;
	struct fuzz_stats st;

	/* A run given no input is the run without faults: it read the first
	 * seed (fuzz_open wrote it), and a seed that crashes or hangs there
	 * is kept as any other. */
	if (!input && out->new_finding && sched_fuzz_entry(fz->sched, 0, &first) == 0) {
		input = first.data;
		len = first.len;
	}
	if (input && out->new_finding) {
		bool hang = out->hang;
		int *count = hang ? &fz->hangs : &fz->crashes;

		snprintf(path, sizeof(path), "%s/%s/id:%06d,sig:%02d,src:%06ld,op:%s,finding:%d",
			 fz->o->out_dir, hang ? "hangs" : "crashes", *count, hang ? 9 : sig, req->tag,
			 req->stage ? req->stage : req->mode ? req->mode : "none", out->finding_id);
		write_file(path, input, len);
		(*count)++;
		*(hang ? &fz->last_hang : &fz->last_crash) = time(NULL);
		if (!hang)
			fz->crash_execs = execs;
	}
	for (; fz->written < nq; fz->written++) {
		struct fuzz_entry_info in;
		int id = fz->written + fz->prior.id_skew;

		sched_fuzz_entry(fz->sched, fz->written, &in);
		snprintf(path, sizeof(path), "%s/queue/id:%06d,src:%06d,time:%lld,execs:%ld,op:%s,+cov",
			 fz->o->out_dir, id, in.src, mono_ms() - fz->start_ms, execs + fz->prior.execs,
			 in.stage);
		write_file(path, in.data, in.len);
		if (in.nfaults)
			write_schedule(fz, id, &in);
		fz->last_find = time(NULL);
		fz->view.last_new_ms = mono_ms() - fz->start_ms;
		fz->cycles_wo_finds = 0;
	}
	sched_fuzz_stats(fz->sched, &st);
	if (st.cycles > fz->last_cycle) {
		fz->cycles_wo_finds += st.cycles - fz->last_cycle;
		fz->last_cycle = st.cycles;
	}
	fuzz_resume_mark(&fz->snap, fz->sched);
	if (mono_ms() - fz->last_stats_ms >= 1000)
		write_stats(fz, execs, findings);
	status(fz, execs, findings, req->input && out->new_finding && !fz->status_tty);
}

void fuzz_close(struct fuzz *fz, long execs, int findings)
{
	if (!fz)
		return;
	fz->last_plot_ms = 0;
	write_stats(fz, execs, findings);
	status(fz, execs, findings, true);
	fuzz_resume_save(fz->o, fz->snap);
	fuzz_custom_unload(fz->cm);
	if (fz->cur_fd >= 0)
		close(fz->cur_fd);
	free(fz);
}

unsigned options_fuzz_mutate(const char *arg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} dims[] = { { "input", FUZZ_MUTATE_INPUT }, { "faults", FUZZ_MUTATE_FAULTS } };
	unsigned m = 0;
	const char *p = arg;

	while (*p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
			if (strlen(dims[i].name) == n && strncmp(p, dims[i].name, n) == 0)
				break;
		if (i == sizeof(dims) / sizeof(dims[0]))
			die("--fuzz-mutate: unknown dimension '%.*s' in '%s' (input, faults)", (int)n, p,
			    arg);
		m |= dims[i].bit;
		p += n + (p[n] == ',');
	}
	if (!m)
		die("--fuzz-mutate: nothing to mutate in '%s' (input, faults)", arg);
	return m;
}

double options_fuzz_faults(const char *arg)
{
	char *end;
	double p;

	errno = 0;
	p = strtod(arg, &end);
	if (errno || end == arg || *end || !(p >= 0 && p <= 1))
		die("--fuzz-faults: bad probability '%s' (a number in [0, 1])", arg);
	return p;
}
