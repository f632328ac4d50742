/* decide.c - the decision every class makes at each intercepted call: find
 * its site, count the occurrence, and fail it if the recording, the plan or
 * the generator says so and the fault is faithful here and now. What is
 * faithful, and how a fault is injected, is the class's own business
 * (classes.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "inject/inject_int.h"

/* One intercepted call, with its site computed only when needed (an
 * unwind is the expensive part of a stop). */
struct stop {
	struct inject *inj;
	struct tracer_task *t;
	const char *call;
	int cls;		/* index into fault_classes[] */
	uint64_t ret_addr;	/* library calls: the return address */
	const struct syscall_stop *sc;	/* syscalls: as stopped (args before rewriting) */
	int site_state;		/* 0 unknown, 1 resolved, -1 failed */
	struct frame site;
	char key[64];
	int thread;
	int path_state;		/* allocation calls: 0 unknown, 1 read, -1 failed */
	struct inj_path path;
	const char *log_key;	/* the site key a plan entry matched */
	const struct fault_pred *log_pred;	/* its predicates */
	struct pred_stop ps;	/* exe, path, fd: read when first asked */
	bool picked;		/* a random fault, no plan's */
};

static int resolve_site(struct stop *st);

/* An allocation call's path (site_path.c), read once per stop. */
static int resolve_path(struct stop *st)
{
	if (!st->path_state)
		st->path_state = resolve_site(st) == 0 &&
			inj_path_of(st->inj, st->t, st->key, &st->path) == 0 ? 1 : -1;
	return st->path_state > 0 ? 0 : -ENOENT;
}

/* Does a plan's site key name this call? A caller's key, or a path key
 * ("<caller key>/<d>.<hash>") of this call's path at its depth. */
static bool site_matches(struct stop *st, const char *site)
{
	size_t n = strlen(st->key);
	char k[64];

	if (strcmp(site, st->key) == 0)
		return true;
	if (!st->ret_addr || strncmp(site, st->key, n) != 0 || site[n] != '/' ||
	    resolve_path(st) < 0)
		return false;
	inj_path_key(st->key, st->path.h, st->path.n, inj_key_depth(site), k, sizeof(k));
	return strcmp(site, k) == 0;
}

static int resolve_site(struct stop *st)
{
	struct unwinder *u;
	int r = -ENOENT;

	if (st->site_state)
		return st->site_state > 0 ? 0 : -ENOENT;
	st->site_state = -1;
	u = inj_unwinder(st->inj, tracer_task_pid(st->t));
	if (!u)
		return -ESRCH;
	/* A direct call from the program: its return address is the site,
	 * no unwind needed. */
	if (st->ret_addr && unwinder_pc_is_system(u, st->ret_addr - 1) == 0 &&
	    unwinder_symbolize(u, st->ret_addr, true, &st->site) == 0 && st->site.module[0])
		r = 0;
	else
		r = unwinder_caller(u, tracer_task_tid(st->t), &st->site) >= 0 ? 0 : -ENOENT;
	if (r < 0)
		return r;
	inj_site_key(&st->site, st->key, sizeof(st->key));
	st->site_state = 1;
	return 0;
}

static void log_fault(struct stop *st, const struct fault *f, int occurrence)
{
	struct inject *inj = st->inj;
	struct fault_rec *fr;

	inj->counts[st->cls]++;
	/* Whether a death can be deliberate (deliberate.c): an unwind per
	 * logged out-of-memory fault, none past the log's size. */
	if (!((inj->oom_classes >> st->cls) & 1))
		inj->other_fault = true;
	else if (inj->noom < INJ_MAX_LOG && resolve_site(st) == 0)
		inj_oom_note(inj, st->t, st->site.pc);
	if (inj->nlog >= INJ_MAX_LOG)
		return;
	fr = &inj->log[inj->nlog++];
	memset(fr, 0, sizeof(*fr));
	snprintf(fr->call, sizeof(fr->call), "%s", st->call);
	fault_format(f, fr->fault, sizeof(fr->fault));
	fr->site_id = -1;
	fr->thread = st->thread;
	fr->occurrence = occurrence;
	if (pred_exe(&st->ps))
		snprintf(fr->exe, sizeof(fr->exe), "%s", st->ps.exe);
	/* A replay counts occurrences as this entry did: among the calls
	 * its predicates match. */
	if (st->log_pred)
		fault_pred_format(st->log_pred, fr->where, sizeof(fr->where));
	if (st->sc)
		syscall_format(st->sc->ent, st->sc->args, fr->syscall, sizeof(fr->syscall));
	if (resolve_site(st) == 0) {
		const char *key = st->log_key ? st->log_key : st->key;

		snprintf(fr->site, sizeof(fr->site), "%s", key);
		snprintf(fr->caller, sizeof(fr->caller), "%s", st->site.function);
		snprintf(fr->file, sizeof(fr->file), "%s", st->site.file);
		fr->line = st->site.line;
		for (int i = 0; i < inj->nsites; i++)
			if (strcmp(inj->sites[i].key, key) == 0 &&
			    strcmp(inj->sites[i].call, st->call) == 0)
				fr->site_id = inj->sites[i].report_id;
	}
	if (inj->cfg.on_fault)
		inj->cfg.on_fault(inj->cfg.fault_arg, tracer_task_pid(st->t), tracer_task_tid(st->t),
				  inj->nlog - 1);
}

