/* func_point.c - the snapshot point at a function's first entry
 * (--snapshot-at=func:NAME): what runs before it runs once. NAME is the
 * definition the program binds to (its own exports, then its libraries in
 * link-map order, as the alloc class finds malloc), else a function of the
 * executable's .symtab (one it does not export: most of a program's own).
 *
 * At the entry point an int3 goes on NAME's first byte. Its hit is the
 * point: the byte is put back and rip moved back onto it, so the template
 * holds the function untouched and every child, started there, runs it
 * as the program would. The int3 is never passed, so it needs none of
 * breakpoint.c's stepping: any first insn will do. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/snapshot_int.h"
#include "tracer/services.h"

int snap_func_set(struct snapshot *sn, const char *name, char *why, size_t whylen)
{
	if (!*name || strlen(name) >= sizeof(sn->func)) {
		snprintf(why, whylen, "'func:' needs a function's name (func:NAME)");
		return -EINVAL;
	}
	strcpy(sn->func, name);
	return 0;
}

int snap_func_entry(void *ctx, struct tracer_task *t)
{
	struct snapshot *sn = ctx;
	struct tracer_sym sym = { .name = sn->func, .flags = TRACER_SYM_EXE | TRACER_SYM_LOCAL };
	struct tracer_image img;
	char why[256] = "";
	uint64_t word;
	int r;

	r = tracer_find_symbols(t, &sym, 1, sn->open_fn, &img, why, sizeof(why));
	if (r < 0) {
		snprintf(sn->why, sizeof(sn->why), "--snapshot-at=func:%s: %s", sn->func, why);
		return r;
	}
	if (!sym.found || sym.ifunc) {
		snprintf(sn->why, sizeof(sn->why), "--snapshot-at=func:%s: no function '%s' in the "
			 "program or its libraries%s", sn->func, sn->func,
			 sym.ifunc ? " (an ifunc: name its implementation)" : "");
		return -ENOENT;
	}
	if ((r = tracer_peek(t, sym.value, &word)) < 0)
		return r;
	/* Another's breakpoint (the alloc class's on malloc) is there. */
	if ((word & 0xff) == 0xcc) {
		snprintf(sn->why, sizeof(sn->why), "--snapshot-at=func:%s: its entry has a "
			 "breakpoint of fzsandbox's already (the alloc class's): name another "
			 "function, or leave that class out", sn->func);
		return -EBUSY;
	}
	if ((r = tracer_poke(t, sym.value, (word & ~0xffULL) | 0xcc)) < 0)
		return r;
	sn->func_addr = sym.value;
	sn->func_word = word;
	sn->func_planted = true;
	return 0;
}

int snap_func_trap(void *ctx, struct tracer_task *t)
{
	struct snapshot *sn = ctx;
	struct user_regs_struct regs;

	if (!sn->func_planted || tracer_getregs(t, &regs) < 0 || regs.rip != sn->func_addr + 1)
		return 0;
	if (tracer_poke(t, sn->func_addr, sn->func_word) < 0)
		return 0;
	sn->func_planted = false;
	regs.rip = sn->func_addr;
	return tracer_setregs(t, &regs) < 0 ? 0 : 1;
}
