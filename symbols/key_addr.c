#include "config.h"

/* key_addr.c - from a site key's module and offset back to an address in
 * a live process, and the entry of the function that holds it: where a
 * planned run puts its breakpoints (inject/alloc_gate.c).
 *
 * A key names its module by build-id (the first 40 hex digits), or by the
 * file's basename when it has none (state.c: inj_site_key); its offset is
 * from the module's low address, as struct frame's. Only modules the
 * tracer parses itself: an untrusted one (untrusted.c) has no ELF here,
 * so no CFI to find the function's start, and gets -ENOENT.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "symbols/symbols_int.h"

struct key_find {
	const char *id;
	Dwfl_Module *mod;
	Dwarf_Addr low;
};

static bool module_has_id(Dwfl_Module *mod, const char *name, const char *id)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	char hex[41];
	const char *b;
	int len = dwfl_module_build_id(mod, &bits, &vaddr);

	if (len > 0) {
		for (int i = 0; i < len && 2 * i + 2 < (int)sizeof(hex); i++)
			snprintf(hex + 2 * i, 3, "%02x", bits[i]);
		return strcmp(hex, id) == 0;
	}
	b = name ? strrchr(name, '/') : NULL;
	b = b ? b + 1 : name;
	return b && strcmp(b, id) == 0;
}

static int find_cb(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start,
		   void *arg)
{
	struct key_find *k = arg;
	Dwarf_Addr bias;

	(void)userdata, (void)start;
	if (!dwfl_module_getelf(mod, &bias) || !module_has_id(mod, name, k->id))
		return DWARF_CB_OK;
	k->mod = mod;
	dwfl_module_info(mod, NULL, &k->low, NULL, NULL, NULL, NULL, NULL);
	return DWARF_CB_ABORT;
}

int unwinder_key_pc(struct unwinder *u, const char *module_id, uint64_t offset, uint64_t *pc,
		    uint64_t *func)
{
	struct key_find k = { module_id, NULL, 0 };
	Dwarf_Addr addr, start;
	GElf_Off off = 0;
	GElf_Sym sym;

	if (dwfl_getmodules(u->dwfl, find_cb, &k, 0) < 0)
		return -ENOENT;
	if (!k.mod) {
		unwinder_refresh(u);
		if (dwfl_getmodules(u->dwfl, find_cb, &k, 0) < 0 || !k.mod)
			return -ENOENT;
	}
	*pc = k.low + offset;
	/* A return address: the call before it belongs to the function. */
	addr = *pc - 1;
	if (sym_fde_start(k.mod, addr, &start) == 0)
		*func = start;
	else if (dwfl_module_addrinfo(k.mod, addr, &off, &sym, NULL, NULL, NULL))
		*func = addr - off;
	else
		return -ENOENT;
	return *func <= addr ? 0 : -ENOENT;
}
