#include "config.h"

/* breakpoint.c - int3 breakpoints that are never lifted to step over
 * them, and what happens at a hit (services.h says why). An owner may
 * disable one for good or for a while (tracer_bp_enable): a hit already
 * taken by another thread is still recognised and passed.
 *
 * Passing a hit emulates the displaced first instruction on the stopped
 * task's registers (insn_x86.c: push, endbr64, mov, flag-only ALU ops), or
 * sends the task through an out-of-line slot that holds a re-based copy of
 * the instruction and a jump back. Every register change is committed
 * before the task runs again and nothing is shared between threads, so a
 * signal handler re-entering the function mid-pass is just another hit.
 * The slots live on one page per address space, mapped near the first
 * breakpoint that needs one (remote.c) so that rip-relative operands stay
 * in rel32 reach, and written with FOLL_FORCE pokes: the program can never
 * write it.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tracer/insn_call.h"
#include "tracer/insn_x86.h"
#include "tracer/services.h"
#include "util/util.h"

#define SLOT_SIZE 64
#define PAGE 4096

struct bp {
	uint64_t addr;
	int id;
	bool planted;
	bool enabled;		/* its int3 is in memory now */
	bool unsure;		/* a fork's copy: memory may say otherwise */
	bool fresh;		/* being planted by the current tracer_bps_plant */
	uint8_t code[16];	/* the original bytes at addr */
	struct x86_insn insn;
	uint64_t slot;		/* out-of-line slot; 0: emulated */
	struct x86_call call;	/* insn.kind XK_CALL */
};

struct tracer_bps {
	struct bp *ent;
	int n, cap;
	uint64_t ool_page;	/* 0: none mapped yet */
	int slots_used;
};

struct tracer_bps *tracer_bps_new(void)
{
	return calloc(1, sizeof(struct tracer_bps));
}

int tracer_bps_fork(const struct tracer_bps *parent, struct tracer_bps **child)
{
	struct tracer_bps *c = malloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *parent;
	c->ent = NULL;
	if (parent->n) {
		c->ent = malloc((size_t)parent->n * sizeof(c->ent[0]));
		if (!c->ent) {
			free(c);
			return -ENOMEM;
		}
		memcpy(c->ent, parent->ent, (size_t)parent->n * sizeof(c->ent[0]));
		/* The child's memory was copied when the kernel forked, which
		 * may be before an enable or disable recorded here. */
		for (int i = 0; i < c->n; i++)
			c->ent[i].unsure = true;
	}
	c->cap = parent->n;
	*child = c;
	return 0;
}

void tracer_bps_trust(struct tracer_bps *b)
{
	for (int i = 0; b && i < b->n; i++)
		b->ent[i].unsure = false;
}

void tracer_bps_free(struct tracer_bps *b)
{
	if (!b)
		return;
	free(b->ent);
	free(b);
}

static struct bp *find_addr(const struct tracer_bps *b, uint64_t addr)
{
	for (int i = 0; b && i < b->n; i++)
		if (b->ent[i].addr == addr)
			return &b->ent[i];
	return NULL;
}

static int read_code(struct tracer_task *t, uint64_t addr, uint8_t code[16], size_t *n)
{
	uint64_t w;
	int rc;

	if (tracer_read_mem(t, addr, code, 16) >= 0) {
		*n = 16;
		return 0;
	}
	/* Last bytes of a mapping: one word is enough for most prologues. */
	if ((rc = tracer_peek(t, addr, &w)) < 0)
		return rc;
	memcpy(code, &w, 8);
	*n = 8;
	return 0;
}

