#include "config.h"

/* alloc_gate.c - a planned run stops at allocator calls only where its
 * plan can act.
 *
 * Every allocator call stops the program while the allocator breakpoints
 * are in memory: a program with 17,000 allocations per run pays 17,000
 * ptrace stops in every planned run, though its plan fails one call at one
 * site. A site is a call instruction of the program (its key is the
 * return address: state.c), and an allocation at that site happens while
 * that call runs, in the thread that made it. So in a planned run whose
 * every allocation fault names a site, the allocator breakpoints start
 * out of memory, and each site's call instruction gets a breakpoint of its
 * own (tracer_bp_add_call) that opens a window: the allocator breakpoints
 * go back in until the call returns (a breakpoint on its return address,
 * matched by thread and stack pointer, so recursion and a jump to the
 * return address from elsewhere close nothing). Inside a window each
 * allocator call is decided as in any run (the site is still unwound and
 * compared), so occurrences are counted in allocations, never in calls,
 * and calls from other threads meanwhile are decided too. Once no
 * allocation fault of the plan is pending, every one of these breakpoints
 * leaves memory and the program runs at native speed.
 *
 * A fault pinned at caller=FUNC gets a window on every call insn of
 * FUNC's code, found statically (its symbols, clones and inlined copies,
 * symbols/func_code.c): a call into the program's own code too, since its
 * callee may tail-call the allocator (xalloc: `jmp malloc`), leaving FUNC
 * the innermost frame. A module mapped later (dlopen) may hold FUNC too,
 * so its first executable mapping keeps the allocators in for the rest of
 * the run (alloc_gate_on_mmap).
 *
 * Whatever is not certain keeps the breakpoints in: a plan entry without
 * a site or a caller (pinned by occurrence), a caller not found by name,
 * a site whose module is not loaded at the entry point (dlopen) or not
 * parsed by the tracer, a call that cannot be found or emulated, a window
 * whose call never returns (longjmp, a thread that exits inside it) or
 * too many windows at once. Those cost stops, never a missed allocation.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "inject/alloc_class.h"
#include "inject/inject_int.h"
#include "tracer/services.h"
#include "util/util.h"

#define GATE_MAX_SITES 256
#define GATE_MAX_RANGES 64
#define GATE_MAX_WIN 64
/* Breakpoint ids: window i is GATE_CALL + i, its return GATE_RET + i. */
#define GATE_CALL 0
#define GATE_RET GATE_MAX_SITES

struct gate_win {
	pid_t tid;
	uint64_t sp;		/* rsp before the call pushed its return address */
};

struct alloc_gate {
	struct tracer_bps *bps;
	int nsites;
	uint64_t call[GATE_MAX_SITES], ret[GATE_MAX_SITES];
	bool has_ret[GATE_MAX_SITES];	/* a breakpoint on ret closes windows */
	struct gate_win win[GATE_MAX_WIN];
	int nwin;
	bool stuck;	/* a window that may never close: allocators stay in */
	bool by_caller;	/* windows from a caller's name (not site keys) */
	bool done;	/* nothing pending: everything is out */
};

static bool is_alloc_entry(const struct plan_fault *p)
{
	return alloc_call_by_name(p->call) >= 0;
}

/* "<module id>+0x<offset>[/<path part>]" -> module id and offset. */
static int parse_key(const char *key, char *id, size_t idlen, uint64_t *off)
{
	const char *plus;
	char head[64], *end;

	snprintf(head, sizeof(head), "%s", key);
	if ((end = strchr(head, '/')))
		*end = 0;
	plus = strrchr(head, '+');
	if (!plus || plus == head || (size_t)(plus - head) >= idlen || strncmp(plus, "+0x", 3))
		return -EINVAL;
	*off = strtoull(plus + 3, &end, 16);
	if (*end)
		return -EINVAL;
	memcpy(id, head, (size_t)(plus - head));
	id[plus - head] = 0;
	return 0;
}

/* Is any allocation fault of the plan still to come? */
static bool alloc_pending(const struct inject *inj)
{
	for (int i = 0; i < inj->nplan; i++)
		if (!inj->plan_done[i] && is_alloc_entry(&inj->plan[i]))
			return true;
	return false;
}

/* Window i: the call at call (its breakpoint already added) returns to
 * ret. Without a breakpoint on ret the window stays open once opened:
 * slower, still right. */
static void add_window(struct alloc_gate *g, struct tracer_task *t, int i, uint64_t call,
		       uint64_t ret)
{
	g->call[i] = call;
	g->ret[i] = ret;
	g->has_ret[i] = tracer_bp_add(g->bps, t, ret, GATE_RET + i, 0, NULL) == 0;
}

