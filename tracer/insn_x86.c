#include "config.h"

/* insn_x86.c - what the instruction under a breakpoint does.
 *
 * A breakpoint is never lifted (breakpoint.c), so passing a hit must do
 * the work of the first instruction some other way: emulate it on the
 * saved registers (no syscalls, works under any seccomp filter) or run a
 * copy of it from an out-of-line slot. This file decodes just enough of
 * x86-64 for function prologues: the length of common instructions,
 * whether they touch memory relative to rip (the copy must be re-based),
 * and the semantics of the few forms worth emulating (push, endbr64,
 * mov reg,reg, and ALU ops whose only side effects are a register and the
 * status flags, e.g. glibc 2.36's `cmpb $0,__malloc_initialized(%rip)` in
 * memalign/posix_memalign/valloc).
 * Pure code: no ptrace here, so tests/unit/check_insn_x86.c covers it.
 */

#include <errno.h>
#include <string.h>

#include "tracer/insn_x86.h"

uint64_t *x86_reg(struct user_regs_struct *r, int nr)
{
	switch (nr) {
	case 0: return (uint64_t *)&r->rax;
	case 1: return (uint64_t *)&r->rcx;
	case 2: return (uint64_t *)&r->rdx;
	case 3: return (uint64_t *)&r->rbx;
	case 4: return (uint64_t *)&r->rsp;
	case 5: return (uint64_t *)&r->rbp;
	case 6: return (uint64_t *)&r->rsi;
	case 7: return (uint64_t *)&r->rdi;
	case 8: return (uint64_t *)&r->r8;
	case 9: return (uint64_t *)&r->r9;
	case 10: return (uint64_t *)&r->r10;
	case 11: return (uint64_t *)&r->r11;
	case 12: return (uint64_t *)&r->r12;
	case 13: return (uint64_t *)&r->r13;
	case 14: return (uint64_t *)&r->r14;
	case 15: return (uint64_t *)&r->r15;
	default: return NULL;
	}
}

/* Immediate size classes of the opcode tables below. */
enum { I0, IB, IZ, IV };

/* One-byte opcodes we accept: does it take a ModRM byte, and which
 * immediate. Returns -ENOTSUP for control transfers, privileged, string,
 * and anything unexpected in a prologue. */
static int op1_info(uint8_t op, bool *modrm, int *imm)
{
	*modrm = false;
	*imm = I0;
	if (op < 0x40) {
		switch (op & 7) {
		case 0: case 1: case 2: case 3: *modrm = true; return 0;
		case 4: *imm = IB; return 0;
		case 5: *imm = IZ; return 0;
		default: return -ENOTSUP;	/* prefixes, invalid in 64-bit */
		}
	}
	if (op >= 0x50 && op <= 0x5f)
		return 0;			/* push/pop reg */
	if (op >= 0x90 && op <= 0x99)
		return 0;			/* xchg/nop, cwde, cdq */
	if (op >= 0xb0 && op <= 0xb7) {
		*imm = IB;
		return 0;
	}
	if (op >= 0xb8 && op <= 0xbf) {
		*imm = IV;
		return 0;
	}
	switch (op) {
	case 0x63: case 0x84: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89:
	case 0x8a: case 0x8b: case 0x8d: case 0x8f: case 0xd0: case 0xd1: case 0xd2:
	case 0xd3: case 0xfe: case 0xff: case 0xf6: case 0xf7:
		*modrm = true;
		return 0;
	case 0x69: case 0x81: case 0xc7:
		*modrm = true;
		*imm = IZ;
		return 0;
	case 0x6b: case 0x80: case 0x83: case 0xc0: case 0xc1: case 0xc6:
		*modrm = true;
		*imm = IB;
		return 0;
	case 0x68: *imm = IZ; return 0;
	case 0x6a: case 0xa8: *imm = IB; return 0;
	case 0xa9: *imm = IZ; return 0;
	default:
		return -ENOTSUP;
	}
}

