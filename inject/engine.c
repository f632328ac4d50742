/* engine.c - the fault engine's lifecycle and the dispatch of the tracer's
 * stops to the fault classes (classes.h). The state classes and the
 * decision read (per-mm and per-run class state, the unwinder cache, the
 * site table) lives in state.c, the decision at a stop in decide.c, each
 * class's own work in its files: engine -> classes -> NAME_class ->
 * decide -> state, never back. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "inject/classes.h"
#include "inject/inject_int.h"
#include "util/util.h"

_Static_assert(INJECT_MAX_CLASSES <= 8, "class masks per syscall are uint8_t");

/* Is class c in the campaign's set? */
static bool enabled(const struct inject *inj, int c)
{
	return (inj->cfg.classes >> c) & 1;
}

static void mm_free_states(struct inj_mm *m)
{
	for (int c = 0; c < n_fault_classes; c++)
		if (m->state[c] && fault_classes[c].hooks->mm_free)
			fault_classes[c].hooks->mm_free(m->state[c]);
	pred_mm_free(m);
	free(m);
}

static int inj_mm_new(void *ctx, struct tracer_task *t, void **data)
{
	struct inject *inj = ctx;
	struct inj_mm *m;

	/* A new image in this process: its unwinder's modules are stale. */
	inj_unwinder_drop(inj, tracer_task_pid(t));
	*data = m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (int c = 0; c < n_fault_classes; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;

		if (enabled(inj, c) && h->mm_new && h->mm_new(&m->state[c]) < 0) {
			mm_free_states(m);
			*data = NULL;
			return -ENOMEM;
		}
	}
	for (int c = 0; c < n_fault_classes; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;

		if (enabled(inj, c) && h->on_exec && h->on_exec(inj, c, t) < 0)
			fz_debug("%s: exec stop of %d not handled", fault_classes[c].name,
				 (int)tracer_task_tid(t));
	}
	return 0;
}

static int inj_mm_fork(void *ctx, const void *parent, void **child)
{
	const struct inj_mm *p = parent;
	struct inj_mm *m = calloc(1, sizeof(*m));

	(void)ctx;
	if (!m)
		return -ENOMEM;
	if (pred_mm_fork(p, m) < 0) {
		mm_free_states(m);
		return -ENOMEM;
	}
	for (int c = 0; c < n_fault_classes; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;

		if (p->state[c] && h->mm_fork && h->mm_fork(p->state[c], &m->state[c]) < 0) {
			mm_free_states(m);
			return -ENOMEM;
		}
	}
	*child = m;
	return 0;
}

static void inj_mm_free(void *ctx, void *data)
{
	(void)ctx;
	mm_free_states(data);
}

/* The task hook at offset off of each enabled class's class_hooks
 * (on_entry, on_fork_start, on_park), in class order; the first error. */
static int each_class(struct inject *inj, struct tracer_task *t, size_t off)
{
	int r = 0;

	for (int c = 0; c < n_fault_classes; c++) {
		int (*hook)(struct inject *, int, struct tracer_task *);
		int e;

		memcpy(&hook, (const char *)fault_classes[c].hooks + off, sizeof(hook));
		if (enabled(inj, c) && hook && (e = hook(inj, c, t)) < 0 && r == 0)
			r = e;
	}
	return r;
}

static int inj_on_entry(void *ctx, struct tracer_task *t)
{
	struct inject *inj = ctx;

	/* Passthrough (--inject=none) has no report to scan: this check's
	 * maps and ELF reads would hold the stopped target for nothing. */
	if (!inj->sanitized && inj->cfg.captured_stderr)
		inj->sanitized = inj_has_sanitizer(tracer_task_pid(t));
	return each_class(inj, t, offsetof(struct class_hooks, on_entry));
}

static int inj_on_fork_start(void *ctx, struct tracer_task *t)
{
	struct inject *inj = ctx;

	memcpy(inj->problem, inj->tmpl_problem, sizeof(inj->problem));
	return each_class(inj, t, offsetof(struct class_hooks, on_fork_start));
}

static int inj_on_park(void *ctx, struct tracer_task *t)
{
	return each_class(ctx, t, offsetof(struct class_hooks, on_park));
}

/* A syscall stop goes to the classes that watch it, then to those that
 * fail it, through the per-syscall masks built in inject_new. */