static int gate_site(struct inject *inj, struct alloc_gate *g, struct tracer_task *t,
		     const char *key)
{
	struct unwinder *u = inj_unwinder(inj, tracer_task_pid(t));
	uint64_t off, ret, func, call;
	char id[64];
	int i = g->nsites, rc;

	if (!u)
		return -ESRCH;
	if ((rc = parse_key(key, id, sizeof(id), &off)) < 0 ||
	    (rc = unwinder_key_pc(u, id, off, &ret, &func)) < 0)
		return rc;
	for (int k = 0; k < g->nsites; k++)
		if (g->ret[k] == ret)
			return 0;	/* the same call as another entry's */
	if (i >= GATE_MAX_SITES)
		return -ENOSPC;
	if ((rc = tracer_bp_add_call(g->bps, t, ret, func, GATE_CALL + i, &call)) < 0)
		return rc;
	add_window(g, t, i, call, ret);
	g->nsites++;
	fz_debug("alloc gate: site %s: call at %#" PRIx64 ", returns to %#" PRIx64 "%s\n", key,
		 call, ret, g->has_ret[i] ? "" : " (no return breakpoint)");
	return 0;
}

/* A pinned fault at caller=FUNC: a window on every call insn of FUNC's
 * code (its symbols, clones and inlined copies: symbols.h). */
static int gate_caller(struct inject *inj, struct alloc_gate *g, struct tracer_task *t,
		       const char *name)
{
	struct unwinder *u = inj_unwinder(inj, tracer_task_pid(t));
	struct code_range r[GATE_MAX_RANGES];
	uint64_t call[GATE_MAX_SITES];
	uint8_t len[GATE_MAX_SITES];
	int n;

	if (!u)
		return -ESRCH;
	if ((n = unwinder_func_code(u, name, r, GATE_MAX_RANGES)) <= 0)
		return n < 0 ? n : -ENOENT;	/* not found: not certain */
	for (int i = 0; i < n; i++) {
		int first = g->nsites;
		int c = tracer_bp_add_calls(g->bps, t, r[i].entry, r[i].lo, r[i].hi,
					    GATE_CALL + first, GATE_MAX_SITES - first, call, len);

		if (c < 0)
			return c;
		for (int j = 0; j < c; j++)
			add_window(g, t, first + j, call[j], call[j] + len[j]);
		g->nsites += c;
	}
	fz_debug("alloc gate: caller %s: %d ranges, %d calls\n", name, n, g->nsites);
	return 0;
}

static int drop_cb(void *arg, int id, enum tracer_bp_drop why, int err, int other)
{
	struct alloc_gate *g = arg;

	(void)why, (void)other;
	if (id >= GATE_RET) {
		g->has_ret[id - GATE_RET] = false;
		return 0;
	}
	return err < 0 ? err : -EIO;	/* a call we cannot break on: no gate */
}

static int all_out(struct alloc_gate *g, struct alloc_mm *m, struct tracer_task *t);

void alloc_gate_free(struct alloc_gate *g)
{
	if (!g)
		return;
	tracer_bps_free(g->bps);
	free(g);
}

int alloc_gate_on_mmap(struct alloc_mm *m, struct tracer_task *t, const struct syscall_stop *s)
{
	struct alloc_gate *g = m->gate;

	if (!g || g->done || !g->by_caller || g->stuck || strcmp(s->ent->name, "mmap") != 0 ||
	    !(s->args[2] & PROT_EXEC) || (s->args[3] & MAP_ANONYMOUS) || (int)s->args[4] < 0)
		return 0;
	fz_debug("alloc gate: a file mapped executable: allocator calls stop from now on\n");
	g->stuck = true;
	return bp_mm_enable(m->bp, t, true);
}

int alloc_gate_fork(const struct alloc_gate *p, struct alloc_gate **c)
{
	*c = NULL;
	if (!p)
		return 0;
	if (!(*c = malloc(sizeof(**c))))
		return -ENOMEM;
	**c = *p;
	if (tracer_bps_fork(p->bps, &(*c)->bps) < 0) {
		free(*c);
		*c = NULL;
		return -ENOMEM;
	}
	/* The child's thread has another tid: its copies of the parent's
	 * windows can never be closed by tid. */
	if (p->nwin)
		(*c)->stuck = true;
	return 0;
}