/* Two-byte (0f xx) opcodes: mostly SSE/cmov/movzx/setcc, all ModRM. */
static int op2_info(uint8_t op, bool *modrm, int *imm)
{
	*modrm = true;
	*imm = I0;
	if (op >= 0xc8 && op <= 0xcf) {
		*modrm = false;		/* bswap */
		return 0;
	}
	if ((op >= 0x10 && op <= 0x1f) || (op >= 0x28 && op <= 0x2f) ||
	    (op >= 0x40 && op <= 0x6f) || (op >= 0x74 && op <= 0x76) ||
	    (op >= 0x7e && op <= 0x7f) || (op >= 0x90 && op <= 0x9f) ||
	    (op >= 0xd0 && op <= 0xfe))
		return 0;
	switch (op) {
	case 0x70: case 0x71: case 0x72: case 0x73: case 0xa4: case 0xac:
	case 0xba: case 0xc2: case 0xc4: case 0xc5: case 0xc6:
		*imm = IB;
		return 0;
	case 0xa3: case 0xab: case 0xaf: case 0xb0: case 0xb1: case 0xb3: case 0xb6:
	case 0xb7: case 0xbb: case 0xbc: case 0xbd: case 0xbe: case 0xbf: case 0xc0:
	case 0xc1:
		return 0;
	default:
		return -ENOTSUP;	/* jcc rel32, syscall, cpuid, ... */
	}
}

/* Fill the emulation operands for the forms we emulate; leave XK_OOL
 * otherwise. rex/opsize describe the prefixes, mod/reg/rm the ModRM. */
static void classify(struct x86_insn *in, const uint8_t *code, int opi, bool map2,
		     uint8_t rex, bool other_prefix, bool has_modrm, int mod, int reg, int rm)
{
	uint8_t op = code[opi];
	int w = (rex & 8) ? 8 : 4;
	int r = reg | ((rex & 4) ? 8 : 0);
	int b = rm | ((rex & 1) ? 8 : 0);
	bool mem_rip = has_modrm && mod == 0 && rm == 5;
	bool reg_form = has_modrm && mod == 3;
	/* ModRM.reg of 80/81/83 and opcode>>3 of 00-3f; -1: adc/sbb, which need
	 * CF as input and are not worth emulating. */
	static const int grp1[8] = { XA_ADD, XA_OR, -1, -1, XA_AND, XA_SUB, XA_XOR, XA_CMP };

	in->kind = XK_OOL;
	if (map2 || other_prefix)
		return;
	if (op >= 0x50 && op <= 0x57 && (rex == 0 || rex == 0x40 || rex == 0x41)) {
		in->kind = XK_PUSH;
		in->src = (op - 0x50) | ((rex & 1) ? 8 : 0);
		in->width = 8;
		return;
	}
	if ((op == 0x89 || op == 0x8b) && reg_form) {
		in->kind = XK_MOV_RR;
		in->width = w;
		in->dst = op == 0x89 ? b : r;
		in->src = op == 0x89 ? r : b;
		return;
	}
	if (!reg_form && !mem_rip && (op < 0x40 ? (op & 7) < 4 : has_modrm))
		return;			/* other memory operands: run it out of line */
	in->src = -1;
	if (op < 0x40 && (op & 7) <= 5) {
		int a = grp1[op >> 3];
		int form = op & 7;
		bool byte = !(form & 1);

		if (a < 0)
			return;
		if (form >= 4) {
			if (form == 4)
				return;	/* al,imm8 */
			in->dst = 0;
			in->has_imm = true;
		} else if (form <= 1) {
			/* Ev,Gv: memory destination only when it is not written. */
			if (mem_rip && a != XA_CMP)
				return;
			in->dst = mem_rip ? -1 : b;
			in->src = r;
		} else {
			in->dst = r;
			in->src = mem_rip ? -1 : b;
			in->src_mem = mem_rip;
		}
		if (byte && !mem_rip)
			return;		/* byte registers (ah..bh without REX) */
		in->op = (enum x86_alu)a;
		in->width = byte ? 1 : w;
		in->kind = XK_ALU;
		return;
	}
	if (op == 0x80 || op == 0x81 || op == 0x83) {
		int a = grp1[reg];

		if (a < 0 || (mem_rip && a != XA_CMP) || (op == 0x80 && !mem_rip))
			return;
		in->op = (enum x86_alu)a;
		in->dst = mem_rip ? -1 : b;
		in->has_imm = true;
		in->width = op == 0x80 ? 1 : w;
		in->kind = XK_ALU;
		return;
	}
	if (op == 0x84 || op == 0x85) {
		if (op == 0x84 && !mem_rip)
			return;
		in->op = XA_TEST;
		in->dst = mem_rip ? -1 : b;
		in->src = r;
		in->width = op == 0x84 ? 1 : w;
		in->kind = XK_ALU;
		return;
	}
	if (op == 0xa9) {
		in->op = XA_TEST;
		in->dst = 0;
		in->has_imm = true;
		in->width = w;
		in->kind = XK_ALU;
	}
}

