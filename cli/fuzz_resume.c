/* fuzz_resume.c - --fuzz --resume: go on with the campaign OUT holds, as
 * afl-fuzz -i - does: queue/ is the queue again (each entry with its
 * schedules/ file), crashes/, hangs/ and the findings are kept, and
 * fuzzer_stats' counters go on. When the campaign ended (its cap, its
 * budget, SIGINT, SIGTERM), OUT/.fuzz_state holds its loop's state
 * (inject/sched.h's sched_fuzz_save), so the resumed loop makes the runs
 * it would have made next; without it (kill -9), every queue entry is run
 * as it is first, as AFL++ does. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/fuzz.h"
#include "inject/fuzz_faults.h"
#include "util/util.h"

#define STATE_FILE ".fuzz_state"
#define STATE_MAGIC "fzsandbox-fuzz-state 2"

static void out_path(const struct options *o, const char *name, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/%s", o->out_dir, name) >= (int)len)
		die("--out: path too long");
}

/* fuzzer_stats' value of key ("" when it has none), in buf. */
static const char *stat_of(const char *stats, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	buf[0] = 0;
	for (const char *l = stats; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *v = l + kl;

		if (strncmp(l, key, kl) != 0 || (*v != ' ' && *v != ':'))
			continue;
		v += strspn(v, " ");
		if (*v++ != ':')
			continue;
		v += *v == ' ';
		snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
		break;
	}
	return buf;
}

static long long stat_num(const char *stats, const char *key)
{
	char buf[64];

	return strtoll(stat_of(stats, key, buf, sizeof(buf)), NULL, 10);
}

/* OUT/fuzzer_stats, read whole; die()s (exit 2) when there is none. */
static char *read_stats(const struct options *o)
{
	char path[PATH_MAX];
	void *data;
	size_t len;
	int e;

	out_path(o, "fuzzer_stats", path, sizeof(path));
	if ((e = fs_read_file(path, 1 << 20, &data, &len)) < 0)
		die("--resume: cannot read '%s' (%s): not a --fuzz campaign's --out, or nothing to "
		    "resume", path, strerror(-e));
	return data;
}

void fuzz_resume_check(struct options *o)
{
	char path[PATH_MAX], *stats, *want = NULL, had[4096];
	size_t n = 0;
	struct stat st;
	FILE *fp;

	out_path(o, "queue", path, sizeof(path));
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		die("--resume: no '%s': nothing to resume (run the campaign without --resume first)",
		    path);
	stats = read_stats(o);
	/* The program and its words, as fuzzer_stats writes them. */
	if (!(fp = open_memstream(&want, &n)))
		die("out of memory");
	for (int i = 0; o->argv[i]; i++)
		fprintf(fp, "%s%s", i ? " " : "", o->argv[i]);
	if (fclose(fp) != 0)
		die("out of memory");
	if (strcmp(stat_of(stats, "command_line", had, sizeof(had)), want) != 0)
		die("--resume: %s/fuzzer_stats is of another command line ('%s', not '%s')",
		    o->out_dir, had, want);
	/* The campaign's --seed, unless another is given. */
	if (!o->seed_set && stat_of(stats, "fzsandbox_seed", had, sizeof(had))[0])
		o->seed = strtoull(had, NULL, 10);
	free(want);
	free(stats);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* schedules/id:NNNNNN's faults (cli/fuzz.c writes them), a fault a line:
 * "write:EIO site=KEY occurrence=1 thread=0". */
static int read_schedule(const struct options *o, int id, struct plan_fault *pf)
{
	char path[PATH_MAX], line[512];
	int n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/schedules/id:%06d", o->out_dir, id);
	if (!(fp = fopen(path, "re"))) {
		if (errno != ENOENT)
			die_errno(-errno, "--resume: cannot read '%s'", path);
		return 0;
	}
	while (fgets(line, sizeof(line), fp) && n < FUZZ_SCHED_MAX) {
		char spec[128], site[sizeof(pf->site)], bad[256];
		int occ, thread, sid;

		if (sscanf(line, "%127s site=%63s occurrence=%d thread=%d", spec, site, &occ,
			   &thread) != 4 || plan_fault_parse(spec, &pf[n], &sid, bad, sizeof(bad)) < 0)
			die("--resume: %s: a line not of a fault schedule: %.*s", path,
			    (int)strcspn(line, "\n"), line);
		snprintf(pf[n].site, sizeof(pf[n].site), "%s", strcmp(site, "any") ? site : "");
		pf[n].occurrence = occ;
		pf[n].thread = thread;
		n++;
	}
	fclose(fp);
	return n;
}

/* queue/'s files, in name order (their ids), into s; the next id. */
static int load_queue(const struct options *o, struct scheduler *s)
{
	char dir[PATH_MAX];
	struct dirent **names;
	int n, next = 0;

	out_path(o, "queue", dir, sizeof(dir));
	if ((n = scandir(dir, &names, NULL, by_name)) < 0)
		die_errno(-errno, "--resume: cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		struct plan_fault pf[FUZZ_SCHED_MAX] = { 0 };
		char path[PATH_MAX + 256];
		int id = -1, nf = 0, e;
		struct stat st;
		size_t len;
		void *data;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if ((e = fs_read_file(path, 16 << 20, &data, &len)) < 0)
				die_errno(e, "--resume: cannot read '%s'", path);
			if (sscanf(names[i]->d_name, "id:%d", &id) == 1 && id >= 0)
				nf = read_schedule(o, id, pf);
			if (sched_fuzz_add_entry(s, data, len, pf, nf) < 0)
				die("out of memory");
			free(data);
			next = id >= next ? id + 1 : next + 1;
		}
		free(names[i]);
	}
	free(names);
	if (sched_fuzz_nqueue(s) == 0)
		die("--resume: '%s' is empty: nothing to resume", dir);
	return next;
}