/* The recording run: count this occurrence at its site. */
static void record(struct stop *st, const struct fault *opts, int nopts)
{
	struct inject_site *s;

	if (resolve_site(st) < 0)
		return;
	/* Allocation calls are keyed by path (wrappers): the classes' call
	 * hooks are the library calls, with a return address. */
	if (st->ret_addr && resolve_path(st) == 0)
		s = inj_path_site(st->inj, st->call, st->key, &st->site, &st->path);
	else
		s = inj_site_get(st->inj, st->call, st->key, &st->site);
	if (s) {
		/* Once per stop: another class deciding it counted it. */
		struct inject *inj = st->inj;
		int r = inj_site_record_at(inj, s, st->thread,
					   inj->counted_seq == inj->stop_seq ? inj->counted_occ : 0,
					   opts, nopts);

		if (r > 0) {
			inj->counted_seq = inj->stop_seq;
			inj->counted_occ = (unsigned)r;
		}
	}
}

static bool plan_matches(struct stop *st, const struct plan_fault *p)
{
	if (strcmp(p->call, st->call) != 0)
		return false;
	if (p->thread >= 0 && p->thread != st->thread)
		return false;
	if (!pred_match(&st->ps, &p->pred))
		return false;
	if (!p->site[0] && !p->caller[0])
		return true;
	if (resolve_site(st) < 0)
		return false;
	if (p->site[0] && !site_matches(st, p->site))
		return false;
	if (p->caller[0] && strcmp(p->caller, st->site.function) != 0)
		return false;
	return true;
}

/* Returns the plan entry to inject now, or -1. Every pending entry counts
 * this call, also when an earlier one fires at it: faults planned at
 * occurrences 2 and 3 of one site fail its 2nd and 3rd calls (a random
 * run's log, replayed, fails the very calls it failed). */
static int plan_pick(struct stop *st, int *occurrence)
{
	struct inject *inj = st->inj;
	int pick = -1;

	for (int i = 0; i < inj->nplan; i++) {
		/* Each entry is counted by the one class that gives its fault
		 * (a call failed by two classes is decided by both). */
		if (inj->plan_done[i] || (inj->plan_cls[i] >= 0 && inj->plan_cls[i] != st->cls) ||
		    !plan_matches(st, &inj->plan[i]))
			continue;
		if (++inj->plan_seen[i] == (unsigned)inj->plan[i].occurrence && pick < 0)
			pick = i;
	}
	if (pick >= 0) {
		inj->plan_done[pick] = true;
		if (inj->plan[pick].site[0])
			st->log_key = inj->plan[pick].site;
		st->log_pred = &inj->plan[pick].pred;
		*occurrence = inj->plan_seen[pick];
	}
	return pick;
}

static bool same_fault(const struct fault *a, const struct fault *b)
{
	return a->type == b->type && (a->type != FT_ERRNO || a->err == b->err);
}

/* A planned fault is faithful here and now, or not made at all (the run
 * is wasted, never a false positive): 1 with *f. */
static int faithful_now(const struct fault *planned, const struct fault *opts, int nopts,
			struct fault *f)
{
	for (int i = 0; i < nopts; i++)
		if (same_fault(&opts[i], planned)) {
			*f = *planned;
			return 1;
		}
	return 0;
}

/* The plan's say on this call: -1 when no pending entry picks it, else
 * 1 with *f when its fault is faithful here and now (0: not made). */
static int from_plan(struct stop *st, const struct fault *opts, int nopts, struct fault *f,
		     int *occ)
{
	struct inject *inj = st->inj;
	int pick = inj->nplan ? plan_pick(st, occ) : -1;

	if (pick < 0)
		return -1;
	return inj->failed_seq != inj->stop_seq &&
	       faithful_now(&inj->plan[pick].fault, opts, nopts, f);
}

/* What to do with this call, from the recording, the generator or the
 * plan, given the faults faithful here and now (opts). Returns 1 with *f
 * and *occ when the call fails now. */
