/* clock_class.h - the clock fault class: the vDSO hidden at every exec so
 * clocks are read by syscall, and clock steps applied to what those reads
 * return, for the whole traced tree (internal to inject/; its rows are in
 * fault_table.c, the steps' grammar in clock_step.h). */
#ifndef FZ_CLOCK_CLASS_H
#define FZ_CLOCK_CLASS_H

#include "inject/classes.h"
#include "inject/clock_step.h"
#include "inject/inject_int.h"

extern const struct class_hooks clock_class_hooks;

/* Per run: the shifts in effect for the whole tree, and how many steps
 * made them. */
struct clock_run {
	struct clock_shift shift;
	unsigned steps;
};

/* clock_deadline.c: the syscalls taking an absolute deadline that a step
 * must correct, space-separated (watched only in runs that may step). */
extern const char clock_deadline_calls[];
/* At one of them: with its clock shifted, hand the kernel the deadline
 * minus the shift (a copy below the stack's red zone; the argument
 * register is put back at the exit). */
int clock_deadline_on_watch(struct inject *inj, int cls, struct tracer_task *t,
			    const struct syscall_stop *s);

#endif
