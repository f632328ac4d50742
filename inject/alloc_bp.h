/* alloc_bp.h - call-level allocation faults with int3 breakpoints.
 *
 * Internal to inject/. Breakpoints go on the definition of each allocator
 * entry point that the program really binds to (first definer in the global
 * lookup scope: an LD_PRELOAD allocator or ASan's interceptors win over
 * libc; a static binary's own .symtab). They are never lifted: passing a
 * call emulates or displaces its first instruction, failing a call emulates
 * the return (docs/kernel-facts.md#allocator-binding, #breakpoint-pass-through).
 *
 * What counts as a call of the program:
 *  - dynamic program: every call from the entry point on (AT_ENTRY, where
 *    bp_mm_arm runs). Library constructors run before it and are not
 *    hooked; ld.so's and libc's own later calls (pthread_create's TLS,
 *    stdio buffers) are.
 *  - static program (no PT_INTERP): every call from the first entry into
 *    main on. glibc's static start-up allocates before main and treats a
 *    failure there as fatal by design, so those calls are passed through
 *    and never reported (nor are the program's own constructors'). libc's
 *    calls after main (stdio buffers) are reported. Without main in .symtab
 *    it would count from the entry point, but a stripped static binary has
 *    no malloc symbol either, so bp_mm_arm fails anyway.
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
 * plant the breakpoints (a static program's start dormant, plus a stage
 * breakpoint on main that arms them). Returns 0, or -ENOENT with a reason
 * in why[] when no allocator definition can be found (e.g. a stripped
 * static binary). */
int bp_mm_arm(struct tracer_task *t, struct bp_mm **out, char *why, int whylen);
/* After fork: the child has the parent's int3 bytes and out-of-line page,
 * and its dormant/armed state. */
int bp_mm_fork(const struct bp_mm *parent, struct bp_mm **child);
void bp_mm_free(struct bp_mm *bp);
/* A static program before main: what it does is glibc's start-up, not the
 * program (see above); the kernel level of the class skips it too. */
bool bp_mm_dormant(const struct bp_mm *bp);

/* At a SIGTRAP stop of t with registers regs (rip - 1 is the int3):
 *   1: an allocator call of the program: *call and *ret_addr (the call's
 *      return address) are set, the caller must bp_pass or bp_fail it;
 *   2: one of our breakpoints, already handled (the task's registers are
 *      set to resume; *call and *ret_addr untouched): the stage breakpoint
 *      on main, or an allocator call before main in a static program.
 *      Nothing to decide or record: just resume the task;
 *   0: not one of ours;
 *   -errno: could not read or resume the task. */
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
