/* alloc_call.h - call-level allocation faults (the alloc class's user
 * level), built on the tracer's never-lifted breakpoints.
 *
 * Internal to inject/. Breakpoints go on the definition of each allocator
 * entry point that the program really binds to (first definer in the global
 * lookup scope: an LD_PRELOAD allocator or ASan's interceptors win over
 * libc; a static binary's own .symtab). Passing a call lets the tracer
 * execute the displaced first instruction; failing a call makes the
 * function return NULL at once with errno ENOMEM (tracer/services.h;
 * docs/kernel-facts.md#allocator-binding, #breakpoint-pass-through).
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
 *
 * alloc_sites.c finds what to break on and where errno is; alloc_call.c
 * arms the breakpoints and decides what a hit is.
 */
#ifndef FZ_ALLOC_CALL_H
#define FZ_ALLOC_CALL_H

#include <stdbool.h>
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
/* Put the allocator breakpoints in memory (on) or take them out (the
 * stage breakpoint on main stays): alloc_gate.c. */
int bp_mm_enable(struct bp_mm *bp, struct tracer_task *t, bool on);
/* A static program before main: what it does is glibc's start-up, not the
 * program (see above); the kernel level of the class skips it too. */
bool bp_mm_dormant(const struct bp_mm *bp);
/* Snapshot mode. park: the template's allocator breakpoints come out of
 * its memory (a fuzz run without allocation faults, most of them, needs
 * none: its child then writes nothing). trust: a child of that template,
 * its copy of them exact (tracer_bps_trust). unpark: a child whose run
 * needs every allocator call to stop puts them back in. */
int bp_mm_park(struct bp_mm *bp, struct tracer_task *t);
void bp_mm_trust(struct bp_mm *bp);
int bp_mm_unpark(struct bp_mm *bp, struct tracer_task *t);

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

/* --- alloc_sites.c: what to break on ------------------------------------ */
struct alloc_sites {
	uint64_t addr[AC_NCALLS];	/* 0: not found / not usable */
	const char *skip[AC_NCALLS];	/* static reason when addr == 0 */
	char obj[AC_NCALLS][64];	/* basename of the definer, for logs */
	int64_t errno_tpoff;		/* errno = fs_base + errno_tpoff */
	bool is_static;
	/* Static programs only: main from the exe's .symtab (0: not found,
	 * e.g. stripped). Allocator calls count from its first hit. */
	uint64_t main_addr;
};

/* Find the definitions the program binds to and errno's TLS offset.
 * Returns 0, -ENOENT (no malloc), -ENOTSUP (errno not locatable) or
 * another -errno, with a reason in why[]. */
int alloc_sites_find(struct tracer_task *t, struct alloc_sites *s, char *why, int whylen);

/* --- alloc_call.c: hit classification (pure) ---------------------------- */
/* What bp_hit returns for a hit on one of our breakpoints: 2 (pass it
 * unseen) for the stage breakpoint on main (stage) or for any hit while the
 * address space is dormant (a static program before main), else 1 (an
 * allocator call to decide on). The first stage hit while dormant arms the
 * address space (bp_hit clears dormant); later ones (main called again)
 * change nothing. */
int bp_hit_kind(bool dormant, bool stage);

#endif
