/* alloc_bp.h - call-level allocation faults with int3 breakpoints.
 *
 * Internal to inject/. Breakpoints go on the definition of each allocator
 * entry point that the program really binds to (first definer in the global
 * lookup scope: an LD_PRELOAD allocator or ASan's interceptors win over
 * libc; a static binary's own .symtab). They are never lifted: passing a
 * call emulates or displaces its first instruction, failing a call emulates
 * the return (shared/notes/MALLOCBP-FACTS.md).
 */
#ifndef FZ_ALLOC_BP_H
#define FZ_ALLOC_BP_H

#include <stdint.h>
#include <sys/user.h>

#include "tracer/tracer.h"

enum alloc_call {
	AC_MALLOC,
	AC_CALLOC,
	AC_REALLOC,
	AC_REALLOCARRAY,
	AC_ALIGNED_ALLOC,
	AC_MEMALIGN,
	AC_POSIX_MEMALIGN,
	AC_VALLOC,
	AC_PVALLOC,
	AC_NCALLS
};
const char *alloc_call_name(enum alloc_call c);
int alloc_call_by_name(const char *name);	/* -1 if unknown */

struct bp_mm;	/* breakpoints of one address space */

/* At the program's entry point (task t stopped): find the definitions and
 * plant the breakpoints. Returns 0, or -ENOENT with a reason in why[] when
 * no allocator definition can be found (e.g. a stripped static binary). */
int bp_mm_arm(struct tracer_task *t, struct bp_mm **out, char *why, int whylen);
/* After fork: the child has the parent's int3 bytes and out-of-line page. */
int bp_mm_fork(const struct bp_mm *parent, struct bp_mm **child);
void bp_mm_free(struct bp_mm *bp);

/* At a SIGTRAP stop of t with registers regs: if rip - 1 is one of our
 * breakpoints, return 1 and set *call and *ret_addr (the call's return
 * address); return 0 when it is not ours. */
int bp_hit(struct bp_mm *bp, struct tracer_task *t, const struct user_regs_struct *regs,
	   enum alloc_call *call, uint64_t *ret_addr);
/* Let the intercepted call run normally. */
int bp_pass(struct bp_mm *bp, struct tracer_task *t, struct user_regs_struct *regs,
	    enum alloc_call call);
/* Fail it the way the real function fails: NULL + errno ENOMEM (realloc's
 * old block untouched); posix_memalign returns ENOMEM and leaves *memptr. */
int bp_fail(struct bp_mm *bp, struct tracer_task *t, struct user_regs_struct *regs,
	    enum alloc_call call);

#endif