static int choose(struct stop *st, const struct fault *opts, int nopts, struct fault *f, int *occ)
{
	struct inject *inj = st->inj;
	int r;

	if (inj->record) {
		/* Count every occurrence, failable or not, so occurrence
		 * numbers mean the same in the plan's runs (plan_pick counts
		 * them all); a site that never had a faithful fault is not
		 * published. */
		record(st, opts, nopts);
		return 0;
	}
	if (inj->random) {
		/* No chance of a random fault (--fuzz's default): only a fuzz
		 * schedule's entries fail, and plan_pick counts their own
		 * occurrences, resolving the site only at a call they name.
		 * The per-site count below is for a random fault's log: an
		 * unwind at every stop, the largest cost of a fuzz run. */
		if (inj->probability <= 0) {
			/* Its error path, once a planned fault fired: the sites
			 * reached from there are new pool entries for the loop
			 * (late.c), at an unwind per stop from there on only. */
			if ((inj->nlog > 0 || inj->late_all) && resolve_site(st) == 0)
				inj_late_note(inj, st->call, st->key, st->site.function, st->thread,
					      opts, nopts);
			if (inj->nlog >= INJ_MAX_LOG)
				return 0;
			return from_plan(st, opts, nopts, f, occ) > 0;
		}
		/* A full log: the run goes on unfaulted, so its finding keeps
		 * every fault it had and replays. */
		if (inj->nlog >= INJ_MAX_LOG || resolve_site(st) < 0)
			return 0;
		/* Past a fault, its error path's new sites grow the fuzz
		 * loop's pool as a planned fault's do (late.c). */
		if (inj->nlog > 0)
			inj_late_note(inj, st->call, st->key, st->site.function, st->thread, opts,
				      nopts);
		/* Every occurrence counts, failable here or not, as plan_pick
		 * counts them when the log is replayed. */
		if (inj->counted_seq != inj->stop_seq) {
			inj->counted_occ = inj_occurrence(inj, st->call, st->key, st->thread);
			inj->counted_seq = inj->stop_seq;
		}
		*occ = (int)inj->counted_occ;
		/* A fuzz schedule's faults (sched_fuzz.c) ride on a random
		 * run, which stops at every call (the shape's basis): they
		 * fail where planned, faithful there or not at all. */
		if ((r = from_plan(st, opts, nopts, f, occ)) >= 0)
			return r;
		if (nopts <= 0 || inj->failed_seq == inj->stop_seq ||
		    inj_excluded(inj->exclude, st->key, st->site.function) ||
		    !inj_in_shard(inj, st->key))
			return 0;
		return st->picked = inj_random_pick(inj, opts, nopts, f);
	}
	return from_plan(st, opts, nopts, f, occ) > 0;
}

/* Cheap pre-check for the common stop of a planned run: no pending plan
 * entry names this call, so no fd look-up, no unwind. */
static bool plan_wants(const struct inject *inj, const char *call)
{
	for (int i = 0; i < inj->nplan; i++)
		if (!inj->plan_done[i] && strcmp(inj->plan[i].call, call) == 0)
			return true;
	return false;
}

/* The thread's ordinal, uncapped (sites count occurrences per ordinal for
 * any number of threads); the jail's init (-1) counts as the first. */
static int thread_slot(struct tracer_task *t)
{
	int o = tracer_task_ordinal(t);

	return o < 0 ? 0 : o;
}

int inj_decide(struct inject *inj, struct tracer_task *t, const struct inj_call *c,
	       const struct fault *opts, int nopts, inj_fail_fn fail, void *arg)
{
	struct stop st = { .inj = inj, .t = t, .call = c->name, .cls = c->cls,
			   .ret_addr = c->ret_addr, .sc = c->sc };
	struct fault f;
	int occ = 0;

	st.ps.t = t;
	st.ps.sc = c->sc;
	st.thread = thread_slot(t);
	if (inj->record && inj->exe_seq != inj->stop_seq) {
		inj->exe_seq = inj->stop_seq;
		pred_count_exe(inj, &st.ps);
	}
	/* --only-*, skip_path: counted and recorded as ever, never failed
	 * (so never published as a site for a plan or fuzz schedule). */
	if ((inj->cfg.only_exe || inj->cfg.only_path || inj->cfg.only_fd || inj->cfg.skip_path) &&
	    !pred_filter_pass(inj, &st.ps))
		nopts = 0;
	if (!choose(&st, opts, nopts, &f, &occ) || fail(arg, t, &f) < 0)
		return 0;
	inj->failed_seq = inj->stop_seq;
	log_fault(&st, &f, occ);
	if (st.picked)
		inj_fired_note(inj, st.call, st.log_key ? st.log_key : st.key, st.thread, occ, &f);
	return 1;
}

bool inj_may_fail(const struct inject *inj, const char *call)
{
	/* A fuzz run past its first fault: its error path is recorded
	 * (late.c), every call decided from there on (from the start in an
	 * input's sites run). */
	return inj->record || inj_random_faults(inj) || plan_wants(inj, call) ||
	       (inj->random && (inj->late_all || (inj->nplan && inj->nlog > 0)));
}
