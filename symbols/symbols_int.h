/* unwind_int.h - private to unwind.c and symbolize.c.
 *
 * unwind.c owns the Dwfl and the caches; symbolize.c turns one address of
 * one module into a struct frame and finds module files the way the
 * target sees them (through /proc/PID/root, checked by build-id).
 */
#ifndef FZ_SYMBOLS_INT_H
#define FZ_SYMBOLS_INT_H

#include <elfutils/libdwfl.h>

#include "symbols/symbols.h"

#define MOD_CACHE_MAX 256
#define UNTRUSTED_MAX 32
#define BUILD_ID_MAX 64

struct pc_entry {
	uint64_t key;		/* pc << 1 | is_return */
	bool nomod;		/* no module covered it, even after a refresh */
	struct frame f;
};

struct mod_class {
	Dwfl_Module *mod;
	bool system;
};

/* A module the jailed target could have written (untrusted.c): libdwfl has
 * no ELF for it; the confined helper symbolizes its frames. */
struct untrusted_mod {
	Dwfl_Module *mod;
	Dwarf_Addr low;
	char *name;
	int fd;			/* the file as opened in the target's root, or -1 */
	bool failed;		/* the helper timed out or died: ask no more */
	uint64_t bias;		/* load bias, from the target's memory */
	size_t id_len;		/* build-id, from the target's memory */
	unsigned char id[BUILD_ID_MAX];
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
	struct untrusted_mod untrusted[UNTRUSTED_MAX];
	int nuntrusted;
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
/* Name (demangled), source file and line of addr in mod; left alone
 * when unknown. Shared with the helper (symhelper.c). */
void sym_lookup(Dwfl_Module *mod, Dwarf_Addr addr, char *function, size_t flen,
		char *file, size_t filelen, int *line);
/* Load the demangler now (the helper cannot dlopen under its filter). */
void sym_demangle_prepare(void);
/* Build-id (returns its length, 0 if none) and load bias of the image
 * mapped at base, read from the target's memory by bounded code. */
size_t sym_mem_build_id(pid_t pid, uint64_t base, unsigned char *id, uint64_t *bias);

/* untrusted.c: modules the jailed target could have written. */
bool untrusted_policy_on(void);
/* Regular, linked, on a read-only mount: the target cannot have made it. */
bool untrusted_fd_is_safe(int fd);
/* Remember mod as untrusted (takes fd, which may be -1). */
void untrusted_add(struct unwinder *u, Dwfl_Module *mod, const char *name, Dwarf_Addr base,
		   int fd);
/* Fill f's function/file/line/build_id for addr (pc, or pc - 1 for a
 * return address) if mod is an untrusted module of u. */
void untrusted_fill(struct unwinder *u, Dwfl_Module *mod, Dwarf_Addr addr, struct frame *f);
/* For an untrusted module: 1 when it has DWARF but no unit covers addr,
 * 0 when one does or it has none (or no answer), -ENOENT: not untrusted. */
int untrusted_outside_cu(struct unwinder *u, Dwfl_Module *mod, Dwarf_Addr addr);
/* Forget modules libdwfl no longer has (after a refresh), or all. */
void untrusted_prune(struct unwinder *u);
void untrusted_free(struct unwinder *u);
/* Our own vdso's image when the target's has the same build-id. */
Elf *untrusted_vdso(pid_t pid, Dwarf_Addr base);

#endif
