#include "config.h"

/* func_code.c - where a function's code is, by name: its symbols and its
 * inlined copies. A pinned fault at caller=FUNC (inject/alloc_gate.c)
 * needs every call instruction whose site can be named FUNC, and a site
 * is named by its innermost non-system function, inlined or not
 * (symbols.h): so FUNC's own code (its symbol, and the clones gcc makes
 * of it at -O2, FUNC.constprop.0, FUNC.part.0, FUNC.cold), and every
 * DW_TAG_inlined_subroutine whose origin is FUNC.
 *
 * Searched in every module the tracer parses outside the system ones;
 * a module it does not parse (untrusted.c) might hold FUNC, so the
 * answer is then "cannot tell" (-ENOENT), never a short list. Results
 * are kept per module file and name across runs, as offsets from the
 * module's low address.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "symbols/symbols_int.h"

#define CACHE_MAX 16
#define RANGES_MAX 256

struct cached {
	char file[192];
	char name[128];
	int n;			/* -ENOSPC when too many */
	struct code_range r[RANGES_MAX];	/* offsets from the module's low */
};

static struct cached *cache[CACHE_MAX];
static int cache_next;

/* Is sym (a symbol name) FUNC or one of gcc's clones of it? */
static bool names_func(const char *sym, const char *name)
{
	size_t n = strlen(name);

	return strncmp(sym, name, n) == 0 && (sym[n] == 0 || sym[n] == '.');
}

static int add(struct cached *c, uint64_t lo, uint64_t hi, uint64_t entry)
{
	if (hi <= lo)
		return 0;
	if (c->n >= RANGES_MAX)
		return -ENOSPC;
	c->r[c->n++] = (struct code_range){ lo, hi, entry };
	return 0;
}

static int scan_symbols(Dwfl_Module *mod, Dwarf_Addr low, const char *name, struct cached *c)
{
	int n = dwfl_module_getsymtab(mod);

	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *s = dwfl_module_getsym_info(mod, i, &sym, &addr, NULL, NULL, NULL);
		int rc;

		if (!s || GELF_ST_TYPE(sym.st_info) != STT_FUNC || !sym.st_size ||
		    !names_func(s, name))
			continue;
		if ((rc = add(c, addr - low, addr + sym.st_size - low, addr - low)) < 0)
			return rc;
	}
	return 0;
}

static int scan_die(Dwfl_Module *mod, Dwarf_Addr bias, Dwarf_Addr low, Dwarf_Die *die,
		    const char *name, struct cached *c, int depth)
{
	Dwarf_Die child;
	int rc;

	if (depth > 64)
		return 0;
	if (dwarf_tag(die) == DW_TAG_inlined_subroutine) {
		const char *n = dwarf_diename(die);

		if (n && strcmp(n, name) == 0) {
			Dwarf_Addr base, start, end, entry;
			ptrdiff_t off = 0;

			while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
				start += bias;
				end += bias;
				if (sym_fde_start(mod, start, &entry) < 0)
					return -ENOENT;	/* no function to decode from */
				if ((rc = add(c, start - low, end - low, entry - low)) < 0)
					return rc;
			}
		}
	}
	if (dwarf_child(die, &child) != 0)
		return 0;
	do {
		if ((rc = scan_die(mod, bias, low, &child, name, c, depth + 1)) < 0)
			return rc;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

static int scan_inlined(Dwfl_Module *mod, Dwarf_Addr low, const char *name, struct cached *c)
{
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	int rc;

	while ((cu = dwfl_module_nextcu(mod, cu, &bias)))
		if ((rc = scan_die(mod, bias, low, cu, name, c, 0)) < 0)
			return rc;
	return 0;
}

static const struct cached *lookup(Dwfl_Module *mod, const char *file, Dwarf_Addr low,
				   const char *name)
{
	struct cached *c;
	int rc;

	for (int i = 0; i < CACHE_MAX; i++)
		if (cache[i] && strcmp(cache[i]->file, file) == 0 &&
		    strcmp(cache[i]->name, name) == 0)
			return cache[i];
	if (!(c = calloc(1, sizeof(*c))))
		return NULL;
	snprintf(c->file, sizeof(c->file), "%s", file);
	snprintf(c->name, sizeof(c->name), "%s", name);
	rc = scan_symbols(mod, low, name, c);
	if (rc == 0)
		rc = scan_inlined(mod, low, name, c);
	if (rc < 0)
		c->n = rc;
	free(cache[cache_next]);
	cache[cache_next] = c;
	cache_next = (cache_next + 1) % CACHE_MAX;
	return c;
}

struct func_walk {
	const char *name;
	struct code_range *out;
	int max, n, err;
};

static int walk_cb(Dwfl_Module *mod, void **userdata, const char *file, Dwarf_Addr start,
		   void *arg)
{
	struct func_walk *w = arg;
	const struct cached *c;
	Dwarf_Addr low, bias;

	(void)userdata, (void)start;
	if (!file || unwind_is_system_module(file))
		return DWARF_CB_OK;
	if (!dwfl_module_getelf(mod, &bias)) {
		w->err = -ENOENT;	/* not parsed here: it might hold FUNC */
		return DWARF_CB_ABORT;
	}
	dwfl_module_info(mod, NULL, &low, NULL, NULL, NULL, NULL, NULL);
	if (!(c = lookup(mod, file, low, w->name))) {
		w->err = -ENOMEM;
		return DWARF_CB_ABORT;
	}
	if (c->n < 0) {
		w->err = c->n;
		return DWARF_CB_ABORT;
	}
	for (int i = 0; i < c->n; i++) {
		if (w->n >= w->max) {
			w->err = -ENOSPC;
			return DWARF_CB_ABORT;
		}
		w->out[w->n++] = (struct code_range){ c->r[i].lo + low, c->r[i].hi + low,
						      c->r[i].entry + low };
	}
	return DWARF_CB_OK;
}

int unwinder_func_code(struct unwinder *u, const char *name, struct code_range *r, int max)
{
	struct func_walk w = { name, r, max, 0, 0 };

	if (dwfl_getmodules(u->dwfl, walk_cb, &w, 0) < 0)
		return -ENOENT;
	return w.err < 0 ? w.err : w.n;
}
