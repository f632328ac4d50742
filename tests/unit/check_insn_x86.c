#include "config.h"

/* check_insn_x86.c - tracer/insn_x86.c: the x86-64 decode, emulate and
 * re-base of the instruction a breakpoint displaces. Byte patterns are
 * the real first instructions of glibc 2.36's, libc.a's and libasan.so.8's
 * allocators plus common prologue forms
 * (docs/kernel-facts.md#allocator-prologues). */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/insn_call.h"
#include "tracer/insn_x86.h"

#define FL_CF 0x001
#define FL_PF 0x004
#define FL_ZF 0x040
#define FL_SF 0x080
#define FL_OF 0x800

static struct x86_insn dec(const uint8_t *code, size_t n, int want_len)
{
	struct x86_insn in;
	int rc = x86_decode(code, n, &in);

	ck_assert_int_eq(rc, want_len);
	if (want_len > 0)
		ck_assert_int_eq(in.len, want_len);
	return in;
}

START_TEST(decode_glibc_prologues)
{
	struct x86_insn in;

	/* malloc: push %r12 */
	in = dec((const uint8_t[]){ 0x41, 0x54, 0x55 }, 3, 2);
	ck_assert_int_eq(in.kind, XK_PUSH);
	ck_assert_int_eq(in.src, 12);
	/* calloc / realloc: push %r13 / %r15 */
	in = dec((const uint8_t[]){ 0x41, 0x55 }, 2, 2);
	ck_assert_int_eq(in.src, 13);
	in = dec((const uint8_t[]){ 0x41, 0x57 }, 2, 2);
	ck_assert_int_eq(in.src, 15);
	/* libc.a malloc: push %rbp */
	in = dec((const uint8_t[]){ 0x55, 0x48, 0x89, 0xfd }, 4, 1);
	ck_assert_int_eq(in.kind, XK_PUSH);
	ck_assert_int_eq(in.src, 5);
	/* reallocarray: mov %rsi,%rax */
	in = dec((const uint8_t[]){ 0x48, 0x89, 0xf0, 0x48, 0xf7, 0xe2 }, 6, 3);
	ck_assert_int_eq(in.kind, XK_MOV_RR);
	ck_assert_int_eq(in.dst, 0);
	ck_assert_int_eq(in.src, 6);
	ck_assert_int_eq(in.width, 8);
	/* memalign/posix_memalign/valloc/pvalloc: cmpb $0x0,disp(%rip) */
	in = dec((const uint8_t[]){ 0x80, 0x3d, 0x71, 0x0e, 0x14, 0x00, 0x00, 0x74 }, 8, 7);
	ck_assert_int_eq(in.kind, XK_ALU);
	ck_assert_int_eq(in.op, XA_CMP);
	ck_assert(in.riprel);
	ck_assert_int_eq(in.disp_off, 2);
	ck_assert_int_eq(in.disp, 0x140e71);
	ck_assert_int_eq(in.width, 1);
	ck_assert_int_eq(in.dst, -1);
	ck_assert(in.has_imm);
	ck_assert_int_eq(in.imm, 0);
	ck_assert_uint_eq(x86_riprel_target(&in, 0x99610), 0x1da488);
	/* libasan: endbr64 */
	in = dec((const uint8_t[]){ 0xf3, 0x0f, 0x1e, 0xfa, 0x55 }, 5, 4);
	ck_assert_int_eq(in.kind, XK_ENDBR);
}
END_TEST

