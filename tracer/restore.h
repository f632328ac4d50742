/* restore.h - in-place restore: put a stopped process back to a state
 * taken earlier, without a fork (the tracer's own; snapshot mode's next
 * step, docs/snapshots.md#in-place-restore).
 *
 * At arm time the process is made to open a userfaultfd of its own (a
 * uffd belongs to the address space that made it), which the tracer takes
 * over (pidfd_getfd): every writable private mapping is registered for
 * write-protection in async mode and protected, and its bytes are copied.
 * The kernel then marks each page written from then on, by the program or
 * by the kernel for it, and PAGEMAP_SCAN lists them: a restore copies back
 * those pages alone and protects them again. Registers, FP/vector state
 * and the signal mask are put back, the break is moved back, mappings the
 * run added are unmapped and descriptors it opened are closed, signal
 * handlers and the alternate stack it set are set again as at arm time
 * (the caller notes which: tracer_restore_note), each by a call the
 * process makes at a syscall-exit stop.
 *
 * What it cannot put back, it names (restore_apply's -EAGAIN and why):
 * a mapping of the snapshot gone, moved or changed, the heap cut below
 * its snapshot end, a descriptor of the snapshot closed or replaced
 * (kcmp against a copy taken at arm time: another open of the same file
 * is another description) when there is no donor to take it from. The
 * caller then forks a fresh process instead. State beyond memory,
 * registers, the break, mappings, the descriptor table and the signal
 * handlers (timers, file offsets and anything shared with other
 * processes), and madvise calls that drop tracked pages (a dropped page
 * reads as zeros yet counts as unwritten), are the caller's to watch:
 * kernel-facts.md#in-place-restore.
 *
 * The process must be stopped where PTRACE_SYSCALL runs the insn at its
 * registers' rip: a syscall-exit stop, or a stop outside any syscall
 * (a fork child's first event stop). Library code: 0 or -errno. */
#ifndef FZ_TRACER_RESTORE_H
#define FZ_TRACER_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct tracer_restore;

/* What the restores did, for benches and tests. */
struct tracer_restore_stats {
	long restores;		/* restore_apply calls that succeeded */
	long pages;		/* pages copied back, in all */
	long unmapped;		/* mappings of a run unmapped */
	long closed;		/* descriptors of a run closed */
	long reinstalled;	/* the snapshot's, taken from the donor again */
	long handlers;		/* signal handlers (or the alternate stack) put back */
	long calls;		/* calls made in the process to restore it */
	size_t bytes;		/* bytes of the snapshot's writable memory */
	int regions;		/* writable private mappings tracked */
};

/* Where a restore may take the snapshot from: the process tid was forked
 * from, stopped since (the template), whose memory and descriptors are
 * what tid had at arm time. */
struct tracer_restore_from {
	/* Its pid (ours): written pages are read from it at each restore,
	 * not copied at arm time. 0: copied. */
	pid_t mem;
	/* Its pid in tid's namespace: a descriptor of the snapshot the run
	 * closed or replaced is taken from it again (pidfd_getfd, made by
	 * tid). 0: refused. */
	pid_t fds;
};

/* Take tid's state now; start: the registers each run starts from;
 * insn: a syscall insn of tid's text, where the restore's own calls are
 * made; from: NULL, or a source (above). -ENOTSUP with why when the
 * kernel lacks a part (userfaultfd's WP_ASYNC, PAGEMAP_SCAN) or a
 * writable mapping cannot be tracked. */
int tracer_restore_arm(pid_t tid, const struct user_regs_struct *start, uint64_t insn,
		       const struct tracer_restore_from *from, struct tracer_restore **out, char *why,
		       size_t whylen);

/* tid at a syscall-entry or seccomp stop of a call that must not run
 * (its exit_group): skip it, to its exit stop, where restores begin. */
int tracer_restore_park(struct tracer_restore *r);

/* At the entry of syscall nr with args, made by the armed process in a
 * run: 0 when the restore will undo it (a signal handler or the
 * alternate stack set, a close-on-exec flag changed: noted, set back;
 * other mmap, munmap, mremap and mprotect calls, brk: noted, the
 * mappings then compared), -EAGAIN when it will not (a
 * MAP_FIXED mapping or mremap target over one of the snapshot's, whose
 * pages would not be tracked; a mapping of the snapshot that is not
 * tracked made writable), -EINVAL for a call not judged here. */
int tracer_restore_note(struct tracer_restore *r, long nr, const uint64_t args[6]);

/* tracer_restore_apply's flags. */
#define TRACER_RESTORE_BRK 1u	/* the run may have moved the break (else it
				 * made no brk call: the break is left) */
#define TRACER_RESTORE_NOTED 2u	/* every call of the run that maps, unmaps or
				 * protects memory, brk included, went through
				 * tracer_restore_note: the mappings are read
				 * only when one changed them or the stack grew */

/* Put tid back as armed; it is left at a syscall-exit stop with the start
 * registers: PTRACE_CONT begins the next run. -EAGAIN with why: not
 * restorable (kill it, fork a fresh one). */
int tracer_restore_apply(struct tracer_restore *r, unsigned flags, char *why, size_t whylen);

void tracer_restore_stats(const struct tracer_restore *r, struct tracer_restore_stats *out);
/* The process's CPU time so far and resident set now (0 when unknown):
 * a process kept alive is counted by nobody's wait yet. */
void tracer_restore_usage(const struct tracer_restore *r, uint64_t *cpu_us, uint64_t *rss_kb);
void tracer_restore_free(struct tracer_restore *r);

#endif
