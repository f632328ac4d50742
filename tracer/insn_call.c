#include "config.h"

/* insn_call.c - the call instruction that returns to a given address, and
 * what it calls: for breakpoints on call sites (breakpoint.c), which a
 * planned run uses to stop only where its plan can act.
 *
 * A return address says where a call ends, not where it starts: x86 cannot
 * be decoded backwards (the bytes before a return address may end several
 * valid instructions). So the function is decoded forwards from its entry
 * (its .eh_frame FDE start) with capstone, a complete x86-64 decoder, and
 * the instruction that ends exactly at the return address must be a call.
 * Compiled code keeps no data between a function's instructions on
 * x86-64; anything that does not decode cleanly up to the return address
 * is refused (-ENOENT), and the caller keeps stopping everywhere.
 *
 * capstone is loaded with dlopen at the first use, not linked: its 6.6 MB
 * and their relocations cost every fzsandbox start 1.4 ms (measured, a
 * fifth of a jailed one-shot run), and only planned runs need it. The
 * soname is the major version of the header built against (their layouts
 * differ between majors). Without it: -ENOTSUP, and the caller keeps
 * stopping everywhere.
 * Pure code: tests/unit/check_insn_x86.c covers it.
 */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>

#include "tracer/insn_call.h"

static struct {
	cs_err (*open)(cs_arch, cs_mode, csh *);
	cs_err (*option)(csh, cs_opt_type, size_t);
	cs_insn *(*malloc)(csh);
	bool (*disasm_iter)(csh, const uint8_t **, size_t *, uint64_t *, cs_insn *);
	void (*free)(cs_insn *, size_t);
	cs_err (*close)(csh *);
	bool ok;
} cs;
static pthread_once_t cs_once = PTHREAD_ONCE_INIT;

static void cs_load(void)
{
	char name[32];
	void *h;

	snprintf(name, sizeof(name), "libcapstone.so.%d", CS_API_MAJOR);
	if (!(h = dlopen(name, RTLD_NOW | RTLD_LOCAL)))
		return;
	*(void **)&cs.open = dlsym(h, "cs_open");
	*(void **)&cs.option = dlsym(h, "cs_option");
	*(void **)&cs.malloc = dlsym(h, "cs_malloc");
	*(void **)&cs.disasm_iter = dlsym(h, "cs_disasm_iter");
	*(void **)&cs.free = dlsym(h, "cs_free");
	*(void **)&cs.close = dlsym(h, "cs_close");
	cs.ok = cs.open && cs.option && cs.malloc && cs.disasm_iter && cs.free && cs.close;
}

/* A decoder with details on, and one insn to decode into. */
static int decoder_open(csh *h, cs_insn **ci)
{
	pthread_once(&cs_once, cs_load);
	if (!cs.ok)
		return -ENOTSUP;
	if (cs.open(CS_ARCH_X86, CS_MODE_64, h) != CS_ERR_OK)
		return -ENOMEM;
	cs.option(*h, CS_OPT_DETAIL, CS_OPT_ON);
	if (!(*ci = cs.malloc(*h))) {
		cs.close(h);
		return -ENOMEM;
	}
	return 0;
}

static void decoder_close(csh *h, cs_insn *ci)
{
	cs.free(ci, 1);
	cs.close(h);
}

/* capstone's 64-bit registers by hardware number (insn_x86.h numbering). */
static const x86_reg hw_regs[16] = {
	X86_REG_RAX, X86_REG_RCX, X86_REG_RDX, X86_REG_RBX,
	X86_REG_RSP, X86_REG_RBP, X86_REG_RSI, X86_REG_RDI,
	X86_REG_R8, X86_REG_R9, X86_REG_R10, X86_REG_R11,
	X86_REG_R12, X86_REG_R13, X86_REG_R14, X86_REG_R15,
};

static int hw_of(x86_reg r)
{
	for (int i = 0; i < 16; i++)
		if (hw_regs[i] == r)
			return i;
	return -1;
}

