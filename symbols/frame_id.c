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

/* Entry address of the function holding a frame's pc, 0 if unknown (an
 * untrusted module the tracer does not parse). The start of its .eh_frame
 * FDE first: it is there in stripped programs too, so the verdict does
 * not change with stripping (with only the CFA to compare, a call made
 * later at the same depth would match by accident); the symbol's entry
 * when the module has no CFI for it. */
static uint64_t func_entry(struct unwinder *u, Dwarf_Addr pc, bool act)
{
	Dwarf_Addr addr = act || !pc ? pc : pc - 1, start;
	Dwfl_Module *mod = dwfl_addrmodule(u->dwfl, addr);
	GElf_Off off = 0;
	GElf_Sym sym;

	if (!mod)
		return 0;
	if (sym_fde_start(mod, addr, &start) == 0)
		return start;
	if (!dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL))
		return 0;
	return addr - off;
}

struct id_walk {
	struct unwinder *u;
	uint64_t want_pc;	/* record: the first frame to name */
	const struct frame_id *want;	/* check: the frames to look for */
	int nwant;
	struct frame_id prev;	/* the frame before this one (CFA not yet known) */
	bool have_prev;
	bool recording;
	int n;
	bool found;
	struct frame_id *out;	/* record: up to max frames from want_pc out */
	int nout, max;
};

static bool wanted(const struct id_walk *w, const struct frame_id *f)
{
	for (int i = 0; i < w->nwant; i++)
		if (f->cfa == w->want[i].cfa &&
		    (!w->want[i].func || !f->func || f->func == w->want[i].func))
			return true;
	return false;
}

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
		if (w->want && wanted(w, &w->prev)) {
			w->found = true;
			return DWARF_CB_ABORT;
		}
		if (!w->want) {
			w->out[w->nout++] = w->prev;
			w->found = true;
			if (w->nout >= w->max)
				return DWARF_CB_ABORT;
		}
	}
	w->have_prev = false;
	if (!w->want && pc == w->want_pc)
		w->recording = true;
	if (w->want || w->recording) {
		w->prev.func = func_entry(w->u, pc, act);
		w->prev.cfa = 0;
		w->have_prev = true;
	}
	return ++w->n >= ID_MAX_DEPTH ? DWARF_CB_ABORT : DWARF_CB_OK;
}

int unwinder_frame_ids(struct unwinder *u, pid_t tid, uint64_t pc, struct frame_id *ids, int max)
{
	struct id_walk w = { .u = u, .want_pc = pc, .out = ids, .max = max };

	if (!u || !ids || !pc || max <= 0)
		return -EINVAL;
	memset(ids, 0, max * sizeof(*ids));
	(void)dwfl_getthread_frames(u->dwfl, tid, id_walk_cb, &w);
	return w.found ? w.nout : -ENOENT;
}

int unwinder_frames_live(struct unwinder *u, pid_t tid, const struct frame_id *ids, int n)
{
	struct id_walk w = { .u = u, .want = ids, .nwant = n };

	if (!u || !ids || n <= 0)
		return -EINVAL;
	(void)dwfl_getthread_frames(u->dwfl, tid, id_walk_cb, &w);
	return w.found ? 1 : 0;
}