int x86_decode(const uint8_t *code, size_t n, struct x86_insn *out)
{
	size_t i = 0;
	bool opsize = false, addr32 = false, other_prefix = false, map2 = false;
	uint8_t rex = 0;
	bool has_modrm;
	int imm, opi, mod = 0, reg = 0, rm = 0, rc;

	memset(out, 0, sizeof(*out));
	out->dst = out->src = -1;
	if (n >= 4 && code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa) {
		out->len = 4;
		out->kind = XK_ENDBR;
		return 4;
	}
	for (; i < n && i < 14; i++) {
		uint8_t p = code[i];

		if (p == 0x66)
			opsize = true;
		else if (p == 0x67)
			addr32 = true;
		else if (p == 0xf0 || p == 0xf2 || p == 0xf3 || p == 0x2e || p == 0x36 ||
			 p == 0x3e || p == 0x26 || p == 0x64 || p == 0x65)
			other_prefix = true;
		else
			break;
	}
	if (i < n && (code[i] & 0xf0) == 0x40)
		rex = code[i++];
	if (i >= n)
		return -EINVAL;
	if (code[i] == 0xc4 || code[i] == 0xc5 || code[i] == 0x62)
		return -ENOTSUP;	/* VEX/EVEX: not a prologue */
	if (code[i] == 0x0f) {
		if (++i >= n)
			return -EINVAL;
		if (code[i] == 0x38 || code[i] == 0x3a) {
			imm = code[i] == 0x3a ? IB : I0;
			has_modrm = true;
			if (++i >= n)
				return -EINVAL;
		} else if ((rc = op2_info(code[i], &has_modrm, &imm)) < 0) {
			return rc;
		}
		map2 = true;
	} else if ((rc = op1_info(code[i], &has_modrm, &imm)) < 0) {
		return rc;
	}
	opi = (int)i++;
	if (has_modrm) {
		if (i >= n)
			return -EINVAL;
		mod = code[i] >> 6;
		reg = (code[i] >> 3) & 7;
		rm = code[i] & 7;
		i++;
		if (!map2 && code[opi] == 0xff && (reg == 2 || reg == 3 || reg == 4 || reg == 5))
			return -ENOTSUP;	/* indirect call/jmp */
		if (mod != 3 && rm == 4) {
			if (i >= n)
				return -EINVAL;
			if (mod == 0 && (code[i] & 7) == 5)
				i += 4;		/* SIB with no base: disp32 */
			i++;
		}
		if (mod == 0 && rm == 5) {
			if (addr32)
				return -ENOTSUP;	/* eip-relative: never in a prologue */
			out->riprel = true;
			out->disp_off = (uint8_t)i;
			i += 4;
		} else if (mod == 1) {
			i += 1;
		} else if (mod == 2) {
			i += 4;
		}
		/* f6/f7 only carry an immediate for /0 and /1 (test). */
		if (!map2 && (code[opi] == 0xf6 || code[opi] == 0xf7))
			imm = reg <= 1 ? (code[opi] == 0xf6 ? IB : IZ) : I0;
	}
	switch (imm) {
	case IB:
		i += 1;
		break;
	case IZ:
		i += opsize ? 2 : 4;
		break;
	case IV:
		i += (rex & 8) ? 8 : opsize ? 2 : 4;
		break;
	default:
		break;
	}
	if (i > n || i > 15)
		return -EINVAL;
	out->len = (uint8_t)i;
	if (out->riprel)
		memcpy(&out->disp, code + out->disp_off, 4);
	if (imm == IB)
		out->imm = (int8_t)code[i - 1];
	else if (imm == IZ && !opsize)
		out->imm = (int32_t)(code[i - 4] | code[i - 3] << 8 | code[i - 2] << 16 |
				     (uint32_t)code[i - 1] << 24);
	classify(out, code, opi, map2, rex, other_prefix || opsize || addr32, has_modrm, mod,
		 reg, rm);
	return out->len;
}

