/* insn_call.h - the call instruction before a return address (insn_call.c,
 * with capstone; pure, no ptrace). Internal to tracer/ (breakpoint.c) and
 * its unit test. Kept apart from insn_x86.h, whose names capstone's
 * header also uses. */
#ifndef FZ_INSN_CALL_H
#define FZ_INSN_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a call calls: an immediate target, a register, or a pointer in
 * memory at disp(base, index, scale) or disp(%rip). Registers by hardware
 * number (0 = rax, 4 = rsp, 8..15 = r8..r15), as insn_x86.h. */
struct x86_call {
	uint8_t len;
	enum { XC_IMM, XC_REG, XC_MEM } how;
	uint64_t target;	/* XC_IMM */
	int8_t base, index;	/* -1: none (XC_REG: base) */
	uint8_t scale;
	bool riprel;
	int64_t disp;
};

/* Decode code[0..n) (the bytes at start, a function's entry) forwards up
 * to ret: the call insn that ends exactly at ret, its address in
 * *call_addr. -ENOENT when no insn ends there or it is no call (or the
 * bytes stop decoding first), -ENOTSUP for a call we do not emulate. */
int x86_find_call(const uint8_t *code, size_t n, uint64_t start, uint64_t ret,
		  uint64_t *call_addr, struct x86_call *out);

/* Every call insn in [lo, hi) of the code at start (code[0..n), decoded
 * forwards from start, a function's entry): each(arg, its address, it).
 * 0; each's -errno; -ENOENT when the bytes stop decoding or hi is not an
 * insn boundary; -ENOTSUP for a call we do not emulate. */
int x86_calls_in(const uint8_t *code, size_t n, uint64_t start, uint64_t lo, uint64_t hi,
		 int (*each)(void *arg, uint64_t addr, const struct x86_call *c), void *arg);

#endif
