/* services.h - ptrace tools the tracer offers its hooks (inject/, later
 * snapshot/): breakpoints that are never lifted, syscalls run inside a
 * stopped task, the target's modules and symbols, and its file
 * descriptors. None of them knows what a fault class is.
 *
 * All of them act on a task in a ptrace stop that a hook was handed
 * (tracer.h); they keep the tracer's view of that task (its register
 * cache) right. Library code: 0 / a count on success, -errno on failure.
 */
#ifndef FZ_TRACER_SERVICES_H
#define FZ_TRACER_SERVICES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/user.h>

#include "tracer/tracer.h"

/* --- breakpoint.c: int3 breakpoints, never lifted to step over them ----
 *
 * Lifting a breakpoint to step over it races with every other thread
 * running the same code, and leaves the program unhooked if the tracer
 * dies mid-step. Instead a hit is passed by doing the work of the
 * displaced first instruction elsewhere: emulated on the registers (push,
 * endbr64, mov, flag-only ALU ops) or run from an out-of-line slot (a
 * re-based copy and a jump back, on a page mapped near the code). What a
 * hit means is the owner's business: it passes it, or makes the function
 * return at once (tracer_bp_return). One set per address space; a forked
 * child inherits the int3 bytes and the slot page, so it gets a copy of
 * the set (tracer_bps_fork). */
struct tracer_bps;

struct tracer_bps *tracer_bps_new(void);	/* NULL: out of memory */
int tracer_bps_fork(const struct tracer_bps *parent, struct tracer_bps **child);
void tracer_bps_free(struct tracer_bps *b);

/* tracer_bp_add flags */
#define TRACER_BP_OOL 1u	/* run the displaced insn out of line even if it
				 * could be emulated (to test the slot path) */

/* What tracer_bp_add found at addr. */
struct tracer_bp_info {
	int other;		/* -EEXIST: the id already planted or added there */
	uint8_t code[4];	/* the first bytes at addr (messages) */
	int len;		/* 0: length of the displaced insn */
	bool ool;		/* 0: passed out of line (else emulated) */
};

/* Add a breakpoint on the first byte of the insn at addr, tagged id (>= 0,
 * the owner's meaning, reported at hits). Reads and decodes the insn;
 * writes nothing to the task yet. Returns 0; -EEXIST when addr already has
 * one (an alias: info->other is its id); -ENOTSUP when the insn can neither
 * be emulated nor run out of line (a jump, a call); another -errno when it
 * cannot be read. info may be NULL. */
int tracer_bp_add(struct tracer_bps *b, struct tracer_task *t, uint64_t addr, int id,
		  unsigned flags, struct tracer_bp_info *info);

/* Add a breakpoint on the call insn that returns to ret_addr, found by
 * decoding forwards from func (the entry of the function holding it);
 * passing a hit does the call (pushes ret_addr, jumps to its target), so
 * the stack is as the program's own call leaves it. Its address goes to
 * *call_addr. -ENOENT when no call is found to end at ret_addr, -ENOTSUP
 * for a call form not emulated, -EEXIST when one is there already. */
int tracer_bp_add_call(struct tracer_bps *b, struct tracer_task *t, uint64_t ret_addr,
		       uint64_t func, int id, uint64_t *call_addr);

/* The same for every call insn in [lo, hi) of the function at entry, ids
 * id0, id0 + 1, ...: their addresses and lengths go to calls[] and
 * lens[]. Returns how many (at most max; -ENOSPC past it), or -errno as
 * above (then none is added). */
int tracer_bp_add_calls(struct tracer_bps *b, struct tracer_task *t, uint64_t entry, uint64_t lo,
			uint64_t hi, int id0, int max, uint64_t *calls, uint8_t *lens);

/* Why tracer_bps_plant drops an added breakpoint. */
enum tracer_bp_drop {
	TRACER_BP_OVERLAP,	/* it lies in another's displaced insn ('other') */
	TRACER_BP_NO_SLOT,	/* needs an out-of-line slot and got none (err) */
	TRACER_BP_UNWRITABLE,	/* its int3 could not be written (err): the
				 * whole plant fails, nothing stays planted */
};
/* Told about each dropped breakpoint; return 0 to go on without it, or
 * -errno to make tracer_bps_plant fail with that (nothing planted). */
typedef int (*tracer_bp_drop_fn)(void *arg, int id, enum tracer_bp_drop why, int err,
				 int other);

/* Plant every breakpoint added since the last plant: map the out-of-line
 * page if one is needed (a remote mmap), fill the slots, write the int3s.
 * Returns 0 or -errno (then none of these int3s is planted). drop may be
 * NULL (drops are then silent). */
int tracer_bps_plant(struct tracer_bps *b, struct tracer_task *t, tracer_bp_drop_fn drop,
		     void *arg);

/* Take the planted breakpoint at addr out of memory (on false) or put it
 * back (on true). Hits taken before it went are still recognised by
 * tracer_bp_hit and passed. 0, -ENOENT if none is planted there. */
int tracer_bp_enable(struct tracer_bps *b, struct tracer_task *t, uint64_t addr, bool on);
/* A fork's copy (tracer_bps_fork) that is known to match the child's
 * memory: a child of a parked template, where no breakpoint was being
 * passed. Enabling or disabling then writes only what changes. */
void tracer_bps_trust(struct tracer_bps *b);

