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

/* TFD_TIMER_CANCEL_ON_SET timers a step cancelled whose next read has not
 * come yet: our pidfd_getfd copies (clock_cancel.c). */
struct clock_cancel {
	int dup[16];
	int n;
};

/* Threads asleep in a call with an absolute deadline (clock_sleep.c):
 * base is the enum step_clock of the deadline's clock; kicked: woken by a
 * step, to restart with the deadline handed over anew. */
struct clock_sleeper {
	pid_t tid;
	int8_t base;
	bool kicked;
};
struct clock_sleepers {
	struct clock_sleeper s[64];
	int n;
};

/* Per run: the shifts in effect for the whole tree, how many steps made
 * them, the timers they cancelled, the threads asleep on a deadline. */
struct clock_run {
	struct clock_shift shift;
	unsigned steps;
	struct clock_cancel cancel;
	struct clock_sleepers sleep;
};

/* clock_deadline.c: at a syscall taking an absolute deadline (watched
 * only in runs that may step): with its clock shifted, hand the kernel the deadline
 * minus the shift (a copy below the stack's red zone; the argument
 * register is put back at the exit). */
int clock_deadline_on_watch(struct inject *inj, int cls, struct tracer_task *t,
			    const struct syscall_stop *s);

/* The syscalls watched in runs that may step: the deadline calls and
 * the reads of timerfds (clock_class.c). */
extern const char clock_watch_calls[];

/* clock_cancel.c: at a step that moves REALTIME against MONOTONIC, give
 * every TFD_TIMER_CANCEL_ON_SET timer of the tree the kernel's cancel: a
 * tick that wakes its waiters now, ECANCELED from its next read. */
void clock_cancel_step(struct clock_cancel *cc, struct tracer_task *t);
/* At a read or readv entry: a read of such a timer wants its exit. */
int clock_cancel_on_read(struct clock_cancel *cc, struct tracer_task *t,
			 const struct syscall_stop *s);
/* At its exit: the first read of a cancelled timer fails ECANCELED. */
int clock_cancel_on_exit(struct clock_cancel *cc, struct tracer_task *t,
			 const struct syscall_stop *s, int64_t ret);
/* clock_sleep.c: a thread going to sleep until a deadline on base (its
 * exit is asked for); its exit (a futex woken by a step restarts as
 * itself); a step that moved the bases in mask moved wakes every other
 * sleeper on them, to sleep again to the deadline handed over anew. */
void clock_sleep_enter(struct clock_sleepers *z, struct tracer_task *t, int base);
int clock_sleep_exit(struct clock_sleepers *z, struct tracer_task *t, int64_t ret);
void clock_sleep_step(struct clock_sleepers *z, struct tracer_task *t, unsigned moved);

/* clock_tsc.c: at an image's entry point, make rdtsc fault in this task
 * (and what it forks and execs); at the SIGSEGV of one, emulate it with
 * the run's MONOTONIC jump added: 1 consumed, 0 not an rdtsc, -errno. */
int clock_tsc_arm(struct tracer_task *t);
int clock_tsc_on_signal(struct clock_run *run, struct tracer_task *t, int sig,
			const siginfo_t *si);

/* Drop the pending cancels (closes the copies). */
void clock_cancel_reset(struct clock_cancel *cc);

#endif
