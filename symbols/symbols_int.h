/* symbols_int.h - private to the files of symbols/ (and its unit tests).
 *
 * The files call each other one way only, leaves first:
 *
 *   lookup.c     name, file and line of an address in a libdwfl module
 *   build_id.c   build-id and load bias read from the target's memory
 *   symhelper_confine.c  the helper's jail (uid, caps, rlimits, seccomp)
 *   symhelper.c  one request in a confined child   -> lookup, confine
 *   untrusted.c  which files the tracer may parse; answers for the others
 *                                                  -> symhelper, build_id
 *   symbolize.c  module files and one pc as a struct frame
 *                                   -> untrusted, lookup, build_id
 *   debuginfo.c  separate debug files (build-id, debuglink, debuginfod)
 *                                   -> untrusted, symbolize
 *   unwind.c     the Dwfl, its caches and the stack walks
 *                                   -> symbolize, untrusted, debuginfo
 *   frame_id.c   one live frame's CFA, and whether it is still there
 *   key_addr.c   a site key back to an address in a live process
 *                                   -> lookup, unwind (refresh)
 *   func_code.c  where a function's code is, by name (symbols, inlined
 *                copies)            -> lookup
 *   bad_pc.c     a call through a bad pointer: the caller's registers
 *                                   -> lookup (CFI)
 *
 * unwind.c owns struct unwinder; symbolize.c and untrusted.c are handed
 * one and never call back into unwind.c.
 */
#ifndef FZ_SYMBOLS_INT_H
#define FZ_SYMBOLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <elfutils/libdwfl.h>

#include "symbols/symbols.h"

#define MOD_CACHE_MAX 256
#define UNTRUSTED_MAX 32
#define BUILD_ID_MAX 64

struct pc_entry {
	uint64_t key;		/* pc << 1 | is_return */
	bool nomod;		/* no module covered it, even after a refresh */
	int n;			/* levels of its inline chain (>= 1) */
	struct frame f[];	/* innermost first */
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
	/* ... and a Go program's runtime and standard library are in it
	 * too, told apart by name (-1: not known yet). */
	int go_exe;
	struct untrusted_mod untrusted[UNTRUSTED_MAX];
	int nuntrusted;
};

/* --- unwind.c --------------------------------------------------------- */
/* The module covering pc, after refreshing the module list once if none
 * does (a dlopen since): NULL if still none. */
Dwfl_Module *sym_addrmodule(struct unwinder *u, uint64_t pc);

/* --- bad_pc.c --------------------------------------------------------- */
struct user_regs_struct;
/* tid faulted at a pc outside every executable mapping (a call through a
 * NULL or wild pointer) with a return address into code at [sp]: saves
 * its registers in *saved and sets pc = [sp], sp += 8. 1 when it did (the
 * caller must then sym_bad_pc_leave), 0 when it is no such crash, or
 * -errno. */
int sym_bad_pc_enter(struct unwinder *u, pid_t tid, struct user_regs_struct *saved);
/* Put tid's registers back as they were. 0 or -errno. */
int sym_bad_pc_leave(pid_t tid, const struct user_regs_struct *saved);

/* --- lookup.c --------------------------------------------------------- */
/* Name (demangled), source file and line of addr in mod; left alone
 * when unknown. The name is the symbol covering addr (.symtab, else
 * .dynsym; *symoff is addr's offset in it), else "SECTION+0xOFF" of
 * the function's start from .eh_frame (or "_start" for the ELF entry).
 * Shared with the helper (symhelper.c). */
void sym_lookup(Dwfl_Module *mod, Dwarf_Addr addr, char *function, size_t flen,
		char *file, size_t filelen, int *line, uint64_t *symoff);
/* The start of the .eh_frame FDE covering addr (a function's entry, there
 * in stripped programs too): 0, or -ENOENT without CFI for it. */
int sym_fde_start(Dwfl_Module *mod, Dwarf_Addr addr, Dwarf_Addr *start);

#define INLINE_MAX 8	/* levels of one pc's inline chain */

/* One level of an inline chain, innermost first. */
struct sym_inline {
	char function[128];
	bool inlined;		/* an inlined copy, not the subprogram */
	char call_file[192];	/* where the next level called it ("" if unknown) */
	int call_line;
};

/* The inline chain at addr, innermost first, ending with the subprogram
 * the code belongs to. Returns the number of levels, or 0 when addr is in
 * no inlined copy (or the module has no DWARF). */
int sym_inline_chain(Dwfl_Module *mod, Dwarf_Addr addr, struct sym_inline *chain, int max);
/* Load the demangler now (the helper cannot dlopen under its filter). */
void sym_demangle_prepare(void);

/* --- build_id.c ------------------------------------------------------- */
/* Build-id (returns its length, 0 if none) and load bias of the image
 * mapped at base, read from the target's memory by bounded code. */
