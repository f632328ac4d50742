#include "config.h"

/* alloc_call.c - the allocator breakpoints of one address space, and what
 * a hit on one means.
 *
 * The breakpoints are the tracer's (tracer/services.h: planted once, never
 * lifted, passed by emulating or displacing the first instruction). This
 * file chooses them (alloc_sites.c), says which hits are calls of the
 * program, and fails a call as the allocator would: NULL with errno
 * ENOMEM, written at errno's TLS offset in the calling thread.
 *
 * Static programs: glibc's static start-up (_dl_non_dynamic_init,
 * _dl_find_object_init...) calls malloc before main, and treats a failure
 * there as fatal by design. So a static program's table starts "dormant":
 * allocator hits are passed through unseen, and one more breakpoint, the
 * stage breakpoint on main (passed like the others, never lifted), arms
 * the address space at its first hit from any thread.
 *
 * Env FZ_DEBUG: log to stderr; if its value contains "ool", run every
 * displaced insn out of line (to test that path on glibc's prologues).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/alloc_call.h"
#include "tracer/services.h"
#include "util/util.h"

/* Breakpoint id of the stage breakpoint on main: not an allocator. (The
 * allocators' ids are their enum alloc_call.) */
#define BP_STAGE_MAIN AC_NCALLS

struct bp_mm {
	struct tracer_bps *bps;
	/* Where each id's breakpoint is (0: none), for bp_pass/bp_fail by
	 * call when rip no longer says. */
	uint64_t addr[AC_NCALLS + 1];
	int64_t errno_tpoff;
	/* Static program before main: allocator hits are not calls of the
	 * program. Cleared by the first hit of the stage breakpoint. */
	bool dormant;
	bool parked;	/* taken out of a parked template's memory (bp_mm_park) */
};

static const char *ent_name(int id)
{
	return id == BP_STAGE_MAIN ? "main" : alloc_call_name(id);
}

