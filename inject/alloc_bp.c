#include "config.h"

/* alloc_bp.c - the breakpoint table of one address space, and what happens
 * at a hit.
 *
 * Breakpoints are planted once and never lifted: lifting one for a
 * single-step races with every other thread calling malloc, and leaves the
 * program unprotected if the tracer dies mid-step. Passing a call instead
 * emulates the displaced first instruction on the stopped task's registers
 * (push, endbr64, mov, flag-only ALU ops cover glibc 2.36, static libc.a and
 * libasan), or, for other prologues, sends the task through an out-of-line
 * slot that holds a re-based copy of the instruction and a jump back.
 * Failing a call emulates the function's return. All state is per address
 * space and every register change is committed before the task runs again,
 * so a signal handler re-entering malloc mid-pass is just another hit.
 * (docs/kernel-facts.md#breakpoint-pass-through.)
 *
 * Static programs: glibc's static start-up (_dl_non_dynamic_init,
 * _dl_find_object_init...) calls malloc before main, and treats a failure
 * there as fatal by design. So a static program's table starts "dormant":
 * allocator hits are passed through unseen, and one more breakpoint, the
 * stage breakpoint on main (passed like the others, never lifted), arms
 * the address space at its first hit from any thread.
 *
 * Env FZ_DEBUG: log to stderr; if its value contains "ool", run every
 * displaced insn out of line (to test that path on glibc's prologues).
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject/alloc_bp_int.h"
#include "util/util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define SLOT_SIZE 64

/* bp_ent.call of the stage breakpoint on main: not an allocator. */
#define BP_STAGE_MAIN AC_NCALLS

struct bp_ent {
	uint64_t addr;
	enum alloc_call call;
	uint64_t orig_word;	/* the 8 bytes at addr before planting */
	uint8_t code[16];	/* original bytes at addr */
	struct x86_insn insn;
	uint64_t slot;		/* out-of-line slot; 0: emulated */
};

struct bp_mm {
	int n;
	struct bp_ent ent[AC_NCALLS + 1];	/* + the stage breakpoint on main */
	int64_t errno_tpoff;
	uint64_t ool_page;	/* 0: none mapped */
	/* Static program before main: allocator hits are not calls of the
	 * program. Cleared by the first hit of the stage breakpoint. */
	bool dormant;
};

static const char *ent_name(int call)
{
	return call == BP_STAGE_MAIN ? "main" : alloc_call_name(call);
}

static void note(char *why, int whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append "; text" to why[] (notes about calls that were skipped). */
static void note(char *why, int whylen, const char *fmt, ...)
{
	size_t used = strnlen(why, (size_t)whylen);
	va_list ap;

	if (whylen <= 0 || used + 3 >= (size_t)whylen)
		return;
	if (used)
		used += (size_t)snprintf(why + used, (size_t)whylen - used, "; ");
	if (used >= (size_t)whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why + used, (size_t)whylen - used, fmt, ap);
	va_end(ap);
}

/* Run one syscall in the stopped task t from the "0f 05" at sc_insn and
 * restore its registers. The tracer API has no single-step, so this uses
 * raw PTRACE_SINGLESTEP + waitpid(tid) itself; t must be in a ptrace stop
 * and nothing else may wait for tid meanwhile (the tracer is single
 * threaded and is inside a hook). Other stops on the way (a seccomp event
 * for this syscall, a signal) are stepped over; a signal is re-queued
 * afterwards so the program still gets it. The final tracer_setregs puts
 * the tracer's per-stop register cache back in line with the task. */
static int remote_syscall(struct tracer_task *t, uint64_t sc_insn, long nr,
			  const uint64_t args[6], int64_t *ret)
{
	struct user_regs_struct saved, r;
	pid_t tid = tracer_task_tid(t);
	int rc, st, pending = 0;

	if ((rc = tracer_getregs(t, &saved)) < 0)
		return rc;
	r = saved;
	r.rax = (uint64_t)nr;
	r.rdi = args[0];
	r.rsi = args[1];
	r.rdx = args[2];
	r.r10 = args[3];
	r.r8 = args[4];
	r.r9 = args[5];
	r.rip = sc_insn;
	r.orig_rax = (uint64_t)-1;	/* no syscall restart on the way in */
	if ((rc = tracer_setregs(t, &r)) < 0)
		return rc;
	for (int i = 0;; i++) {
		if (i == 16) {
			rc = -EIO;
			goto restore;
		}
		if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0) {
			rc = -errno;
			goto restore;
		}
		if (waitpid(tid, &st, __WALL) < 0) {
			rc = -errno;
			goto restore;
		}
		if (!WIFSTOPPED(st))
			return -ESRCH;	/* gone: nothing to restore */
		if (WSTOPSIG(st) == SIGTRAP && (st >> 16) == 0) {
			/* Raw GETREGS: tracer_getregs caches per stop and
			 * does not know the task moved. */
			if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0) {
				rc = -errno;
				goto restore;
			}
			if (r.rip == sc_insn + 2)
				break;
			/* Never step on into code we did not mean to run. */
			rc = -EIO;
			goto restore;
		}
		if (WSTOPSIG(st) != SIGTRAP && WSTOPSIG(st) != (SIGTRAP | 0x80) && (st >> 16) == 0)
			pending = WSTOPSIG(st);
	}
	*ret = (int64_t)r.rax;
	rc = 0;