static int append(struct tracer_bps *b, const struct bp *e)
{
	if (b->n == b->cap) {
		int cap = b->cap ? 2 * b->cap : 16;
		struct bp *ne = realloc(b->ent, (size_t)cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		b->ent = ne;
		b->cap = cap;
	}
	b->ent[b->n++] = *e;
	return 0;
}

int tracer_bp_add(struct tracer_bps *b, struct tracer_task *t, uint64_t addr, int id,
		  unsigned flags, struct tracer_bp_info *info)
{
	struct tracer_bp_info dummy;
	const struct bp *old = find_addr(b, addr);
	struct bp e;
	size_t n;
	int rc;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	if (old) {
		info->other = old->id;
		return -EEXIST;
	}
	memset(&e, 0, sizeof(e));
	e.addr = addr;
	e.id = id;
	if ((rc = read_code(t, addr, e.code, &n)) < 0)
		return rc;
	memcpy(info->code, e.code, sizeof(info->code));
	if ((rc = x86_decode(e.code, n, &e.insn)) < 0)
		return -ENOTSUP;
	if (flags & TRACER_BP_OOL)
		e.insn.kind = XK_OOL;
	if ((rc = append(b, &e)) < 0)
		return rc;
	info->len = e.insn.len;
	info->ool = e.insn.kind == XK_OOL;
	return 0;
}

/* Functions longer than this are not decoded to find a call in them. */
#define CALL_SCAN_MAX (1u << 20)

int tracer_bp_add_call(struct tracer_bps *b, struct tracer_task *t, uint64_t ret_addr,
		       uint64_t func, int id, uint64_t *call_addr)
{
	uint64_t len = ret_addr - func;
	uint8_t *code;
	struct bp e;
	size_t n;
	int rc;

	if (ret_addr <= func || len > CALL_SCAN_MAX)
		return -ENOENT;
	if (!(code = malloc(len)))
		return -ENOMEM;
	rc = tracer_read_mem(t, func, code, len);
	memset(&e, 0, sizeof(e));
	if (rc >= 0)
		rc = x86_find_call(code, len, func, ret_addr, &e.addr, &e.call);
	free(code);
	if (rc < 0)
		return rc;
	if (find_addr(b, e.addr))
		return -EEXIST;
	e.id = id;
	if ((rc = read_code(t, e.addr, e.code, &n)) < 0)
		return rc;
	e.insn.kind = XK_CALL;
	e.insn.len = e.call.len;
	if ((rc = append(b, &e)) < 0)
		return rc;
	*call_addr = e.addr;
	return 0;
}

struct calls_ctx {
	struct tracer_bps *b;
	struct tracer_task *t;
	int id0, max, n;
	uint64_t *calls;
	uint8_t *lens;
};

static int add_one_call(void *arg, uint64_t addr, const struct x86_call *c)
{
	struct calls_ctx *x = arg;
	const struct bp *old;
	struct bp e;
	size_t n;
	int rc;

	if (x->n >= x->max)
		return -ENOSPC;
	if ((old = find_addr(x->b, addr)))
		/* Another range's copy of the same call; anything else there
		 * (a return's breakpoint) would leave this call unseen. */
		return old->insn.kind == XK_CALL ? 0 : -EEXIST;
	memset(&e, 0, sizeof(e));
	e.addr = addr;
	e.id = x->id0 + x->n;
	e.call = *c;
	e.insn.kind = XK_CALL;
	e.insn.len = c->len;
	if ((rc = read_code(x->t, addr, e.code, &n)) < 0 || (rc = append(x->b, &e)) < 0)
		return rc;
	x->calls[x->n] = addr;
	x->lens[x->n++] = c->len;
	return 0;
}

int tracer_bp_add_calls(struct tracer_bps *b, struct tracer_task *t, uint64_t entry, uint64_t lo,
			uint64_t hi, int id0, int max, uint64_t *calls, uint8_t *lens)
{
	struct calls_ctx x = { b, t, id0, max, 0, calls, lens };
	uint64_t len = hi - entry;
	int nb = b->n, rc;
	uint8_t *code;

	if (hi <= entry || lo < entry || len > CALL_SCAN_MAX)
		return -ENOENT;
	if (!(code = malloc(len)))
		return -ENOMEM;
	rc = tracer_read_mem(t, entry, code, len);
	if (rc >= 0)
		rc = x86_calls_in(code, len, entry, lo, hi, add_one_call, &x);
	free(code);
	if (rc < 0) {
		b->n = nb;	/* none of them: nothing was planted yet */
		return rc;
	}
	return x.n;
}

static void drop_at(struct tracer_bps *b, int i)
{
	memmove(&b->ent[i], &b->ent[i + 1], (size_t)(b->n - i - 1) * sizeof(b->ent[0]));
	b->n--;
}

/* Drop new entries that would break others: a breakpoint inside
 * another's first insn would be half-executed by passing that one. One
 * right after it is simply hit next (an emulated pass sets rip there, an
 * out-of-line one jumps back there), as the program's own run would. */
static int drop_overlaps(struct tracer_bps *b, tracer_bp_drop_fn drop, void *arg)
{
	for (int j = 0; j < b->n; j++) {
		for (int i = 0; i < b->n; i++) {
			const struct bp *a = &b->ent[i], *e = &b->ent[j];
			int rc;

			if (i == j || e->planted || e->addr <= a->addr ||
			    e->addr >= a->addr + a->insn.len)
				continue;
			if (drop && (rc = drop(arg, e->id, TRACER_BP_OVERLAP, -EBUSY, a->id)) < 0)
				return rc;
			drop_at(b, j--);
			break;
		}
	}
	return 0;
}

static int fill_slot(struct tracer_task *t, struct bp *e, uint64_t slot)
{
	uint8_t buf[SLOT_SIZE];
	uint64_t back = e->addr + e->insn.len;
	int len, rc;

	memset(buf, 0xcc, sizeof(buf));
	if ((len = x86_relocate(&e->insn, e->code, e->addr, slot, buf)) < 0)
		return len;
	/* jmp *0(%rip) ; .quad back: absolute, so the slot may be anywhere. */
	memcpy(buf + len, (const uint8_t[6]){ 0xff, 0x25, 0, 0, 0, 0 }, 6);
	memcpy(buf + len + 6, &back, 8);
	if ((rc = tracer_write_mem(t, slot, buf, sizeof(buf))) < 0)
		return rc;
	e->slot = slot;
	return 0;
}

/* Give every new out-of-line entry a slot; those that cannot get one are
 * dropped (or the plant fails, as drop says). */
static int setup_slots(struct tracer_bps *b, struct tracer_task *t, tracer_bp_drop_fn drop,
		       void *arg)
{
	int first = -1, rc = 0;

	for (int i = 0; i < b->n && first < 0; i++)
		if (!b->ent[i].planted && b->ent[i].insn.kind == XK_OOL)
			first = i;
	if (first < 0)
		return 0;
	if (!b->ool_page) {
		rc = tracer_remote_mmap_near(t, b->ent[first].addr, PAGE, PROT_READ | PROT_EXEC,
					     &b->ool_page);
		if (rc == 0)
			fz_debug("breakpoint: out-of-line page at %#lx (wanted near %#lx)\n",
				 (unsigned long)b->ool_page, (unsigned long)b->ent[first].addr);
	}
	for (int i = 0; i < b->n; i++) {
		struct bp *e = &b->ent[i];
		int frc = rc, drc;

		if (e->planted || e->insn.kind != XK_OOL)
			continue;
		if (frc == 0 && b->slots_used >= PAGE / SLOT_SIZE)
			frc = -ENOSPC;
		if (frc == 0)
			frc = fill_slot(t, e, b->ool_page + (uint64_t)b->slots_used * SLOT_SIZE);
		if (frc == 0) {
			b->slots_used++;
			continue;
		}
		if (drop && (drc = drop(arg, e->id, TRACER_BP_NO_SLOT, frc, -1)) < 0)
			return drc;
		drop_at(b, i--);
	}
	return 0;
}

/* Put the original first byte back where this plant wrote an int3 (when
 * planting fails half-way). */
static void unplant_fresh(struct tracer_task *t, struct tracer_bps *b)
{
	for (int i = 0; i < b->n; i++) {
		struct bp *e = &b->ent[i];
		uint64_t w;

		if (!e->fresh || !e->planted)
			continue;
		e->planted = false;
		if (tracer_peek(t, e->addr, &w) == 0)
			tracer_poke(t, e->addr, (w & ~0xffULL) | e->code[0]);
	}
}

int tracer_bps_plant(struct tracer_bps *b, struct tracer_task *t, tracer_bp_drop_fn drop,
		     void *arg)
{
	int rc;

	if ((rc = drop_overlaps(b, drop, arg)) < 0 || (rc = setup_slots(b, t, drop, arg)) < 0)
		return rc;
	for (int i = 0; i < b->n; i++)
		b->ent[i].fresh = !b->ent[i].planted;
	for (int i = 0; i < b->n; i++) {
		struct bp *e = &b->ent[i];
		uint64_t w;

		if (!e->fresh)
			continue;
		/* Re-read: a neighbour's 0xcc may already be in this word. */
		if ((rc = tracer_peek(t, e->addr, &w)) < 0 ||
		    (rc = tracer_poke(t, e->addr, (w & ~0xffULL) | 0xcc)) < 0) {
			if (drop)
				drop(arg, e->id, TRACER_BP_UNWRITABLE, rc, -1);
			unplant_fresh(t, b);
			return rc;
		}
		e->planted = e->enabled = true;
	}
	return 0;
}

int tracer_bp_enable(struct tracer_bps *b, struct tracer_task *t, uint64_t addr, bool on)
{
	struct bp *e = find_addr(b, addr);
	uint64_t w;
	int rc;

	if (!e || !e->planted)
		return -ENOENT;
	if (e->enabled == on && !e->unsure)
		return 0;
	if ((rc = tracer_peek(t, e->addr, &w)) < 0 ||
	    (rc = tracer_poke(t, e->addr, (w & ~0xffULL) | (on ? 0xcc : e->code[0]))) < 0)
		return rc;
	e->enabled = on;
	e->unsure = false;
	return 0;
}

/* Where the call at e goes with registers r. */
static int call_target(const struct bp *e, struct tracer_task *t, struct user_regs_struct *r,
		       uint64_t *target)
{
	const struct x86_call *c = &e->call;
	uint64_t a;

	switch (c->how) {
	case XC_IMM:
		*target = c->target;
		return 0;
	case XC_REG:
		*target = *x86_reg(r, c->base);
		return 0;
	case XC_MEM:
		a = (uint64_t)c->disp;
		if (c->riprel)
			a += e->addr + c->len;
		if (c->base >= 0)
			a += *x86_reg(r, c->base);
		if (c->index >= 0)
			a += *x86_reg(r, c->index) * c->scale;
		return tracer_read_mem(t, a, target, 8);
	}
	return -EINVAL;
}

/* Do what the call does: push its return address, go to its target. */
static int pass_call(const struct bp *e, struct tracer_task *t, struct user_regs_struct *r)
{
	uint64_t target, ret = e->addr + e->call.len;
	int rc;

	r->rip = e->addr;
	if ((rc = call_target(e, t, r, &target)) < 0)
		return rc;
	/* Store before committing rsp, as for a push. */
	if ((rc = tracer_write_mem(t, r->rsp - 8, &ret, 8)) < 0)
		return rc;
	r->rsp -= 8;
	r->rip = target;
	return 0;
}

int tracer_bp_hit(const struct tracer_bps *b, const struct user_regs_struct *regs,
		  uint64_t *addr)
{
	const struct bp *e = find_addr(b, regs->rip - 1);

	if (!e || !e->planted)
		return -ENOENT;
	if (addr)
		*addr = e->addr;
	return e->id;
}

int tracer_bp_pass(const struct tracer_bps *b, struct tracer_task *t,
		   struct user_regs_struct *regs, uint64_t addr)
{
	const struct bp *e = find_addr(b, addr);
	struct user_regs_struct r = *regs;
	uint64_t memval = 0, push_val;
	int rc;

	if (!e || !e->planted)
		return -ENOENT;
	if (e->insn.kind == XK_CALL) {
		if ((rc = pass_call(e, t, &r)) < 0)
			return rc;
	} else if (e->slot) {
		r.rip = e->slot;
	} else {
		if (e->insn.kind == XK_ALU && (e->insn.src_mem || e->insn.dst < 0)) {
			rc = tracer_read_mem(t, x86_riprel_target(&e->insn, e->addr), &memval,
					     e->insn.width);
			if (rc < 0)
				return rc;
		}
		if ((rc = x86_emulate(&e->insn, e->addr, &r, memval, &push_val)) < 0)
			return rc;
		/* Store before committing rsp, so a failure leaves the task as
		 * it was (the word below rsp is free at a function's entry). */
		if (rc == 1 && (rc = tracer_write_mem(t, r.rsp, &push_val, 8)) < 0)
			return rc;
	}
	if ((rc = tracer_setregs(t, &r)) < 0)
		return rc;
	*regs = r;
	return 0;
}

int tracer_bp_return(struct tracer_task *t, struct user_regs_struct *regs, uint64_t ret)
{
	struct user_regs_struct r = *regs;
	uint64_t ra;
	int rc;

	/* Nothing of the function has run: [rsp] is the return address. */
	if ((rc = tracer_peek(t, r.rsp, &ra)) < 0)
		return rc;
	r.rax = ret;
	r.rip = ra;
	r.rsp += 8;
	if ((rc = tracer_setregs(t, &r)) < 0)
		return rc;
	*regs = r;
	return 0;
}