/* The next id of OUT/DIR's "id:NNNNNN,..." files. */
static int next_id(const struct options *o, const char *name)
{
	char dir[PATH_MAX];
	struct dirent *d;
	int next = 0, id;
	DIR *dp;

	out_path(o, name, dir, sizeof(dir));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		die_errno(-errno, "--fuzz: cannot make '%s'", dir);
	if (!(dp = opendir(dir)))
		die_errno(-errno, "--resume: cannot read '%s'", dir);
	while ((d = readdir(dp)))
		if (sscanf(d->d_name, "id:%d", &id) == 1 && id >= next)
			next = id + 1;
	closedir(dp);
	return next;
}

/* OUT/.fuzz_state: a header (its --seed, the blob's size), then
 * sched_fuzz_save's blob. Into s when it is of this queue and seed; then
 * removed, so a campaign killed after this point leaves none. true when
 * put back. */
static bool load_state(const struct options *o, struct scheduler *s)
{
	char path[PATH_MAX];
	unsigned long long seed;
	size_t len, blob;
	bool ok = false;
	void *data;
	int off = 0;

	out_path(o, STATE_FILE, path, sizeof(path));
	if (fs_read_file(path, 64 << 20, &data, &len) < 0)
		return false;
	if (sscanf(data, STATE_MAGIC "\nseed %llu\nbytes %zu\n%n", &seed, &blob, &off) == 2 &&
	    off > 0 && seed == o->seed && blob == len - off)
		ok = sched_fuzz_load(s, (uint8_t *)data + off, blob) == 0;
	free(data);
	if (unlink(path) < 0)
		die_errno(-errno, "--resume: cannot remove '%s'", path);
	return ok;
}

void fuzz_resume_load(struct options *o, struct scheduler *s, struct fuzz_prior *p)
{
	char *stats = read_stats(o);
	struct fuzz_stats fs;
	int nq;

	p->queue_next = load_queue(o, s);
	nq = sched_fuzz_nqueue(s);
	p->id_skew = p->queue_next - nq;
	p->crashes = next_id(o, "crashes");
	p->hangs = next_id(o, "hangs");
	if (fuzz_schedules(o))
		next_id(o, "schedules");	/* made when missing */
	p->execs = stat_num(stats, "execs_done");
	p->run_time = stat_num(stats, "run_time");
	p->cycles_wo_finds = stat_num(stats, "cycles_wo_finds");
	p->last_find = stat_num(stats, "last_find");
	p->last_crash = stat_num(stats, "last_crash");
	p->last_hang = stat_num(stats, "last_hang");
	p->seeds = nq - (int)stat_num(stats, "corpus_found");
	if (p->seeds < 0 || p->seeds > nq)
		p->seeds = nq;
	p->exact = load_state(o, s);
	if (!p->exact) {
		/* Every entry again as it is, the cycle count going on. */
		sched_fuzz_cycles(s, stat_num(stats, "cycles_done"));
		if (!o->quiet)
			fprintf(stderr, "fzsandbox: note: --resume: no loop state of this queue in %s "
				"(killed, or queue/ changed): each entry runs as it is first\n",
				o->out_dir);
	}
	sched_fuzz_stats(s, &fs);
	p->cycles = fs.cycles;
	if (o->corpus && !o->quiet)
		fprintf(stderr, "fzsandbox: note: --resume: --corpus=%s ignored: the queue is "
			"%s/queue (%d entries)\n", o->corpus, o->out_dir, nq);
	free(stats);
}

void fuzz_resume_findings(const struct options *o, struct report *rep)
{
	char path[PATH_MAX], why[PATH_MAX + 128];

	out_path(o, "report.json", path, sizeof(path));
	if (report_take_prior(rep, path, why, sizeof(why)) < 0)
		die("--resume: %s", why);
}

/* The loop's state after the last run taken in: at SIGINT the run under
 * way was handed out (the generator moved on) but will not be taken in,
 * so the state to go on from is the one before it. */
struct fuzz_snap {
	void *blob;
	size_t cap, len;
};

void fuzz_resume_mark(struct fuzz_snap **sp, const struct scheduler *s)
{
	if (!*sp && !(*sp = calloc(1, sizeof(**sp))))
		die("out of memory");
	if (sched_fuzz_save(s, &(*sp)->blob, &(*sp)->cap, &(*sp)->len) < 0)
		die("out of memory");
}

void fuzz_resume_save(const struct options *o, struct fuzz_snap *p)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *fp;

	out_path(o, STATE_FILE, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(fp = fopen(tmp, "we")))
		die_errno(-errno, "--fuzz: cannot write '%s'", tmp);
	fprintf(fp, STATE_MAGIC "\nseed %llu\nbytes %zu\n", (unsigned long long)o->seed, p->len);
	fwrite(p->blob, 1, p->len, fp);
	if (ferror(fp) | (fclose(fp) != 0) || rename(tmp, path) < 0)
		die_errno(-errno, "--fuzz: cannot write '%s'", path);
	free(p->blob);
	free(p);
}

void fuzz_resume_forget(const struct options *o)
{
	char path[PATH_MAX];

	out_path(o, STATE_FILE, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		die_errno(-errno, "--fuzz: cannot remove '%s'", path);
}