restore:
	{
		int rc2 = tracer_setregs(t, &saved);

		if (rc == 0)
			rc = rc2;
	}
	if (pending && syscall(SYS_tgkill, tracer_task_pid(t), tid, pending) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* Map the page of out-of-line slots near 'near' so that rip-relative
 * operands of displaced insns stay in rel32 reach. */
static int map_ool_page(struct tracer_task *t, uint64_t near, uint64_t *page)
{
	uint64_t sc, hole = 0;
	uint64_t args[6] = { 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
			     (uint64_t)-1, 0 };
	int64_t ret = -ENOMEM;
	int rc;

	if ((rc = bp_find_syscall_insn(t, &sc)) < 0)
		return rc;
	/* Slots are written with FOLL_FORCE pokes, so the page never needs
	 * to be writable from the program's side. */
	if (bp_find_hole(t, near, &hole) == 0) {
		args[0] = hole;
		args[3] |= MAP_FIXED_NOREPLACE;
		if ((rc = remote_syscall(t, sc, SYS_mmap, args, &ret)) < 0)
			return rc;
		args[3] &= ~(uint64_t)MAP_FIXED_NOREPLACE;
	}
	/* Raced or refused: let the kernel pick (slots without rip-relative
	 * operands work from anywhere). */
	if (ret < 0 && ret > -4096 && (rc = remote_syscall(t, sc, SYS_mmap, args, &ret)) < 0)
		return rc;
	if (ret < 0 && ret > -4096)
		return (int)ret;
	*page = (uint64_t)ret;
	fz_debug("alloc_bp: out-of-line page at %#lx (wanted near %#lx)\n", (unsigned long)ret,
		 (unsigned long)near);
	return 0;
}

static int fill_slot(struct tracer_task *t, struct bp_ent *e, uint64_t slot)
{
	uint8_t buf[SLOT_SIZE];
	uint64_t back = e->addr + e->insn.len;
	int len, rc;

	memset(buf, 0xcc, sizeof(buf));
	if ((len = x86_relocate(&e->insn, e->code, e->addr, slot, buf)) < 0)
		return len;
	/* jmp *0(%rip) ; .quad back: absolute, so the slot may be anywhere. */
	memcpy(buf + len, (const uint8_t[6]){ 0xff, 0x25, 0, 0, 0, 0 }, 6);
	memcpy(buf + len + 6, &back, 8);
	if ((rc = tracer_write_mem(t, slot, buf, sizeof(buf))) < 0)
		return rc;
	e->slot = slot;
	return 0;
}

static int read_code(struct tracer_task *t, uint64_t addr, uint8_t code[16], size_t *n)
{
	uint64_t w;
	int rc;

	if (tracer_read_mem(t, addr, code, 16) >= 0) {
		*n = 16;
		return 0;
	}
	/* Last bytes of a mapping: one word is enough for most prologues. */
	if ((rc = tracer_peek(t, addr, &w)) < 0)
		return rc;
	memcpy(code, &w, 8);
	*n = 8;
	return 0;
}

/* Read and decode the first insn at addr into a new entry for call (an
 * allocator or BP_STAGE_MAIN); no writes to the tracee. Returns 0 when
 * added, 1 when skipped with a note, -errno when arming must fail (malloc
 * is not usable). */
static int add_ent(struct tracer_task *t, struct bp_mm *bp, uint64_t addr, int call,
		   const char *obj, char *why, int whylen)
{
	struct bp_ent *e = &bp->ent[bp->n];
	size_t n;
	int rc;

	for (int i = 0; i < bp->n; i++) {
		if (bp->ent[i].addr != addr)
			continue;
		/* An alias (glibc: aligned_alloc = memalign): hits are
		 * reported as the first name. */
		fz_debug("alloc_bp: %s is an alias of %s\n", ent_name(call),
			 ent_name(bp->ent[i].call));
		return 1;
	}
	memset(e, 0, sizeof(*e));
	e->addr = addr;
	e->call = call;
	if ((rc = read_code(t, e->addr, e->code, &n)) < 0) {
		if (call == BP_STAGE_MAIN) {
			note(why, whylen, "main: unreadable (%s)", strerror(-rc));
			return 1;
		}
		snprintf(why, (size_t)whylen, "cannot read %s at %#lx: %s", ent_name(call),
			 (unsigned long)e->addr, strerror(-rc));
		return rc;
	}
	memcpy(&e->orig_word, e->code, 8);
	if ((rc = x86_decode(e->code, n, &e->insn)) < 0) {
		if (call == AC_MALLOC) {
			snprintf(why, (size_t)whylen,
				 "cannot decode the first instruction of malloc in %s "
				 "(%02x %02x %02x %02x)", obj, e->code[0], e->code[1],
				 e->code[2], e->code[3]);
			return -ENOTSUP;
		}
		note(why, whylen, "%s: first instruction %02x %02x %02x not supported",
		     ent_name(call), e->code[0], e->code[1], e->code[2]);
		return 1;
	}
	/* FZ_DEBUG=ool: exercise the out-of-line path on any program. */
	if (fz_debug_has("ool"))
		e->insn.kind = XK_OOL;
	fz_debug("alloc_bp: %s at %#lx in %s, first insn %d bytes, %s\n", ent_name(call),
		 (unsigned long)e->addr, obj, e->insn.len,
		 e->insn.kind == XK_OOL ? "out of line" : "emulated");
	bp->n++;
	return 0;
}

/* Collect and decode the breakpoints; no writes to the tracee yet. */
static int collect(struct tracer_task *t, const struct bp_resolved *r, struct bp_mm *bp,
		   char *why, int whylen)
{
	int rc;

	for (int k = 0; k < AC_NCALLS; k++) {
		if (!r->addr[k]) {
			note(why, whylen, "%s: %s", alloc_call_name(k), r->skip[k]);
			continue;
		}
		if ((rc = add_ent(t, bp, r->addr[k], k, r->obj[k], why, whylen)) < 0)
			return rc;
	}
	if (!r->is_static)
		return 0;
	/* Static: calls count from main (stage breakpoint); without main
	 * (stripped), from the entry point as before. */
	if (!r->main_addr) {
		note(why, whylen, "main: not in .symtab, calls count from the entry point");
		return 0;
	}
	rc = add_ent(t, bp, r->main_addr, BP_STAGE_MAIN, "(exe)", why, whylen);
	return rc < 0 ? rc : 0;
}

/* Drop entries that would break others: a breakpoint inside or right after
 * another's first insn would be hit (or half-executed) by passing that one. */
static void drop_overlaps(struct bp_mm *bp, char *why, int whylen)
{
	for (int j = 0; j < bp->n; j++) {
		for (int i = 0; i < bp->n; i++) {
			const struct bp_ent *a = &bp->ent[i], *b = &bp->ent[j];

			if (i == j || b->addr <= a->addr || b->addr > a->addr + a->insn.len)
				continue;
			note(why, whylen, "%s: overlaps the first insn of %s", ent_name(b->call),
			     ent_name(a->call));
			memmove(&bp->ent[j], &bp->ent[j + 1],
				(size_t)(bp->n - j - 1) * sizeof(bp->ent[0]));
			bp->n--;
			j--;
			break;
		}
	}
}

static void drop(struct bp_mm *bp, int i)
{
	memmove(&bp->ent[i], &bp->ent[i + 1], (size_t)(bp->n - i - 1) * sizeof(bp->ent[0]));
	bp->n--;
}

/* Give every out-of-line entry a slot; entries that cannot get one are
 * dropped (malloc: the whole arming fails). */
static int setup_ool(struct tracer_task *t, struct bp_mm *bp, char *why, int whylen)
{
	int first = -1, rc, used = 0;

	for (int i = 0; i < bp->n && first < 0; i++)
		if (bp->ent[i].insn.kind == XK_OOL)
			first = i;
	if (first < 0)
		return 0;
	rc = map_ool_page(t, bp->ent[first].addr, &bp->ool_page);
	for (int i = 0; i < bp->n; i++) {
		struct bp_ent *e = &bp->ent[i];
		int frc = rc;

		if (e->insn.kind != XK_OOL)
			continue;
		if (frc == 0)
			frc = fill_slot(t, e, bp->ool_page + (uint64_t)used * SLOT_SIZE);
		if (frc == 0) {
			used++;
			continue;
		}
		if (e->call == AC_MALLOC) {
			snprintf(why, (size_t)whylen, "malloc needs an out-of-line slot: %s",
				 strerror(-frc));
			return frc;
		}
		note(why, whylen, "%s: no out-of-line slot (%s)", ent_name(e->call),
		     strerror(-frc));
		drop(bp, i--);
	}
	return 0;
}

/* Put the original first byte back at the first n entries (only used when
 * arming fails half-way, before the program ran past its entry point). */
static void unplant(struct tracer_task *t, struct bp_mm *bp, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t w;

		if (tracer_peek(t, bp->ent[i].addr, &w) == 0)
			tracer_poke(t, bp->ent[i].addr, (w & ~0xffULL) | bp->ent[i].code[0]);
	}
}