START_TEST(decode_other_forms)
{
	struct x86_insn in;

	/* sub $0x18,%rsp and sub $0x100,%rsp */
	in = dec((const uint8_t[]){ 0x48, 0x83, 0xec, 0x18 }, 4, 4);
	ck_assert_int_eq(in.kind, XK_ALU);
	ck_assert_int_eq(in.op, XA_SUB);
	ck_assert_int_eq(in.dst, 4);
	ck_assert_int_eq(in.imm, 0x18);
	in = dec((const uint8_t[]){ 0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00 }, 7, 7);
	ck_assert_int_eq(in.op, XA_SUB);
	ck_assert_int_eq(in.imm, 0x100);
	/* cmpq $0x0,disp(%rip) */
	in = dec((const uint8_t[]){ 0x48, 0x83, 0x3d, 1, 2, 3, 4, 0 }, 8, 8);
	ck_assert_int_eq(in.kind, XK_ALU);
	ck_assert_int_eq(in.width, 8);
	ck_assert(in.riprel);
	/* xor %eax,%eax; test %rdi,%rdi */
	in = dec((const uint8_t[]){ 0x31, 0xc0 }, 2, 2);
	ck_assert_int_eq(in.op, XA_XOR);
	ck_assert_int_eq(in.width, 4);
	in = dec((const uint8_t[]){ 0x48, 0x85, 0xff }, 3, 3);
	ck_assert_int_eq(in.op, XA_TEST);
	/* mov GOT(%rip),%rax: rip-relative, run out of line */
	in = dec((const uint8_t[]){ 0x48, 0x8b, 0x05, 0x79, 0xb7, 0x1a, 0x00 }, 7, 7);
	ck_assert_int_eq(in.kind, XK_OOL);
	ck_assert(in.riprel);
	ck_assert_int_eq(in.disp_off, 3);
	/* addq $1,disp(%rip) writes memory: out of line */
	in = dec((const uint8_t[]){ 0x48, 0x83, 0x05, 1, 2, 3, 4, 1 }, 8, 8);
	ck_assert_int_eq(in.kind, XK_OOL);
	/* mov %fs:0x28,%rax (stack protector) */
	in = dec((const uint8_t[]){ 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0 }, 9, 9);
	ck_assert_int_eq(in.kind, XK_OOL);
	ck_assert(!in.riprel);
	/* lea disp(%rip),%rdi; movabs $imm64,%rax; nopl 0(%rax,%rax); mov %rsp,%rbp */
	in = dec((const uint8_t[]){ 0x48, 0x8d, 0x3d, 1, 2, 3, 4 }, 7, 7);
	ck_assert(in.riprel);
	dec((const uint8_t[]){ 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 10);
	dec((const uint8_t[]){ 0x0f, 0x1f, 0x44, 0x00, 0x00 }, 5, 5);
	in = dec((const uint8_t[]){ 0x48, 0x89, 0xe5 }, 3, 3);
	ck_assert_int_eq(in.kind, XK_MOV_RR);
	ck_assert_int_eq(in.dst, 5);
	ck_assert_int_eq(in.src, 4);
	/* mov 0x8(%rsp,%rbx,2),%rax (SIB + disp8) */
	dec((const uint8_t[]){ 0x48, 0x8b, 0x44, 0x5c, 0x08 }, 5, 5);
	/* push $imm32 */
	dec((const uint8_t[]){ 0x68, 1, 2, 3, 4 }, 5, 5);
}
END_TEST

START_TEST(decode_refused)
{
	struct x86_insn in;

	/* call rel32, jmp rel32, ret, jmp *disp(%rip), je rel32, int3 */
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0xe8, 0, 0, 0, 0 }, 5, &in), -ENOTSUP);
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0xe9, 0, 0, 0, 0 }, 5, &in), -ENOTSUP);
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0xc3 }, 1, &in), -ENOTSUP);
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0xff, 0x25, 0, 0, 0, 0 }, 6, &in),
			 -ENOTSUP);
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0x0f, 0x84, 0, 0, 0, 0 }, 6, &in),
			 -ENOTSUP);
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0xcc }, 1, &in), -ENOTSUP);
	/* truncated */
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0x48, 0x8b }, 2, &in), -EINVAL);
	ck_assert_int_eq(x86_decode((const uint8_t[]){ 0x48, 0x8b, 0x05, 0, 0 }, 5, &in),
			 -EINVAL);
}
END_TEST

START_TEST(emulate_push_endbr_mov)
{
	struct user_regs_struct r;
	struct x86_insn in;
	uint64_t pv = 0;

	memset(&r, 0, sizeof(r));
	r.rsp = 0x7ffc1000;
	r.r12 = 0xdeadbeef;
	in = dec((const uint8_t[]){ 0x41, 0x54 }, 2, 2);
	ck_assert_int_eq(x86_emulate(&in, 0x1000, &r, 0, &pv), 1);
	ck_assert_uint_eq(pv, 0xdeadbeef);
	ck_assert_uint_eq(r.rsp, 0x7ffc0ff8);
	ck_assert_uint_eq(r.rip, 0x1002);

	/* push %rsp stores the old value */
	in = dec((const uint8_t[]){ 0x54 }, 1, 1);
	ck_assert_int_eq(x86_emulate(&in, 0x2000, &r, 0, &pv), 1);
	ck_assert_uint_eq(pv, 0x7ffc0ff8);
	ck_assert_uint_eq(r.rsp, 0x7ffc0ff0);

	in = dec((const uint8_t[]){ 0xf3, 0x0f, 0x1e, 0xfa }, 4, 4);
	ck_assert_int_eq(x86_emulate(&in, 0x3000, &r, 0, &pv), 0);
	ck_assert_uint_eq(r.rip, 0x3004);
	ck_assert_uint_eq(r.rsp, 0x7ffc0ff0);

	r.rsi = 0xffffffff12345678ULL;
	in = dec((const uint8_t[]){ 0x48, 0x89, 0xf0 }, 3, 3);
	x86_emulate(&in, 0x4000, &r, 0, &pv);
	ck_assert_uint_eq(r.rax, 0xffffffff12345678ULL);
	ck_assert_uint_eq(r.rip, 0x4003);
	/* 32-bit mov zero-extends */
	in = dec((const uint8_t[]){ 0x89, 0xf7 }, 2, 2);
	r.rdi = ~0ULL;
	x86_emulate(&in, 0x5000, &r, 0, &pv);
	ck_assert_uint_eq(r.rdi, 0x12345678);

	in = dec((const uint8_t[]){ 0x48, 0x8b, 0x05, 0, 0, 0, 0 }, 7, 7);
	ck_assert_int_eq(x86_emulate(&in, 0x6000, &r, 0, &pv), -EINVAL);
}
END_TEST

