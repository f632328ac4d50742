/* alloc_bp_int.h - pieces shared by inject/alloc_bp*.c; not for other
 * modules (they use inject/alloc_bp.h).
 *
 * alloc_bp_resolve.c finds what to break on, alloc_bp_x86.c knows what the
 * displaced first instruction does, alloc_bp.c owns the table and the
 * ptrace-side actions.
 */
#ifndef FZ_ALLOC_BP_INT_H
#define FZ_ALLOC_BP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

#include "inject/alloc_bp.h"

/* --- x86-64 first-instruction decode (alloc_bp_x86.c; pure) -------------- */

enum x86_kind {
	XK_OOL,		/* decoded, not emulated: run it from an out-of-line slot */
	XK_PUSH,	/* push %reg */
	XK_ENDBR,	/* endbr64: nothing to do but step over it */
	XK_MOV_RR,	/* mov %reg,%reg (32- or 64-bit) */
	XK_ALU,		/* add/or/and/sub/xor/cmp/test on a register or a
			 * rip-relative memory operand (memory is only read) */
};

enum x86_alu { XA_ADD, XA_OR, XA_AND, XA_SUB, XA_XOR, XA_CMP, XA_TEST };

struct x86_insn {
	uint8_t len;
	enum x86_kind kind;
	bool riprel;		/* has a disp32(%rip) operand */
	uint8_t disp_off;	/* offset of that disp32 within the insn */
	int32_t disp;
	/* Emulation operands. reg numbers are the hardware ones (0 = rax,
	 * 4 = rsp, 8..15 = r8..r15). */
	uint8_t width;		/* operand bytes: 1, 4 or 8 */
	enum x86_alu op;
	int8_t dst;		/* register written (or first ALU operand); -1: memory */
	int8_t src;		/* source register, -1: immediate or memory */
	bool src_mem;		/* source is the rip-relative memory operand */
	int64_t imm;		/* sign-extended immediate */
	bool has_imm;
};

/* Decode the instruction at code[0..n) (n <= 15 is enough). Returns its
 * length, or -ENOTSUP (not one of the forms we understand) / -EINVAL.
 * Control transfers (jmp/call/jcc/ret) are refused: they cannot run out of
 * line unchanged and are not expected as an allocator's first insn. */
int x86_decode(const uint8_t *code, size_t n, struct x86_insn *out);
/* Address read by a rip-relative operand of the insn at addr. */
uint64_t x86_riprel_target(const struct x86_insn *in, uint64_t addr);
/* Apply an emulated insn (kind != XK_OOL) located at addr to regs. memval is
 * the operand read from x86_riprel_target() when in->src_mem or dst < 0.
 * For XK_PUSH the caller must store *push_val at the new regs->rsp; returns
 * 1 in that case, 0 when nothing needs storing, -EINVAL for XK_OOL. */
int x86_emulate(const struct x86_insn *in, uint64_t addr, struct user_regs_struct *regs,
		uint64_t memval, uint64_t *push_val);
/* Copy the insn from code (originally at 'from') to out, re-basing a
 * rip-relative displacement for execution at 'to'. Returns its length or
 * -ERANGE when the target is out of rel32 reach from 'to'. */
int x86_relocate(const struct x86_insn *in, const uint8_t *code, uint64_t from,
		 uint64_t to, uint8_t *out);
/* Register by hardware number; NULL for numbers > 15. */
uint64_t *x86_reg(struct user_regs_struct *regs, int nr);
/* Status flags after 'a op b' at the given width, merged into eflags. */
uint64_t x86_alu_flags(enum x86_alu op, uint64_t a, uint64_t b, int width,
		       uint64_t eflags, uint64_t *result);

/* --- Resolution (alloc_bp_resolve.c) ----------------------------------- */

struct bp_resolved {
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
int bp_resolve(struct tracer_task *t, struct bp_resolved *r, char *why, int whylen);
/* Find a syscall instruction in executable file-backed text of t's
 * address space, near 'near' when possible. */
int bp_find_syscall_insn(struct tracer_task *t, uint64_t *addr);
/* Find a free 4 KiB hole as close to 'near' as possible (for rel32 reach of
 * an out-of-line slot). Returns 0 and *hole, or -ENOMEM. */
int bp_find_hole(struct tracer_task *t, uint64_t near, uint64_t *hole);

/* --- Hit classification (alloc_bp.c; pure) ----------------------------- */

/* What bp_hit returns for a hit on one of our breakpoints: 2 (pass it
 * unseen) for the stage breakpoint on main (stage) or for any hit while the
 * address space is dormant (a static program before main), else 1 (an
 * allocator call to decide on). The first stage hit while dormant arms the
 * address space (bp_hit clears dormant); later ones (main called again)
 * change nothing. */
int bp_hit_kind(bool dormant, bool stage);

#endif
