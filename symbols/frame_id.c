#include "config.h"

/* frame_id.c - naming one live frame of a stopped thread, and telling later
 * whether that frame is still on the stack.
 *
 * A program that dies on purpose after a failed allocation (xmalloc's
 * abort, assert(p), exit(1)) dies while the function that saw the NULL is
 * still running; one that crashed later has long returned from it. A
 * frame is named by its CFA (the stack pointer before the call that made
 * it: fixed for the frame's whole life, whatever it pushes) and its
 * function's entry, since a later call at the same depth reuses the CFA.
 * Physical frames only: an inlined function shares its caller's frame.
 */

#include <errno.h>
#include <string.h>

#include "symbols/symbols_int.h"

#define ID_MAX_DEPTH 256
#define DWARF_REG_SP 7	/* x86_64 %rsp */

/* Entry address of the function holding a frame's pc, 0 if unknown (no
 * symbol table, an untrusted module the tracer does not parse). */
static uint64_t func_entry(struct unwinder *u, Dwarf_Addr pc, bool act)
{
	Dwarf_Addr addr = act || !pc ? pc : pc - 1;
	Dwfl_Module *mod = dwfl_addrmodule(u->dwfl, addr);
	GElf_Off off = 0;
	GElf_Sym sym;

	if (!mod || !dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL))
		return 0;
	return addr - off;
}

struct id_walk {
	struct unwinder *u;
	uint64_t want_pc;	/* record: the frame to name */
	const struct frame_id *want;	/* check: the frame to look for */
	struct frame_id prev;	/* the frame before this one (CFA not yet known) */
	bool have_prev;
	int n;
	bool found;
	struct frame_id *out;
};

/* A frame's CFA is its caller's stack pointer, so each frame is judged at
 * the next one's callback. */
static int id_walk_cb(Dwfl_Frame *state, void *arg)
{
	struct id_walk *w = arg;
	Dwarf_Addr pc;
	Dwarf_Word sp;
	bool act;

	if (!dwfl_frame_pc(state, &pc, &act))
		return DWARF_CB_ABORT;
	if (w->have_prev && dwfl_frame_reg(state, DWARF_REG_SP, &sp) == 0) {
		w->prev.cfa = sp;
		if (w->want && w->prev.cfa == w->want->cfa &&
		    (!w->want->func || !w->prev.func || w->prev.func == w->want->func)) {
			w->found = true;
			return DWARF_CB_ABORT;
		}
		if (!w->want) {
			*w->out = w->prev;
			w->found = true;
			return DWARF_CB_ABORT;
		}
	}
	w->have_prev = false;
	if (w->want || pc == w->want_pc) {
		w->prev.func = func_entry(w->u, pc, act);
		w->prev.cfa = 0;
		w->have_prev = true;
	}
	return ++w->n >= ID_MAX_DEPTH ? DWARF_CB_ABORT : DWARF_CB_OK;
}

int unwinder_frame_id(struct unwinder *u, pid_t tid, uint64_t pc, struct frame_id *id)
{
	struct id_walk w = { .u = u, .want_pc = pc, .out = id };

	if (!u || !id || !pc)
		return -EINVAL;
	memset(id, 0, sizeof(*id));
	(void)dwfl_getthread_frames(u->dwfl, tid, id_walk_cb, &w);
	return w.found ? 0 : -ENOENT;
}

int unwinder_frame_live(struct unwinder *u, pid_t tid, const struct frame_id *id)
{
	struct id_walk w = { .u = u, .want = id };

	if (!u || !id || !id->cfa)
		return -EINVAL;
	(void)dwfl_getthread_frames(u->dwfl, tid, id_walk_cb, &w);
	return w.found ? 1 : 0;
}