static int inj_on_syscall(void *ctx, struct tracer_task *t, const struct syscall_stop *s)
{
	struct inject *inj = ctx;
	int nr = s->ent->nr;
	unsigned watch, site;

	if (nr < 0 || nr >= SYSCALL_MAX)
		return 0;
	inj_shape_note(inj, nr);
	if (nr == SYS_exit_group) {
		inj_exit_check(inj, t, s);
		if (inj->cfg.on_exit_group)
			inj->cfg.on_exit_group(inj->cfg.exit_arg, t);
		return 0;
	}
	if (inj->fd_preds)
		pred_on_syscall(t, s);
	watch = inj->watch_classes[nr] | inj->lasting_classes[nr];
	site = inj->site_classes[nr];
	inj->stop_seq++;
	for (int c = 0; site >> c; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;

		/* A lasting mode failed it: nothing left to decide. */
		if (((site >> c) & 1) && h->on_lasting && h->on_lasting(inj, c, t, s) > 0)
			site = 0;
	}
	for (int c = 0; (watch | site) >> c; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;

		if (((watch >> c) & 1) && h->on_watch)
			h->on_watch(inj, c, t, s);
		if (((site >> c) & 1) && h->on_syscall)
			h->on_syscall(inj, c, t, s);
	}
	return 0;
}

/* One exit slot in the tracer, one exit hook per class: the exit goes to
 * the classes that stopped on this syscall. */
static int inj_on_syscall_exit(void *ctx, struct tracer_task *t, const struct syscall_stop *s,
			       int64_t ret)
{
	struct inject *inj = ctx;
	unsigned mask;

	if (!s->ent || s->ent->nr < 0 || s->ent->nr >= SYSCALL_MAX)
		return 0;
	/* Lasting watches too: the clock class's timerfd reads. */
	mask = inj->watch_classes[s->ent->nr] | inj->site_classes[s->ent->nr] |
	       inj->lasting_classes[s->ent->nr];
	for (int c = 0; mask >> c; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;

		if (((mask >> c) & 1) && h->on_syscall_exit)
			h->on_syscall_exit(inj, c, t, s, ret);
	}
	return 0;
}

/* A SIGTRAP is the first class's that claims it. */
static int inj_on_trap(void *ctx, struct tracer_task *t)
{
	struct inject *inj = ctx;

	inj->stop_seq++;
	for (int c = 0; c < n_fault_classes; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;
		int r;

		if (enabled(inj, c) && h->on_trap && (r = h->on_trap(inj, c, t)) != 0)
			return r;
	}
	return 0;
}

/* Any other signal: the first class's that consumes it. */
static int inj_on_signal(void *ctx, struct tracer_task *t, int sig, const siginfo_t *si)
{
	struct inject *inj = ctx;

	for (int c = 0; c < n_fault_classes; c++) {
		const struct class_hooks *h = fault_classes[c].hooks;
		int r;

		if (enabled(inj, c) && h->on_signal && (r = h->on_signal(inj, c, t, sig, si)) != 0)
			return r;
	}
	return 0;
}

/* The dispatch masks: which enabled classes fail or watch each syscall. */
static void build_dispatch(struct inject *inj)
{
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_ent *e = syscall_by_nr(nr);

		if (!e)
			continue;
		for (int c = 0; c < n_fault_classes; c++) {
			if (!enabled(inj, c))
				continue;
			if (class_fails_syscall(&fault_classes[c], e))
				inj->site_classes[nr] |= 1u << c;
			if (class_watches_syscall(&fault_classes[c], e))
				inj->watch_classes[nr] |= 1u << c;
			if (class_watches_lasting(&fault_classes[c], e))
				inj->lasting_classes[nr] |= 1u << c;
		}
	}
	for (int c = 0; c < n_fault_classes; c++)
		if (enabled(inj, c) && fault_classes[c].oom)
			inj->oom_classes |= 1u << c;
}