size_t sym_mem_build_id(pid_t pid, uint64_t base, unsigned char *id, uint64_t *bias);

/* --- symhelper.c, symhelper_confine.c: symbolize an untrusted ELF file
 * in a confined child.
 *
 * A module the jailed target could have written is hostile input to
 * libelf/libdw. The tracer never parses it: symhelper_run forks a child
 * that drops to an unprivileged user, no capabilities, no_new_privs,
 * small rlimits and a seccomp allow-list (symhelper_confine.c), parses the
 * already-open file with elfutils and writes fixed-size answers back over
 * a pipe, which the tracer reads with a timeout. */

#define SYMHELPER_MAX 64	/* addresses per request */
#define SYMHELPER_TIMEOUT_MS 2000

/* One answer, as written on the pipe. */
enum {
	SYMR_DWARF = 1,		/* the file has DWARF */
	SYMR_IN_CU = 2,		/* a compilation unit covers the address */
	SYMR_INLINED = 4,	/* function is an inlined copy's */
};

struct sym_result {
	int32_t line;		/* 0 if unknown */
	int32_t flags;		/* SYMR_* */
	uint64_t symoff;	/* offset in the symbol, without line information */
	char function[128];	/* demangled, "??" if unknown */
	char file[192];		/* "" if unknown */
};

/* Test hooks (tests/unit/check_symhelper.c): prove what the child is. */
enum {
	SYMH_TEST_HOLD = 1,	 /* confined, then wait until inspect returns */
	SYMH_TEST_FORBIDDEN = 2, /* confined, then make a denied syscall */
	SYMH_TEST_SPIN = 4,	 /* confined, then loop forever */
};

struct symhelper_req {
	int fd;				/* the module's file (read-only) */
	const unsigned char *build_id;	/* the file must have it (NULL: any) */
	size_t build_id_len;
	const uint64_t *vaddrs;		/* addresses in the file's own layout */
	int n;				/* <= SYMHELPER_MAX */
	int timeout_ms;			/* 0: SYMHELPER_TIMEOUT_MS */
	int test;			/* SYMH_TEST_* */
	void (*inspect)(pid_t helper, void *arg);
	void *inspect_arg;
};

/* Symbolize req->vaddrs into res[0..n-1] (always filled: "??" where
 * unknown). Returns the number of answers the helper gave, or -ETIMEDOUT
 * (killed after the timeout), -ESTALE (build-id mismatch), -ECHILD (the
 * helper died: a crash, a limit, a denied syscall) or another -errno. */
int symhelper_run(const struct symhelper_req *req, struct sym_result *res);

/* The user the helper runs as when fzsandbox is root (default nobody;
 * the CLI passes the jail's --uid through unwind_set_untrusted_policy). */
void symhelper_set_user(uid_t uid, gid_t gid);

/* symhelper_confine.c: in the forked child, before any parsing. Returns 0
 * or -errno; the child exits on failure. out_fd is the only writable fd. */
int symhelper_confine(uid_t uid, gid_t gid, uint64_t as_limit, int out_fd);
/* Compile the allow-list once, in the tracer (libseccomp allocates). */
int symhelper_filter_prepare(int out_fd);

/* --- untrusted.c: modules the jailed target could have written -------- */
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

/* --- debuginfo.c: separate debug files ------------------------------- */
/* Dwfl_Callbacks.find_debuginfo: libdwfl's standard search (build-id
 * directories, .gnu_debuglink, .gnu_debugaltlink, debuginfod) with the
 * module's path as the target sees it, and the untrusted-file rule. */
int sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
		       Dwarf_Addr base, const char *file_name, const char *debuglink_file,
		       GElf_Word debuglink_crc, char **debuginfo_file_name);
/* The search path for Dwfl_Callbacks.debuginfo_path: NULL for libdwfl's
 * default, or --debuginfo-path's directories before it. */
char *sym_debuginfo_path(void);

/* --- symbolize.c -------------------------------------------------------- */
/* Dwfl_Callbacks.find_elf: like dwfl_linux_proc_find_elf, but opens files
 * in the target's mount namespace and rejects a build-id mismatch. Needs
 * the module's userdata set to the unwinder (sym_tag_modules). */
int sym_find_elf(Dwfl_Module *mod, void **userdata, const char *modname,
		 Dwarf_Addr base, char **file_name, Elf **elfp);
/* Point every module's userdata at u, after each dwfl_report_end. */
int sym_tag_modules(struct unwinder *u);
/* Fill f[0..max) for pc in mod (NULL: no module): one frame per level of
 * its inline chain, innermost first. Returns the count (>= 1), or -ENOENT
 * with f[0] filled as unknown. */
int sym_fill(Dwfl_Module *mod, uint64_t pc, bool is_return, struct frame *f, int max);

#endif