static int plant(struct tracer_task *t, struct bp_mm *bp, char *why, int whylen)
{
	for (int i = 0; i < bp->n; i++) {
		uint64_t w;
		int rc;

		/* Re-read: a neighbour's 0xcc may already be in this word. */
		if ((rc = tracer_peek(t, bp->ent[i].addr, &w)) < 0 ||
		    (rc = tracer_poke(t, bp->ent[i].addr, (w & ~0xffULL) | 0xcc)) < 0) {
			snprintf(why, (size_t)whylen, "cannot plant a breakpoint on %s: %s",
				 ent_name(bp->ent[i].call), strerror(-rc));
			unplant(t, bp, i);
			return rc;
		}
	}
	return 0;
}

int bp_mm_arm(struct tracer_task *t, struct bp_mm **out, char *why, int whylen)
{
	struct bp_resolved r;
	struct bp_mm *bp;
	int rc;

	*out = NULL;
	if (whylen > 0)
		why[0] = 0;
	if ((rc = bp_resolve(t, &r, why, whylen)) < 0)
		return rc;
	bp = calloc(1, sizeof(*bp));
	if (!bp) {
		snprintf(why, (size_t)whylen, "out of memory");
		return -ENOMEM;
	}
	bp->errno_tpoff = r.errno_tpoff;
	rc = collect(t, &r, bp, why, whylen);
	if (rc == 0) {
		drop_overlaps(bp, why, whylen);
		rc = setup_ool(t, bp, why, whylen);
	}
	/* Dormant only if the stage breakpoint survived the checks above;
	 * otherwise a static program counts from its entry point. */
	for (int i = 0; rc == 0 && i < bp->n; i++)
		bp->dormant |= bp->ent[i].call == BP_STAGE_MAIN;
	if (rc == 0)
		rc = plant(t, bp, why, whylen);
	if (rc < 0) {
		free(bp);
		return rc;
	}
	/* Callers read a non-empty why[] as "could not arm": the notes about
	 * calls left unhooked are only for the debug log. */
	if (whylen > 0 && why[0]) {
		fz_debug("alloc_bp: not hooked: %s\n", why);
		why[0] = 0;
	}
	*out = bp;
	return 0;
}