/* At a SIGTRAP stop with registers regs: the id of the breakpoint that
 * trapped (its address in *addr, may be NULL), or -ENOENT if none of b's. */
int tracer_bp_hit(const struct tracer_bps *b, const struct user_regs_struct *regs,
		  uint64_t *addr);
/* Pass the hit of the breakpoint at addr: do the displaced insn's work
 * and set t's registers (regs, updated) to go on after it. The task is
 * unchanged on failure. */
int tracer_bp_pass(const struct tracer_bps *b, struct tracer_task *t,
		   struct user_regs_struct *regs, uint64_t addr);
/* t is stopped at a function's first insn (nothing of it has run): make
 * the function return to its caller with rax = ret. regs is updated only
 * on success. */
int tracer_bp_return(struct tracer_task *t, struct user_regs_struct *regs, uint64_t ret);

/* --- remote.c: syscalls run by a stopped task --------------------------
 *
 * t must be stopped outside any syscall (a signal or breakpoint stop: the
 * on_entry and on_trap hooks; -EBUSY at a seccomp or syscall stop). The
 * task runs one syscall instruction found in its own text, with all
 * signals but SIGTRAP blocked meanwhile, so one that arrives stays pending
 * and reaches the program afterwards; its registers and signal mask are
 * restored. For calls that return at once (mmap, munmap, getpid...):
 * calls that create, replace or end tasks (clone, fork, execve, exit) are
 * refused with -EINVAL, since their events belong to the event loop.
 * Returns 0 with the raw result in *ret (-errno form), -ESRCH if the task
 * died meanwhile (its exit is left for the event loop), another -errno if
 * it could not be run. */
int tracer_remote_syscall(struct tracer_task *t, long nr, const uint64_t args[6], int64_t *ret);
/* Map len bytes of private anonymous memory with prot in t, as close to
 * near as a free hole allows (for rel32 reach), else anywhere. */
int tracer_remote_mmap_near(struct tracer_task *t, uint64_t near, uint64_t len, int prot,
			    uint64_t *addr);

/* --- linkmap.c: the program's image, modules and symbols --------------- */
struct tracer_image {
	bool is_static;		/* no interpreter: no link map */
	uint64_t entry;		/* AT_ENTRY */
	uint64_t bias;		/* the executable's load bias */
	/* The executable's PT_TLS (a static program's TLS layout). */
	bool has_tls;
	uint64_t tls_vaddr, tls_memsz, tls_align;
};

/* tracer_sym flags */
#define TRACER_SYM_TLS 1u	/* an STT_TLS variable, not a function */
#define TRACER_SYM_LOCAL 2u	/* static programs: a local definition will do
				 * when there is no global one */
#define TRACER_SYM_EXE 4u	/* dynamic programs: when no module exports it,
				 * the executable's .symtab will do (with
				 * TRACER_SYM_LOCAL, its locals too) */
#define TRACER_SYM_MAX 32

/* One name to look up, and what was found. */
struct tracer_sym {
	const char *name;	/* in */
	unsigned flags;		/* in: TRACER_SYM_* */
	bool found;		/* out: defined, value and obj set */
	bool ifunc;		/* out: a GNU_IFUNC (value is its resolver) */
	uint64_t value;		/* out: run-time address; TLS: offset in the
				 * defining module's TLS block */
	char obj[64];		/* out: the definer's file name, "(exe)" */
};

/* Opens a module's file for the symbol scan: the fd, or -errno; -EPERM
 * means the file must not be parsed (the scan fails with it). */
typedef int (*tracer_open_fn)(const char *path);

/* Find the definition of each of syms[0..n) that the program binds to:
 * the first definer in the global lookup order, i.e. the link map from
 * r_debug (exe, LD_PRELOADs, DT_NEEDED breadth first; .dynsym, default
 * versions), or a static program's own .symtab. Functions and TLS
 * variables only. open_fn NULL: open(2). Fills *img as far as known even
 * on failure. Returns 0 (a name not found is not an error), or -errno
 * with a reason in why[] (a module that cannot be read might be the
 * definer, so that fails the whole look-up). Files are parsed once per
 * process, however many runs look into them. */
int tracer_find_symbols(struct tracer_task *t, struct tracer_sym *syms, int n,
			tracer_open_fn open_fn, struct tracer_image *img, char *why, int whylen);

/* --- grabfd.c: the target's file descriptors --------------------------- */
/* A duplicate of t's descriptor fd (pidfd_getfd): the same open file
 * description, so flags, queues and socket options are the target's own.
 * Close-on-exec; the caller closes it. Returns the fd or -errno. */
int tracer_grab_fd(struct tracer_task *t, int fd);

/* --- auxv.c: the new image's auxiliary vector -------------------------- */
/* At an exec stop (the mm_new hook): make the auxv entry of this type
 * AT_IGNORE on the new stack, so the loader and libc never see it (the
 * vDSO's AT_SYSINFO_EHDR: clocks read by syscall). 0, -ENOENT if the
 * image has no such entry, another -errno if the stack cannot be read. */
int tracer_auxv_ignore(struct tracer_task *t, uint64_t type);

/* Wake traced thread tid out of the syscall it is asleep in (one whose
 * exit stop was asked for): the kernel fails it with an -ERESTART* code
 * at that exit stop and restarts it after, unless the exit hook changed
 * the result. 0, -ESRCH if tid is not a traced thread. */
int tracer_kick_tid(pid_t tid);

#endif