int inject_new(const struct inject_config *cfg, struct inject **out)
{
	struct inject *inj = calloc(1, sizeof(*inj));

	if (!inj)
		return -ENOMEM;
	inj->cfg = *cfg;
	inj->cfg.classes &= (1u << n_fault_classes) - 1;
	if (inj->cfg.occurrences < 1)
		inj->cfg.occurrences = 1;
	for (int c = 0; c < n_fault_classes; c++) {
		size_t size = fault_classes[c].hooks->run_size;

		if (enabled(inj, c) && size && !(inj->run_state[c] = calloc(1, size))) {
			inject_free(inj);
			return -ENOMEM;
		}
	}
	build_dispatch(inj);
	inj->hooks = (struct tracer_hooks){
		.ctx = inj,
		.mm_new = inj_mm_new,
		.mm_fork = inj_mm_fork,
		.mm_free = inj_mm_free,
		.on_entry = inj_on_entry,
		.on_fork_start = inj_on_fork_start,
		.on_park = inj_on_park,
		.on_syscall = inj_on_syscall,
		.on_trap = inj_on_trap,
		.on_signal = inj_on_signal,
		.on_syscall_exit = inj_on_syscall_exit,
	};
	*out = inj;
	return 0;
}

void inject_free(struct inject *inj)
{
	if (!inj)
		return;
	inj_unwinders_clear(inj);
	for (int i = 0; i < inj->nsites; i++) {
		free(inj->sites[i].tries);
		free(inj->sites[i].occ);
	}
	free(inj->sites);
	free(inj->site_slot);
	free(inj->occ);
	for (int c = 0; c < INJECT_MAX_CLASSES; c++) {
		if (inj->run_state[c] && c < n_fault_classes && fault_classes[c].hooks->run_reset)
			fault_classes[c].hooks->run_reset(inj->run_state[c]);
		free(inj->run_state[c]);
	}
	free(inj);
}

const struct tracer_hooks *inject_hooks(struct inject *inj)
{
	return &inj->hooks;
}

/* Syscalls every run must stop at, whatever it plans: those a class only
 * watches (bookkeeping), listen for a service's readiness, and exit_group
 * after an out-of-memory fault (deliberate.c). */
static bool always_traced(const struct inject *inj, int nr)
{
	const struct syscall_ent *e = syscall_by_nr(nr);

	if (inj->watch_classes[nr])
		return true;
	/* The fds a path or fd predicate has cached must be forgotten when
	 * they close (pred.c). */
	if (e && inj->fd_preds && (nr == SYS_close || nr == SYS_dup2 || nr == SYS_dup3 ||
				   strcmp(e->name, "close_range") == 0))
		return true;
	if (e && inj->cfg.service && strcmp(e->name, "listen") == 0)
		return true;
	return nr == SYS_exit_group && (inj->oom_classes || inj->cfg.on_exit_group);
}

/* Every call the classes fail and watch; lasting: the calls watched only
 * in runs that may inject a lasting fault, of these classes too. */
static void full_set(const struct inject *inj, unsigned lasting, uint8_t set[SYSCALL_MAX / 8])
{
	memset(set, 0, SYSCALL_MAX / 8);
	for (int nr = 0; nr < SYSCALL_MAX; nr++)
		if (inj->site_classes[nr] || always_traced(inj, nr) ||
		    (inj->lasting_classes[nr] & lasting))
			set[nr / 8] |= 1 << (nr % 8);
}

void inject_trace_set(const struct inject *inj, uint8_t set[SYSCALL_MAX / 8])
{
	full_set(inj, ~0u, set);
}

/* A planned run can fail only the syscalls its plan names (plan_pick
 * matches by call name), so it stops at those and at the always traced
 * ones: a campaign planned at allocator calls runs its I/O unstopped. A
 * lasting fault (exhaust, a full disk) fails later calls of its class, so
 * it keeps them all. Recording and random runs see every call. */
void inject_run_trace_set(const struct inject *inj, uint8_t set[SYSCALL_MAX / 8])
{
	unsigned keep = 0;

	/* FZ_DEBUG=nogate: stop everywhere, to compare (planned_gate.sh). */
	/* The recording run steps no clock: no deadline to correct. */
	if (inj->record || inj->random || fz_debug_has("nogate")) {
		full_set(inj, inj->record ? 0 : ~0u, set);
		return;
	}
	memset(set, 0, SYSCALL_MAX / 8);
	for (int i = 0; i < inj->nplan; i++) {
		const struct syscall_ent *e = syscall_by_name(inj->plan[i].call);

		/* A fault pinned at a caller's name: a module mapped later
		 * may hold that name too (alloc_gate_on_mmap). */
		if (!e && inj->plan[i].caller[0] && !inj->plan[i].site[0])
			e = syscall_by_name("mmap");
		if (!e || e->nr < 0 || e->nr >= SYSCALL_MAX)
			continue;
		set[e->nr / 8] |= 1 << (e->nr % 8);
		/* A lasting fault (exhaust, a full disk, a clock step) stays:
		 * every later call of its class is failed, shifted or corrected. */
		if (inj->plan_cls[i] >= 0 && fault_lasts(inj->plan[i].call, &inj->plan[i].fault))
			keep |= 1u << inj->plan_cls[i];
	}
	for (int nr = 0; nr < SYSCALL_MAX; nr++)
		if (always_traced(inj, nr) || (inj->site_classes[nr] & keep) ||
		    (inj->lasting_classes[nr] & keep))
			set[nr / 8] |= 1 << (nr % 8);
}