START_TEST(emulate_alu)
{
	struct user_regs_struct r;
	struct x86_insn in;
	uint64_t pv;
	const uint8_t cmpb[] = { 0x80, 0x3d, 0x10, 0, 0, 0, 0x00 };

	memset(&r, 0, sizeof(r));
	r.eflags = 0x202 | FL_CF;
	in = dec(cmpb, sizeof(cmpb), 7);
	/* __malloc_initialized == 0: je taken */
	x86_emulate(&in, 0x1000, &r, 0, &pv);
	ck_assert_uint_eq(r.rip, 0x1007);
	ck_assert(r.eflags & FL_ZF);
	ck_assert(!(r.eflags & FL_CF));
	ck_assert(r.eflags & 0x200);	/* IF kept */
	/* == 1: je not taken */
	x86_emulate(&in, 0x1000, &r, 1, &pv);
	ck_assert(!(r.eflags & FL_ZF));
	ck_assert(!(r.eflags & FL_SF));
	/* only the low byte counts */
	x86_emulate(&in, 0x1000, &r, 0x100, &pv);
	ck_assert(r.eflags & FL_ZF);

	r.rsp = 0x1000;
	in = dec((const uint8_t[]){ 0x48, 0x83, 0xec, 0x18 }, 4, 4);
	x86_emulate(&in, 0x2000, &r, 0, &pv);
	ck_assert_uint_eq(r.rsp, 0xfe8);
	ck_assert(!(r.eflags & (FL_ZF | FL_CF | FL_SF)));

	r.rax = ~0ULL;
	in = dec((const uint8_t[]){ 0x31, 0xc0 }, 2, 2);
	x86_emulate(&in, 0x3000, &r, 0, &pv);
	ck_assert_uint_eq(r.rax, 0);
	ck_assert(r.eflags & FL_ZF);
	ck_assert(r.eflags & FL_PF);

	r.rdi = 0x8000000000000000ULL;
	in = dec((const uint8_t[]){ 0x48, 0x85, 0xff }, 3, 3);
	x86_emulate(&in, 0x4000, &r, 0, &pv);
	ck_assert_uint_eq(r.rdi, 0x8000000000000000ULL);
	ck_assert(r.eflags & FL_SF);
	ck_assert(!(r.eflags & FL_ZF));
}
END_TEST

START_TEST(alu_flags)
{
	uint64_t res, fl;

	fl = x86_alu_flags(XA_CMP, 1, 2, 8, 0, &res);
	ck_assert_uint_eq(res, ~0ULL);
	ck_assert(fl & FL_CF);
	ck_assert(fl & FL_SF);
	ck_assert(!(fl & FL_OF));
	/* signed overflow at byte width: 0x7f - (-1) */
	fl = x86_alu_flags(XA_SUB, 0x7f, 0xff, 1, 0, &res);
	ck_assert_uint_eq(res, 0x80);
	ck_assert(fl & FL_OF);
	ck_assert(fl & FL_CF);
	fl = x86_alu_flags(XA_ADD, 0xffffffff, 1, 4, 0, &res);
	ck_assert_uint_eq(res, 0);
	ck_assert(fl & FL_CF);
	ck_assert(fl & FL_ZF);
	/* parity of 0x03 (two bits) is even */
	fl = x86_alu_flags(XA_OR, 0x01, 0x02, 8, 0, &res);
	ck_assert(fl & FL_PF);
	fl = x86_alu_flags(XA_AND, 0x07, 0x01, 8, FL_CF | FL_OF, &res);
	ck_assert(!(fl & (FL_CF | FL_OF | FL_PF)));
}
END_TEST