int alloc_gate_setup(struct inject *inj, struct alloc_mm *m, struct tracer_task *t)
{
	struct alloc_gate *g;
	int rc = 0, n = 0;

	/* FZ_DEBUG=nogate: every call stops, to compare (planned_gate.sh);
	 * so does a fuzz run recording its sites (late.c). */
	if (inj->record || inj_random_faults(inj) || inj->late_all || inj->taking || !m->bp ||
	    fz_debug_has("nogate"))
		return 0;
	for (int i = 0; i < inj->nplan; i++) {
		if (!is_alloc_entry(&inj->plan[i]))
			continue;
		if (!inj->plan[i].site[0] && !inj->plan[i].caller[0])
			return 0;	/* pinned by count alone: every call */
		n++;
	}
	if (!(g = calloc(1, sizeof(*g))) || !(g->bps = tracer_bps_new())) {
		free(g);
		return -ENOMEM;
	}
	if (!n) {
		/* No allocation fault in the plan: no allocator call to stop. */
		m->gate = g;
		fz_debug("alloc gate: no allocation fault planned: breakpoints out\n");
		return all_out(g, m, t);
	}
	for (int i = 0; i < inj->nplan && rc == 0; i++) {
		if (!is_alloc_entry(&inj->plan[i]))
			continue;
		rc = inj->plan[i].site[0] ? gate_site(inj, g, t, inj->plan[i].site) :
					    gate_caller(inj, g, t, inj->plan[i].caller);
		g->by_caller = g->by_caller || !inj->plan[i].site[0];
	}
	/* Nothing is in memory before this plant, and nothing after a
	 * failed one. */
	if (rc == 0)
		rc = tracer_bps_plant(g->bps, t, drop_cb, g);
	if (rc < 0) {
		fz_debug("alloc gate: not used (%s): every allocator call stops\n", strerror(-rc));
		alloc_gate_free(g);
		return 0;
	}
	m->gate = g;
	if ((rc = bp_mm_enable(m->bp, t, false)) < 0) {
		/* Back to every call stopping; the gate's hits are passed. */
		all_out(g, NULL, t);
		return bp_mm_enable(m->bp, t, true);
	}
	return 0;
}

/* Take the gate's breakpoints out, and the allocators' too (m NULL:
 * leave those). Hits already taken are still passed. */
static int all_out(struct alloc_gate *g, struct alloc_mm *m, struct tracer_task *t)
{
	g->done = true;
	for (int i = 0; i < g->nsites; i++) {
		tracer_bp_enable(g->bps, t, g->call[i], false);
		if (g->has_ret[i])
			tracer_bp_enable(g->bps, t, g->ret[i], false);
	}
	return m && m->bp ? bp_mm_enable(m->bp, t, false) : 0;
}

int alloc_gate_after_call(struct inject *inj, struct alloc_mm *m, struct tracer_task *t)
{
	struct alloc_gate *g = m->gate;

	if (!g || g->done || alloc_pending(inj))
		return 0;
	fz_debug("alloc gate: no allocation fault pending: breakpoints out\n");
	return all_out(g, m, t);
}

/* A window opens: the allocator breakpoints go (back) in. */
static int open_win(struct alloc_gate *g, struct alloc_mm *m, struct tracer_task *t,
		    uint64_t sp)
{
	if (g->nwin == GATE_MAX_WIN)
		g->stuck = true;
	else
		g->win[g->nwin++] = (struct gate_win){ tracer_task_tid(t), sp };
	return bp_mm_enable(m->bp, t, true);
}

/* A gate breakpoint hit by tid at stack pointer sp: a window this thread
 * opened at the same sp is over (its call has returned: the thread runs
 * in the caller's frame again, at its return address or at the next call
 * when the return address is itself a call with no breakpoint of its own). */
static void end_wins(struct alloc_gate *g, pid_t tid, uint64_t sp)
{
	for (int i = g->nwin - 1; i >= 0; i--)
		if (g->win[i].tid == tid && g->win[i].sp == sp)
			g->win[i] = g->win[--g->nwin];
}

int alloc_gate_on_trap(struct alloc_mm *m, struct tracer_task *t, struct user_regs_struct *regs)
{
	struct alloc_gate *g = m->gate;
	uint64_t addr;
	int id, rc = 0;

	if (!g || (id = tracer_bp_hit(g->bps, regs, &addr)) < 0)
		return 0;
	if (!g->done) {
		end_wins(g, tracer_task_tid(t), regs->rsp);
		if (id < GATE_RET)
			rc = open_win(g, m, t, regs->rsp);
		else if (!g->nwin && !g->stuck)
			rc = bp_mm_enable(m->bp, t, false);
	}
	if (rc < 0)
		return rc;
	return tracer_bp_pass(g->bps, t, regs, addr) < 0 ? -EIO : 1;
}
