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

/* Per address space. */
struct alloc_mm {
	struct bp_mm *bp;	/* the breakpoints, once armed at the entry point */
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

#endif
