/* alloc_class.h - the alloc fault class: allocator calls fail through
 * breakpoints (alloc_call.h), the syscalls that take memory from the kernel
 * as the kernel fails them (alloc_kernel.c). Internal to inject/; its row
 * is in classes.c. */
#ifndef FZ_ALLOC_CLASS_H
#define FZ_ALLOC_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "inject/alloc_call.h"
#include "inject/classes.h"

extern const struct class_hooks alloc_class_hooks;

struct alloc_gate;	/* alloc_gate.c */

/* Per address space. */
struct alloc_mm {
	struct bp_mm *bp;	/* the breakpoints, once armed at the entry point */
	struct alloc_gate *gate;	/* planned runs: where calls stop (NULL: all) */
	uint64_t brk_cur;	/* the break, from the last brk's result */
	bool brk_known;
};

/* Per run. */
struct alloc_run {
	bool mem_exhausted;	/* an exhaust fault fired: kernel memory is gone */
};

/* alloc_kernel.c: anonymous mmap, growing mremap and brk, writable
 * mprotect fail as the kernel fails them. */
int alloc_kernel_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			    const struct syscall_stop *s);
int alloc_kernel_on_exit(struct inject *inj, int cls, struct tracer_task *t,
			 const struct syscall_stop *s, int64_t ret);

/* alloc_gate.c: in a planned run, allocator calls stop only inside the
 * calls of the plan's sites. At the entry point, after arming: set up the
 * gate when every allocation fault of the plan names a site it can break
 * on (else nothing changes). Returns 0 or -errno. */
int alloc_gate_setup(struct inject *inj, struct alloc_mm *m, struct tracer_task *t);
/* A SIGTRAP that is not an allocator's: 1 when it was the gate's (passed),
 * 0 when not, -errno. */
int alloc_gate_on_trap(struct alloc_mm *m, struct tracer_task *t, struct user_regs_struct *regs);
/* After an allocator call was decided: with no allocation fault pending,
 * every breakpoint leaves memory. */
int alloc_gate_after_call(struct inject *inj, struct alloc_mm *m, struct tracer_task *t);
/* An mmap stop: a file mapped executable (a dlopen) may hold a pinned
 * caller's code the gate never saw: the allocators stay in. */
int alloc_gate_on_mmap(struct alloc_mm *m, struct tracer_task *t, const struct syscall_stop *s);
int alloc_gate_fork(const struct alloc_gate *parent, struct alloc_gate **child);
void alloc_gate_free(struct alloc_gate *g);

#endif
