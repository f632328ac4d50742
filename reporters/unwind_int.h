/* unwind_int.h - private to unwind.c and symbolize.c.
 *
 * unwind.c owns the Dwfl and the caches; symbolize.c turns one address of
 * one module into a struct frame and finds module files the way the
 * target sees them (through /proc/PID/root, checked by build-id).
 */
#ifndef FZ_UNWIND_INT_H
#define FZ_UNWIND_INT_H

#include <elfutils/libdwfl.h>

#include "reporters/unwind.h"

#define MOD_CACHE_MAX 256

struct pc_entry {
	uint64_t key;		/* pc << 1 | is_return */
	bool nomod;		/* no module covered it, even after a refresh */
	struct frame f;
};

struct mod_class {
	Dwfl_Module *mod;
	bool system;
};

struct unwinder {
	pid_t pid;
	Dwfl *dwfl;
	Dwfl_Callbacks cb;	/* dwfl keeps a pointer to it */
	char *debuginfo_path;
	struct pc_entry **slots;
	size_t nslots, nused;
	struct mod_class mods[MOD_CACHE_MAX];
	int nmods;
	/* A static program has no ld.so: its libc is inside the executable,
	 * so "system" is decided per function there (-1: not known yet). */
	int static_exe;
};

/* Dwfl_Callbacks.find_elf: like dwfl_linux_proc_find_elf, but opens files
 * in the target's mount namespace and rejects a build-id mismatch. Needs
 * the module's userdata set to the unwinder (sym_tag_modules). */
int sym_find_elf(Dwfl_Module *mod, void **userdata, const char *modname,
		 Dwarf_Addr base, char **file_name, Elf **elfp);
/* Point every module's userdata at u, after each dwfl_report_end. */
int sym_tag_modules(struct unwinder *u);
/* Fill f for pc in mod (NULL: no module). Returns 0 or -ENOENT. */
int sym_fill(Dwfl_Module *mod, uint64_t pc, bool is_return, struct frame *f);

#endif