int inject_run_conds(const struct inject *inj, uint8_t set[SYSCALL_MAX / 8],
		     struct tracer_cond *conds, int max)
{
	int n = 0;

	if (fz_debug_has("nogate"))
		return 0;
	for (int nr = 0; nr < SYSCALL_MAX && n < max; nr++) {
		unsigned site = inj->site_classes[nr];
		const struct class_hooks *h;
		int c = 0;

		/* One class stops there, and nobody else needs every call. */
		if (!(set[nr / 8] >> (nr % 8) & 1) || !site || (site & (site - 1)) ||
		    inj->watch_classes[nr] || inj->lasting_classes[nr] || always_traced(inj, nr))
			continue;
		while (!(site >> c & 1))
			c++;
		h = fault_classes[c].hooks;
		if (h->narrow && h->narrow(nr, &conds[n])) {
			set[nr / 8] &= ~(1 << (nr % 8));
			n++;
		}
	}
	return n;
}

void inject_begin_run(struct inject *inj, bool record, const struct plan_fault *plan, int nplan)
{
	inj_unwinders_clear(inj);	/* pids of the last run are gone */
	if (inj->taking) {
		memcpy(inj->tmpl_problem, inj->problem, sizeof(inj->problem));
		inj->tmpl_sanitized = inj->sanitized;
	}
	inj->record = record;
	inj->taking = false;
	if (nplan > INJ_MAX_PLAN)
		nplan = INJ_MAX_PLAN;
	if (nplan > 0)	/* the clean run passes no plan (NULL) */
		memcpy(inj->plan, plan, nplan * sizeof(*plan));
	memset(inj->plan_seen, 0, sizeof(inj->plan_seen));
	memset(inj->plan_done, 0, sizeof(inj->plan_done));
	for (int i = 0; i < nplan; i++)
		inj->plan_cls[i] = (int8_t)class_of_fault(inj->plan[i].call, &inj->plan[i].fault);
	inj->nplan = nplan;
	inj->fd_preds = pred_fd_wanted(inj);
	if (record)
		inj->nexes = 0;
	inj->nlog = 0;
	inj->nlate = 0;
	inj->nfired = 0;
	inj->late_all = false;
	inj->noom = 0;
	inj->other_fault = false;
	inj->exit_deliberate = 0;
	inj->random = false;
	inj->nocc = 0;
	inj_shape_reset(inj);
	memset(inj->counts, 0, sizeof(inj->counts));
	for (int c = 0; c < n_fault_classes; c++) {
		inj->problem[c][0] = 0;
		if (inj->run_state[c] && fault_classes[c].hooks->run_reset)
			fault_classes[c].hooks->run_reset(inj->run_state[c]);
		if (inj->run_state[c])
			memset(inj->run_state[c], 0, fault_classes[c].hooks->run_size);
	}
	inj->sanitized = inj->tmpl_sanitized;
}

void inject_begin_template(struct inject *inj, bool record)
{
	inject_begin_run(inj, record, NULL, 0);
	inj->taking = true;
}

int inject_run_log(const struct inject *inj, const struct fault_rec **log)
{
	*log = inj->log;
	return inj->nlog;
}

const unsigned *inject_run_counts(const struct inject *inj)
{
	return inj->counts;
}

bool inject_run_sanitized(const struct inject *inj)
{
	return inj->sanitized;
}

const char *inject_problem(const struct inject *inj, int *cls)
{
	for (int c = 0; c < n_fault_classes; c++)
		if (inj->problem[c][0]) {
			*cls = c;
			return inj->problem[c];
		}
	return NULL;
}