/* A function as gcc lays one out: the call ending at each return
 * address is found by decoding forwards, with its operand. */
START_TEST(find_call)
{
	static const uint8_t fn[] = {
		0xf3, 0x0f, 0x1e, 0xfa,			/* 0: endbr64 */
		0x55,					/* 4: push %rbp */
		0x48, 0x89, 0xe5,			/* 5: mov %rsp,%rbp */
		0xe8, 0x10, 0x00, 0x00, 0x00,		/* 8: call 0x1d (rel32) */
		0xb8, 0x00, 0x00, 0x00, 0x00,		/* 13: mov $0,%eax */
		0xff, 0xd0,				/* 18: call *%rax */
		0xff, 0x15, 0x08, 0x00, 0x00, 0x00,	/* 20: call *0x8(%rip) */
		0x41, 0xff, 0x54, 0x24, 0x08,		/* 26: call *0x8(%r12) */
		0xff, 0x14, 0xc5, 0x10, 0, 0, 0,	/* 31: call *0x10(,%rax,8) */
		0x5d,					/* 38: pop %rbp */
		0xc3,					/* 39: ret */
	};
	const uint64_t base = 0x401000;
	struct x86_call c;
	uint64_t at;

	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 13, &at, &c), 0);
	ck_assert_uint_eq(at, base + 8);
	ck_assert_int_eq(c.how, XC_IMM);
	ck_assert_uint_eq(c.target, base + 13 + 0x10);
	ck_assert_int_eq(c.len, 5);

	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 20, &at, &c), 0);
	ck_assert_uint_eq(at, base + 18);
	ck_assert_int_eq(c.how, XC_REG);
	ck_assert_int_eq(c.base, 0);

	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 26, &at, &c), 0);
	ck_assert_int_eq(c.how, XC_MEM);
	ck_assert(c.riprel);
	ck_assert_int_eq(c.disp, 8);
	ck_assert_int_eq(c.len, 6);

	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 31, &at, &c), 0);
	ck_assert_uint_eq(at, base + 26);
	ck_assert_int_eq(c.how, XC_MEM);
	ck_assert_int_eq(c.base, 12);
	ck_assert_int_eq(c.index, -1);

	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 38, &at, &c), 0);
	ck_assert_int_eq(c.base, -1);
	ck_assert_int_eq(c.index, 0);
	ck_assert_int_eq(c.scale, 8);
	ck_assert_int_eq(c.disp, 0x10);

	/* Not after a call, inside an insn, outside the bytes. */
	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 8, &at, &c), -ENOENT);
	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 10, &at, &c), -ENOENT);
	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base + 100, &at, &c), -ENOENT);
	ck_assert_int_eq(x86_find_call(fn, sizeof(fn), base, base, &at, &c), -ENOENT);
}
END_TEST

START_TEST(relocate)
{
	const uint8_t code[] = { 0x80, 0x3d, 0x71, 0x0e, 0x14, 0x00, 0x00 };
	uint8_t out[16];
	struct x86_insn in = dec(code, sizeof(code), 7);
	uint64_t from = 0x7f0000099610ULL, to = 0x7f0000001000ULL;
	int32_t nd;

	ck_assert_int_eq(x86_relocate(&in, code, from, to, out), 7);
	memcpy(&nd, out + 2, 4);
	ck_assert_uint_eq(to + 7 + (int64_t)nd, x86_riprel_target(&in, from));
	ck_assert_int_eq(out[6], 0x00);
	/* more than 2 GiB away */
	ck_assert_int_eq(x86_relocate(&in, code, from, 0x1000, out), -ERANGE);
	/* not rip-relative: plain copy */
	in = dec((const uint8_t[]){ 0x41, 0x54 }, 2, 2);
	ck_assert_int_eq(x86_relocate(&in, (const uint8_t[]){ 0x41, 0x54 }, from, 0x1000, out), 2);
	ck_assert_int_eq(out[0], 0x41);
}
END_TEST

static Suite *insn_x86_suite(void)
{
	Suite *s = suite_create("insn_x86");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, decode_glibc_prologues);
	tcase_add_test(tc, decode_other_forms);
	tcase_add_test(tc, decode_refused);
	tcase_add_test(tc, emulate_push_endbr_mov);
	tcase_add_test(tc, emulate_alu);
	tcase_add_test(tc, alu_flags);
	tcase_add_test(tc, relocate);
	tcase_add_test(tc, find_call);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(insn_x86_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