int bp_mm_fork(const struct bp_mm *parent, struct bp_mm **child)
{
	*child = malloc(sizeof(**child));
	if (!*child)
		return -ENOMEM;
	memcpy(*child, parent, sizeof(**child));
	return 0;
}

void bp_mm_free(struct bp_mm *bp)
{
	free(bp);
}

bool bp_mm_dormant(const struct bp_mm *bp)
{
	return bp && bp->dormant;
}

static struct bp_ent *find_addr(struct bp_mm *bp, uint64_t addr)
{
	for (int i = 0; bp && i < bp->n; i++)
		if (bp->ent[i].addr == addr)
			return &bp->ent[i];
	return NULL;
}

int bp_hit_kind(bool dormant, bool stage)
{
	return stage || dormant ? 2 : 1;
}

/* Let the call at entry e run: emulate or displace its first insn. */
static int pass_ent(struct bp_ent *e, struct tracer_task *t, struct user_regs_struct *regs)
{
	uint64_t memval = 0, push_val;
	int rc;

	if (e->slot) {
		regs->rip = e->slot;
		return tracer_setregs(t, regs);
	}
	if (e->insn.kind == XK_ALU && (e->insn.src_mem || e->insn.dst < 0)) {
		rc = tracer_read_mem(t, x86_riprel_target(&e->insn, e->addr), &memval,
				     e->insn.width);
		if (rc < 0)
			return rc;
	}
	if ((rc = x86_emulate(&e->insn, e->addr, regs, memval, &push_val)) < 0)
		return rc;
	/* Store before committing rsp, so a failure leaves the task as it was
	 * (the word below rsp is free at a function's entry). */
	if (rc == 1 && (rc = tracer_write_mem(t, regs->rsp, &push_val, 8)) < 0)
		return rc;
	return tracer_setregs(t, regs);
}

