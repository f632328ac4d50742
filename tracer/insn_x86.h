/* insn_x86.h - the x86-64 instruction under a breakpoint: decode,
 * emulate, re-base (insn_x86.c; pure, no ptrace).
 *
 * Internal to tracer/ (breakpoint.c) and its unit test; other modules use
 * the breakpoint service in tracer/services.h.
 */
#ifndef FZ_INSN_X86_H
#define FZ_INSN_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

enum x86_kind {
	XK_OOL,		/* decoded, not emulated: run it from an out-of-line slot */
	XK_PUSH,	/* push %reg */
	XK_ENDBR,	/* endbr64: nothing to do but step over it */
	XK_MOV_RR,	/* mov %reg,%reg (32- or 64-bit) */
	XK_ALU,		/* add/or/and/sub/xor/cmp/test on a register or a
			 * rip-relative memory operand (memory is only read) */
	XK_CALL,	/* a call (insn_call.c): emulated by breakpoint.c */
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
 * line unchanged and are not expected as a function's first insn. */
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

#endif