uint64_t x86_riprel_target(const struct x86_insn *in, uint64_t addr)
{
	return addr + in->len + (int64_t)in->disp;
}

static uint64_t width_mask(int width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

#define FL_CF 0x001
#define FL_PF 0x004
#define FL_AF 0x010
#define FL_ZF 0x040
#define FL_SF 0x080
#define FL_OF 0x800

uint64_t x86_alu_flags(enum x86_alu op, uint64_t a, uint64_t b, int width,
		       uint64_t eflags, uint64_t *result)
{
	uint64_t mask = width_mask(width), sign = 1ULL << (8 * width - 1), r, fl = 0;

	a &= mask;
	b &= mask;
	switch (op) {
	case XA_ADD:
		r = (a + b) & mask;
		if (r < a)
			fl |= FL_CF;
		if (~(a ^ b) & (a ^ r) & sign)
			fl |= FL_OF;
		fl |= (a ^ b ^ r) & FL_AF;
		break;
	case XA_SUB:
	case XA_CMP:
		r = (a - b) & mask;
		if (a < b)
			fl |= FL_CF;
		if ((a ^ b) & (a ^ r) & sign)
			fl |= FL_OF;
		fl |= (a ^ b ^ r) & FL_AF;
		break;
	case XA_OR:
		r = a | b;
		break;
	case XA_XOR:
		r = a ^ b;
		break;
	default:	/* XA_AND, XA_TEST */
		r = a & b;
		break;
	}
	if (r == 0)
		fl |= FL_ZF;
	if (r & sign)
		fl |= FL_SF;
	if (!(__builtin_popcount((unsigned)(r & 0xff)) & 1))
		fl |= FL_PF;
	if (result)
		*result = r;
	return (eflags & ~(uint64_t)(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)) | fl;
}

int x86_emulate(const struct x86_insn *in, uint64_t addr, struct user_regs_struct *regs,
		uint64_t memval, uint64_t *push_val)
{
	uint64_t a, b, res, *d;

	switch (in->kind) {
	case XK_ENDBR:
		break;
	case XK_PUSH:
		/* push %rsp stores the value from before the decrement. */
		*push_val = *x86_reg(regs, in->src);
		regs->rsp -= 8;
		regs->rip = addr + in->len;
		return 1;
	case XK_MOV_RR:
		a = *x86_reg(regs, in->src);
		*x86_reg(regs, in->dst) = in->width == 4 ? (uint32_t)a : a;
		break;
	case XK_ALU:
		a = in->dst >= 0 ? *x86_reg(regs, in->dst) : memval;
		b = in->has_imm ? (uint64_t)in->imm : in->src_mem ? memval : *x86_reg(regs, in->src);
		regs->eflags = x86_alu_flags(in->op, a, b, in->width, regs->eflags, &res);
		if (in->op != XA_CMP && in->op != XA_TEST && in->dst >= 0) {
			d = x86_reg(regs, in->dst);
			/* 32-bit results zero-extend; only 4 and 8 reach here
			 * with a register destination. */
			*d = res;
		}
		break;
	default:
		return -EINVAL;
	}
	regs->rip = addr + in->len;
	return 0;
}

int x86_relocate(const struct x86_insn *in, const uint8_t *code, uint64_t from,
		 uint64_t to, uint8_t *out)
{
	memcpy(out, code, in->len);
	if (in->riprel) {
		int64_t nd = (int64_t)(x86_riprel_target(in, from) - (to + in->len));
		int32_t d32 = (int32_t)nd;

		if (nd != d32)
			return -ERANGE;
		memcpy(out + in->disp_off, &d32, 4);
	}
	return in->len;
}