static void note(char *why, int whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append "; text" to why[] (notes about calls that were skipped). */
static void note(char *why, int whylen, const char *fmt, ...)
{
	size_t used = strnlen(why, (size_t)whylen);
	va_list ap;

	if (whylen <= 0 || used + 3 >= (size_t)whylen)
		return;
	if (used)
		used += (size_t)snprintf(why + used, (size_t)whylen - used, "; ");
	if (used >= (size_t)whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why + used, (size_t)whylen - used, fmt, ap);
	va_end(ap);
}

struct arm_ctx {
	struct bp_mm *bp;
	char *why;
	int whylen;
};

/* Add the breakpoint of id (an allocator or BP_STAGE_MAIN) at addr; no
 * writes to the tracee. Returns 0 when added or skipped with a note,
 * -errno when arming must fail (malloc is not usable). */
static int add(struct tracer_task *t, struct arm_ctx *a, uint64_t addr, int id, const char *obj)
{
	struct tracer_bp_info info;
	unsigned flags = fz_debug_has("ool") ? TRACER_BP_OOL : 0;
	int rc = tracer_bp_add(a->bp->bps, t, addr, id, flags, &info);

	if (rc == -EEXIST) {
		/* An alias (glibc: aligned_alloc = memalign): hits are
		 * reported as the first name. */
		fz_debug("alloc: %s is an alias of %s\n", ent_name(id), ent_name(info.other));
		return 0;
	}
	if (rc == -ENOTSUP) {
		if (id == AC_MALLOC) {
			snprintf(a->why, (size_t)a->whylen,
				 "cannot decode the first instruction of malloc in %s "
				 "(%02x %02x %02x %02x)", obj, info.code[0], info.code[1],
				 info.code[2], info.code[3]);
			return -ENOTSUP;
		}
		note(a->why, a->whylen, "%s: first instruction %02x %02x %02x not supported",
		     ent_name(id), info.code[0], info.code[1], info.code[2]);
		return 0;
	}
	if (rc < 0) {
		if (id == BP_STAGE_MAIN) {
			note(a->why, a->whylen, "main: unreadable (%s)", strerror(-rc));
			return 0;
		}
		snprintf(a->why, (size_t)a->whylen, "cannot read %s at %#lx: %s", ent_name(id),
			 (unsigned long)addr, strerror(-rc));
		return rc;
	}
	a->bp->addr[id] = addr;
	fz_debug("alloc: %s at %#lx in %s, first insn %d bytes, %s\n", ent_name(id),
		 (unsigned long)addr, obj, info.len, info.ool ? "out of line" : "emulated");
	return 0;
}

/* The tracer could not keep one of them: a note, or the end of arming
 * when it is malloc's out-of-line slot or any int3 write. */
static int on_drop(void *arg, int id, enum tracer_bp_drop why, int err, int other)
{
	struct arm_ctx *a = arg;

	a->bp->addr[id] = 0;
	switch (why) {
	case TRACER_BP_OVERLAP:
		note(a->why, a->whylen, "%s: overlaps the first insn of %s", ent_name(id),
		     ent_name(other));
		return 0;
	case TRACER_BP_NO_SLOT:
		if (id == AC_MALLOC) {
			snprintf(a->why, (size_t)a->whylen, "malloc needs an out-of-line slot: %s",
				 strerror(-err));
			return err;
		}
		note(a->why, a->whylen, "%s: no out-of-line slot (%s)", ent_name(id),
		     strerror(-err));
		return 0;
	default:
		snprintf(a->why, (size_t)a->whylen, "cannot plant a breakpoint on %s: %s",
			 ent_name(id), strerror(-err));
		return err;
	}
}

/* Choose and add the breakpoints; no writes to the tracee yet. */
static int collect(struct tracer_task *t, const struct alloc_sites *s, struct arm_ctx *a)
{
	int rc;

	for (int k = 0; k < AC_NCALLS; k++) {
		if (!s->addr[k]) {
			note(a->why, a->whylen, "%s: %s", alloc_call_name(k), s->skip[k]);
			continue;
		}
		if ((rc = add(t, a, s->addr[k], k, s->obj[k])) < 0)
			return rc;
	}
	if (!s->is_static)
		return 0;
	/* Static: calls count from main (stage breakpoint); without main
	 * (stripped), from the entry point as before. */
	if (!s->main_addr) {
		note(a->why, a->whylen, "main: not in .symtab, calls count from the entry point");
		return 0;
	}
	return add(t, a, s->main_addr, BP_STAGE_MAIN, "(exe)");
}

int bp_mm_arm(struct tracer_task *t, struct bp_mm **out, char *why, int whylen)
{
	struct alloc_sites s;
	struct arm_ctx a = { NULL, why, whylen };
	int rc;

	*out = NULL;
	if (whylen > 0)
		why[0] = 0;
	if ((rc = alloc_sites_find(t, &s, why, whylen)) < 0)
		return rc;
	a.bp = calloc(1, sizeof(*a.bp));
	if (a.bp)
		a.bp->bps = tracer_bps_new();
	if (!a.bp || !a.bp->bps) {
		bp_mm_free(a.bp);
		snprintf(why, (size_t)whylen, "out of memory");
		return -ENOMEM;
	}
	a.bp->errno_tpoff = s.errno_tpoff;
	rc = collect(t, &s, &a);
	if (rc == 0)
		rc = tracer_bps_plant(a.bp->bps, t, on_drop, &a);
	if (rc < 0) {
		bp_mm_free(a.bp);
		return rc;
	}
	/* Dormant only if the stage breakpoint was planted; otherwise a
	 * static program counts from its entry point. */
	a.bp->dormant = a.bp->addr[BP_STAGE_MAIN] != 0;
	/* Callers read a non-empty why[] as "could not arm": the notes about
	 * calls left unhooked are only for the debug log. */
	if (whylen > 0 && why[0]) {
		fz_debug("alloc: not hooked: %s\n", why);
		why[0] = 0;
	}
	*out = a.bp;
	return 0;
}

int bp_mm_fork(const struct bp_mm *parent, struct bp_mm **child)
{
	struct bp_mm *c = malloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *parent;
	if (tracer_bps_fork(parent->bps, &c->bps) < 0) {
		free(c);
		return -ENOMEM;
	}
	*child = c;
	return 0;
}

void bp_mm_free(struct bp_mm *bp)
{
	if (!bp)
		return;
	tracer_bps_free(bp->bps);
	free(bp);
}

int bp_mm_enable(struct bp_mm *bp, struct tracer_task *t, bool on)
{
	int rc;

	for (int k = 0; k < AC_NCALLS; k++)
		if (bp->addr[k] && (rc = tracer_bp_enable(bp->bps, t, bp->addr[k], on)) < 0 &&
		    rc != -ENOENT)
			return rc;
	return 0;
}

int bp_mm_park(struct bp_mm *bp, struct tracer_task *t)
{
	int rc = bp_mm_enable(bp, t, false);

	bp->parked = rc == 0;
	return rc;
}

void bp_mm_trust(struct bp_mm *bp)
{
	tracer_bps_trust(bp->bps);
}

int bp_mm_unpark(struct bp_mm *bp, struct tracer_task *t)
{
	return bp->parked ? bp_mm_enable(bp, t, true) : 0;
}

bool bp_mm_dormant(const struct bp_mm *bp)
{
	return bp && bp->dormant;
}

int bp_hit_kind(bool dormant, bool stage)
{
	return stage || dormant ? 2 : 1;
}

int bp_hit(struct bp_mm *bp, struct tracer_task *t, const struct user_regs_struct *regs,
	   enum alloc_call *call, uint64_t *ret_addr)
{
	uint64_t addr;
	int id = bp ? tracer_bp_hit(bp->bps, regs, &addr) : -ENOENT;
	int rc;

	if (id < 0)
		return 0;
	if (bp_hit_kind(bp->dormant, id == BP_STAGE_MAIN) == 2) {
		/* Not a call of the program: pass it here, unseen. Arm only
		 * once the task is set to run main. */
		struct user_regs_struct r = *regs;

		if ((rc = tracer_bp_pass(bp->bps, t, &r, addr)) < 0)
			return rc;
		if (id == BP_STAGE_MAIN && bp->dormant) {
			bp->dormant = false;
			fz_debug("alloc: main reached by tid %d: calls count from now\n",
				 (int)tracer_task_tid(t));
		}
		return 2;
	}
	/* Nothing of the function has run yet: [rsp] is the return address. */
	if ((rc = tracer_peek(t, regs->rsp, ret_addr)) < 0)
		return rc;
	*call = (enum alloc_call)id;
	return 1;
}

/* The breakpoint regs stopped at: by rip (still just past our int3), else
 * by call for a caller that already moved rip. 0: none. */
static uint64_t addr_of(const struct bp_mm *bp, const struct user_regs_struct *regs,
			enum alloc_call call)
{
	uint64_t addr;

	if (!bp)
		return 0;
	if (tracer_bp_hit(bp->bps, regs, &addr) >= 0)
		return addr;
	return (unsigned)call < AC_NCALLS ? bp->addr[call] : 0;
}

int bp_pass(struct bp_mm *bp, struct tracer_task *t, struct user_regs_struct *regs,
	    enum alloc_call call)
{
	uint64_t addr = addr_of(bp, regs, call);

	return addr ? tracer_bp_pass(bp->bps, t, regs, addr) : -ENOENT;
}

int bp_fail(struct bp_mm *bp, struct tracer_task *t, struct user_regs_struct *regs,
	    enum alloc_call call)
{
	int32_t err = ENOMEM;
	int rc;

	if (!addr_of(bp, regs, call))
		return -ENOENT;
	/* Returns the error number; *memptr and errno untouched. */
	if (call == AC_POSIX_MEMALIGN)
		return tracer_bp_return(t, regs, ENOMEM);
	/* fs_base is 0 only before a static program set up its TLS, where no
	 * errno exists yet. */
	if (regs->fs_base &&
	    (rc = tracer_write_mem(t, regs->fs_base + (uint64_t)bp->errno_tpoff, &err,
				   sizeof(err))) < 0)
		return rc;
	return tracer_bp_return(t, regs, 0);
}