int bp_hit(struct bp_mm *bp, struct tracer_task *t, const struct user_regs_struct *regs,
	   enum alloc_call *call, uint64_t *ret_addr)
{
	struct bp_ent *e = find_addr(bp, regs->rip - 1);
	struct user_regs_struct r;
	int rc;

	if (!e)
		return 0;
	if (bp_hit_kind(bp->dormant, e->call == BP_STAGE_MAIN) == 2) {
		/* Not a call of the program: pass it here, unseen. Arm only
		 * once the task is set to run main. */
		r = *regs;
		if ((rc = pass_ent(e, t, &r)) < 0)
			return rc;
		if (e->call == BP_STAGE_MAIN && bp->dormant) {
			bp->dormant = false;
			fz_debug("alloc_bp: main reached by tid %d: calls count from now\n",
				 (int)tracer_task_tid(t));
		}
		return 2;
	}
	/* Nothing of the function has run yet: [rsp] is the return address. */
	if ((rc = tracer_peek(t, regs->rsp, ret_addr)) < 0)
		return rc;
	*call = e->call;
	return 1;
}

/* The entry regs describe: by rip (still just past our int3), else by call
 * for a caller that already moved rip. */
static struct bp_ent *entry_of(struct bp_mm *bp, const struct user_regs_struct *regs,
			       enum alloc_call call)
{
	struct bp_ent *e = find_addr(bp, regs->rip - 1);

	for (int i = 0; !e && bp && i < bp->n; i++)
		if (bp->ent[i].call == call)
			e = &bp->ent[i];
	return e;
}

int bp_pass(struct bp_mm *bp, struct tracer_task *t, struct user_regs_struct *regs,
	    enum alloc_call call)
{
	struct bp_ent *e = entry_of(bp, regs, call);

	return e ? pass_ent(e, t, regs) : -ENOENT;
}

int bp_fail(struct bp_mm *bp, struct tracer_task *t, struct user_regs_struct *regs,
	    enum alloc_call call)
{
	uint64_t ret;
	int rc;

	if (!entry_of(bp, regs, call))
		return -ENOENT;
	if ((rc = tracer_peek(t, regs->rsp, &ret)) < 0)
		return rc;
	if (call == AC_POSIX_MEMALIGN) {
		/* Returns the error number; *memptr and errno untouched. */
		regs->rax = ENOMEM;
	} else {
		int32_t err = ENOMEM;

		regs->rax = 0;
		/* fs_base is 0 only before a static program set up its TLS,
		 * where no errno exists yet. */
		if (regs->fs_base &&
		    (rc = tracer_write_mem(t, regs->fs_base + (uint64_t)bp->errno_tpoff, &err,
					   sizeof(err))) < 0)
			return rc;
	}
	regs->rip = ret;
	regs->rsp += 8;
	return tracer_setregs(t, regs);
}
