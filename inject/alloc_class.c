/* alloc_class.c - the alloc class's hooks: its per address space state,
 * arming the allocator breakpoints at the entry point, and deciding each
 * allocator call caught by one (the kernel level is alloc_kernel.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/alloc_class.h"
#include "inject/inject_int.h"

/* Can this allocator call really fail? glibc never fails realloc(p, 0)
 * (it frees) nor a realloc that fits the block it already has (a shrink):
 * read the chunk header before p. A header that does not look like
 * glibc's (another allocator) proves nothing, so the call may fail. */
static bool alloc_can_fail(struct tracer_task *t, const struct user_regs_struct *regs,
			   enum alloc_call call)
{
	uint64_t p = regs->rdi, size = regs->rsi, hdr, chunk, usable;

	if (call != AC_REALLOC && call != AC_REALLOCARRAY)
		return true;
	if (call == AC_REALLOCARRAY && __builtin_mul_overflow(regs->rsi, regs->rdx, &size))
		return true;	/* overflow: ENOMEM for real */
	if (p == 0)
		return true;	/* a malloc */
	if (size == 0)
		return false;
	if (tracer_peek(t, p - 8, &hdr) < 0)
		return true;
	chunk = hdr & ~7ULL;
	if (chunk < 32 || chunk > (1ULL << 47) || (chunk & 15))
		return true;
	usable = chunk - ((hdr & 2) ? 16 : 8);	/* IS_MMAPPED chunks keep 16 */
	return size > usable;
}

struct trap_call {
	struct alloc_mm *m;
	struct user_regs_struct *regs;
	enum alloc_call call;
};

/* Fail the call as the real function fails (inj_fail_fn). */
static int trap_fail(void *arg, struct tracer_task *t, struct fault *f)
{
	struct trap_call *a = arg;

	*f = (struct fault){ FT_NULL, 0, 0 };
	return bp_fail(a->m->bp, t, a->regs, a->call);
}

static int alloc_on_trap(struct inject *inj, int cls, struct tracer_task *t)
{
	struct user_regs_struct regs;
	struct trap_call a = { .m = inj_mm_state(t, cls), .regs = &regs };
	struct inj_call c = { .cls = cls };
	const struct fault null = { FT_NULL, 0, 0 };
	int hit;

	if (!a.m || !a.m->bp || tracer_getregs(t, &regs) < 0)
		return 0;
	hit = bp_hit(a.m->bp, t, &regs, &a.call, &c.ret_addr);
	if (hit == 2)	/* ours, handled, not a call to count (alloc_call.h) */
		return 1;
	if (hit == 0)	/* a planned run's site breakpoints (alloc_gate.c) */
		return alloc_gate_on_trap(a.m, t, &regs);
	if (hit != 1)
		return 0;
	c.name = alloc_call_name(a.call);
	if (inj_decide(inj, t, &c, &null, alloc_can_fail(t, &regs, a.call) ? 1 : 0, trap_fail, &a))
		return alloc_gate_after_call(inj, a.m, t) < 0 ? -EIO : 1;
	if (bp_pass(a.m->bp, t, &regs, a.call) < 0)
		return -EIO;
	return alloc_gate_after_call(inj, a.m, t) < 0 ? -EIO : 1;
}

/* At the entry point: plant the breakpoints, or say why not. */
static int alloc_on_entry(struct inject *inj, int cls, struct tracer_task *t)
{
	struct alloc_mm *m = inj_mm_state(t, cls);
	char *why = inj->problem[cls];
	int r;

	if (!m || m->bp)
		return 0;
	r = bp_mm_arm(t, &m->bp, why, sizeof(inj->problem[cls]));
	if (r < 0 && !why[0])
		snprintf(why, sizeof(inj->problem[cls]), "cannot plant allocation breakpoints: %s",
			 strerror(-r));
	if (r < 0)
		return r;
	return alloc_gate_setup(inj, m, t);
}

/* A child of the template: the template's set-up made no gate and its
 * breakpoints came out when it was parked (alloc_on_park); the gate
 * follows this run's plan, and a run with no gate has every allocator
 * call stop: they go back in. */
static int alloc_on_fork_start(struct inject *inj, int cls, struct tracer_task *t)
{
	struct alloc_mm *m = inj_mm_state(t, cls);
	int rc;

	if (!m || !m->bp || m->gate)
		return 0;
	bp_mm_trust(m->bp);
	if ((rc = alloc_gate_setup(inj, m, t)) < 0)
		return rc;
	return m->gate ? 0 : bp_mm_unpark(m->bp, t);
}

static int alloc_on_park(struct inject *inj, int cls, struct tracer_task *t)
{
	struct alloc_mm *m = inj_mm_state(t, cls);

	(void)inj;
	return m && m->bp && !m->gate ? bp_mm_park(m->bp, t) : 0;
}

static int alloc_mm_new(void **state)
{
	*state = calloc(1, sizeof(struct alloc_mm));
	return *state ? 0 : -ENOMEM;
}

static int alloc_mm_fork(const void *parent, void **child)
{
	const struct alloc_mm *p = parent;
	struct alloc_mm *c = malloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *p;
	c->bp = NULL;
	c->gate = NULL;
	if ((p->bp && bp_mm_fork(p->bp, &c->bp) < 0) || alloc_gate_fork(p->gate, &c->gate) < 0) {
		if (c->bp)
			bp_mm_free(c->bp);
		free(c);
		return -ENOMEM;
	}
	*child = c;
	return 0;
}

static void alloc_mm_free(void *state)
{
	struct alloc_mm *m = state;

	if (m->bp)
		bp_mm_free(m->bp);
	alloc_gate_free(m->gate);
	free(m);
}

const struct class_hooks alloc_class_hooks = {
	.mm_new = alloc_mm_new,
	.mm_fork = alloc_mm_fork,
	.mm_free = alloc_mm_free,
	.run_size = sizeof(struct alloc_run),
	.on_entry = alloc_on_entry,
	.on_fork_start = alloc_on_fork_start,
	.on_park = alloc_on_park,
	.on_syscall = alloc_kernel_on_syscall,
	.on_syscall_exit = alloc_kernel_on_exit,
	.on_trap = alloc_on_trap,
};
