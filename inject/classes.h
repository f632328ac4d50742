/* classes.h - the fault class table (internal to inject/).
 *
 * A fault class is one row of fault_classes[] (classes.c): its name and
 * its hooks; what it fails and with which faults are the rows of the fault
 * table that name it (fault_table.h). Everything else is made from the
 * two tables: --inject's names and default set, --help's lines, the
 * syscalls the seccomp filter stops on, the dispatch of each stop, the
 * per-class counters of report.json, and which faults --fault accepts for
 * which call. A class's index in the table is its bit in a class mask and
 * its slot in per-class arrays; its code never names that index, the
 * engine passes it to every hook (cls).
 *
 * Adding a class: one row below, its rows in fault_table.c, plus the
 * class's own file(s) with its hooks (docs/design.md, "How to add a fault class").
 */
#ifndef FZ_CLASSES_H
#define FZ_CLASSES_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject/fault_table.h"
#include "inject/inject.h"

struct inject;

/* What a class does at each stop; any hook may be NULL. cls is the class's
 * index in fault_classes[]. */
struct class_hooks {
	/* Per address space state: mm_new makes it (at exec), mm_fork copies
	 * it (a fork without exec), mm_free drops it; hooks get it with
	 * inj_mm_state (NULL if it could not be made). */
	int (*mm_new)(void **state);
	int (*mm_fork)(const void *parent, void **child);
	void (*mm_free)(void *state);
	/* The exec stop of a new image (nothing of it has run yet): what
	 * must change before the loader runs (the clock class hides the
	 * vDSO). Only for the enabled classes. */
	int (*on_exec)(struct inject *inj, int cls, struct tracer_task *t);
	/* Per run state: run_size bytes, zeroed at every run start
	 * (inj_run_state). */
	size_t run_size;
	/* Free what the per run state holds, before it is zeroed for the
	 * next run and when the engine goes (NULL: nothing to free). */
	void (*run_reset)(void *state);
	/* The program's entry point: arm (e.g. plant breakpoints). A class
	 * that cannot arm says why in inj->problem[cls] (inject_problem()). */
	int (*on_entry)(struct inject *inj, int cls, struct tracer_task *t);
	/* Snapshot mode: a run's process forked from the template, which
	 * armed at its own entry point (inject_begin_template): arm for
	 * this run's plan (tracer_hooks.on_fork_start). */
	int (*on_fork_start)(struct inject *inj, int cls, struct tracer_task *t);
	/* Snapshot mode: the template is parked (tracer_hooks.on_park). */
	int (*on_park)(struct inject *inj, int cls, struct tracer_task *t);
	/* A lasting mode the class is in (a full disk, fs_write.c) fails a
	 * stop at one of its syscalls before any class decides it: 1 if it
	 * failed the call (then no class's on_syscall sees it), else 0. */
	int (*on_lasting)(struct inject *inj, int cls, struct tracer_task *t,
			  const struct syscall_stop *s);
	/* A stop at one of the syscalls it fails (before the call runs). A
	 * syscall may be failed by several classes (write: io's short
	 * transfers, fs's full disk): each decides the faults its rows give
	 * (inj_decide counts the stop once and fails it at most once). */
	int (*on_syscall)(struct inject *inj, int cls, struct tracer_task *t,
			  const struct syscall_stop *s);
	/* A stop at one of the syscalls it watches. */
	int (*on_watch)(struct inject *inj, int cls, struct tracer_task *t,
			const struct syscall_stop *s);
	/* The exit of one of its syscalls (failed or watched), once some
	 * hook asked for it (tracer_want_exit): every class that stops on
	 * that syscall gets it, so check it is one this class asked for. */
	int (*on_syscall_exit)(struct inject *inj, int cls, struct tracer_task *t,
			       const struct syscall_stop *s, int64_t ret);
	/* Stop at syscall nr, one it fails, only for some values of one
	 * argument (the clock ids a step moves): fill *c (with
	 * TRACER_COND_VALUES) and return true; false: every call stops. */
	bool (*narrow)(int nr, struct tracer_cond *c);
	/* A SIGTRAP: 1 if it is the class's own breakpoint (handled), 0 if
	 * not, -errno on failure (as tracer_hooks.on_trap). */
	int (*on_trap)(struct inject *inj, int cls, struct tracer_task *t);
	/* Another signal about to reach the task: 1 if the class consumed it
	 * (emulated the instruction that raised it), 0 if not, -errno. */
	int (*on_signal)(struct inject *inj, int cls, struct tracer_task *t, int sig,
			 const siginfo_t *si);
};

struct fault_class {
	const char *name;	/* --inject's word, report.json's counter */
	/* One line for --help (at most 49 characters: it is indented 31). */
	const char *summary;
	bool by_default;	/* in the set without --inject */
	/* Its faults are out of memory, which a program may choose to die
	 * of (xmalloc, assert(p)): such a death is deliberate (deliberate.c),
	 * never one after another class's fault (a short read is no reason). */
	bool oom;

	/* The calls it fails (its sites) and with which faults are its rows
	 * of the fault table (fault_table.c, the rows naming this class):
	 * on_syscall gets the syscalls, on_trap the library calls (caught
	 * by breakpoints). */

	/* Syscalls it only watches (bookkeeping, never failed): on_watch. */
	uint32_t watch_flags;
	/* Syscalls it watches (on_watch) only in runs that may inject one
	 * of its lasting faults (a clock step: the deadlines it corrects),
	 * space-separated; NULL none. */
	const char *watch_lasting;
	/* Where the rules that make its faults faithful live (each fault is
	 * offered only where the real kernel or libc could produce it). */
	const char *preconditions;

	const struct class_hooks *hooks;	/* in the class's own file */
};

extern const struct fault_class fault_classes[];
extern const int n_fault_classes;

/* Does class c fail this syscall? Watch it? */
bool class_fails_syscall(const struct fault_class *c, const struct syscall_ent *e);
bool class_watches_syscall(const struct fault_class *c, const struct syscall_ent *e);
/* Does it watch this syscall in runs that may inject a lasting fault? */
bool class_watches_lasting(const struct fault_class *c, const struct syscall_ent *e);
/* Is row r one of class c's? */
bool class_has_row(const struct fault_class *c, const struct fault_row *r);
/* The class that fails call (a syscall or a library call name), or NULL;
 * *library: a library call. */
const struct fault_class *class_of_call(const char *call, bool *library);
/* The index of the class whose row gives call the fault f (its kind), or
 * -1: a call may have rows in several classes, a (call, fault) pair is
 * one class's (check_classes.c), which decides and injects it. */
int class_of_fault(const char *call, const struct fault *f);
/* Does some row give call the fault f (its kind: type and errno)? */
bool call_takes_fault(const char *call, const struct fault *f);
/* If f is the alias of one of call's rows, make it that row's fault
 * (malloc's ENOMEM is its NULL). */
void call_fault_canonical(const char *call, struct fault *f);
/* Is f (its kind: type and errno) in a space-separated list of names? */
bool fault_list_has(const char *faults, const struct fault *f);

#endif