/* The call's operand as an emulation recipe; -ENOTSUP for forms we do not
 * emulate (segment overrides, 32-bit registers, far calls). */
static int operand(const cs_insn *ci, struct x86_call *out)
{
	const cs_x86 *x = &ci->detail->x86;
	const cs_x86_op *op;

	if (x->op_count != 1)
		return -ENOTSUP;
	op = &x->operands[0];
	switch (op->type) {
	case X86_OP_IMM:
		out->how = XC_IMM;
		out->target = (uint64_t)op->imm;
		return 0;
	case X86_OP_REG:
		out->how = XC_REG;
		out->base = (int8_t)hw_of(op->reg);
		return out->base < 0 ? -ENOTSUP : 0;
	case X86_OP_MEM:
		if (op->size != 8 || op->mem.segment != X86_REG_INVALID)
			return -ENOTSUP;
		out->how = XC_MEM;
		out->disp = op->mem.disp;
		out->riprel = op->mem.base == X86_REG_RIP;
		out->base = op->mem.base == X86_REG_INVALID || out->riprel ? -1 :
			    (int8_t)hw_of(op->mem.base);
		out->index = op->mem.index == X86_REG_INVALID ? -1 : (int8_t)hw_of(op->mem.index);
		out->scale = (uint8_t)op->mem.scale;
		if ((op->mem.base != X86_REG_INVALID && !out->riprel && out->base < 0) ||
		    (op->mem.index != X86_REG_INVALID && out->index < 0))
			return -ENOTSUP;
		return 0;
	default:
		return -ENOTSUP;
	}
}

int x86_find_call(const uint8_t *code, size_t n, uint64_t start, uint64_t ret,
		  uint64_t *call_addr, struct x86_call *out)
{
	const uint8_t *p = code;
	uint64_t addr = start;
	size_t left = n;
	csh h;
	cs_insn *ci;
	int rc = -ENOENT;

	if (ret <= start || ret - start > n)
		return -ENOENT;
	if ((rc = decoder_open(&h, &ci)) < 0)
		return rc;
	rc = -ENOENT;
	while (addr < ret && cs.disasm_iter(h, &p, &left, &addr, ci)) {
		if (addr != ret)
			continue;
		/* ci ends exactly at ret. */
		if (ci->id != X86_INS_CALL) {
			rc = -ENOENT;
			break;
		}
		memset(out, 0, sizeof(*out));
		out->len = (uint8_t)ci->size;
		out->base = out->index = -1;
		*call_addr = ci->address;
		rc = operand(ci, out);
		break;
	}
	decoder_close(&h, ci);
	return rc;
}

int x86_calls_in(const uint8_t *code, size_t n, uint64_t start, uint64_t lo, uint64_t hi,
		 int (*each)(void *arg, uint64_t addr, const struct x86_call *c), void *arg)
{
	const uint8_t *p = code;
	uint64_t addr = start;
	size_t left = n;
	csh h;
	cs_insn *ci;
	int rc = 0;

	if (lo < start || hi <= lo || hi - start > n)
		return -ENOENT;
	if ((rc = decoder_open(&h, &ci)) < 0)
		return rc;
	while (rc == 0 && addr < hi) {
		struct x86_call c;

		if (!cs.disasm_iter(h, &p, &left, &addr, ci)) {
			rc = -ENOENT;
			break;
		}
		if (ci->id != X86_INS_CALL || ci->address < lo)
			continue;
		memset(&c, 0, sizeof(c));
		c.len = (uint8_t)ci->size;
		c.base = c.index = -1;
		if ((rc = operand(ci, &c)) == 0)
			rc = each(arg, ci->address, &c);
	}
	/* A range must end on an insn boundary, as it began on one. */
	if (rc == 0 && addr != hi)
		rc = -ENOENT;
	decoder_close(&h, ci);
	return rc;
}
