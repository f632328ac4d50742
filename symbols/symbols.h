/* symbols.h - remote unwinding and symbolization of stopped tasks: the one
 * header of symbols/, which inject/ (site keys, on the hot path) and
 * reporters/ (stacks) call. A leaf module: it uses only util/.
 *
 * Backed by elfutils (libdwfl's own unwinder and libdw for symbols), which
 * measured faster than libunwind-ptrace here (docs/kernel-facts.md#unwind-cost).
 * One unwinder per traced address space; it caches modules, CFI and
 * pc -> symbol lookups. The tasks must be in a ptrace stop.
 */
#ifndef FZ_SYMBOLS_H
#define FZ_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define FRAME_MAX 48

struct frame {
	uint64_t pc;		/* as unwound (return address for callers) */
	uint64_t offset;	/* pc - load base of its module */
	int line;		/* 0 if unknown */
	bool system;		/* in a system module (libc, ld.so, ...), or a
				 * function inlined from a system header */
	bool inlined;		/* inlined into the next frame's function (same
				 * pc): one level of the inline chain, as gdb
				 * shows it */
	uint64_t symoff;	/* without line information: pc - start of the
				 * symbol named in function ("sym+0x1a") */
	char function[128];	/* "??" if unknown */
	char file[192];		/* source file, "" if unknown */
	char module[192];	/* module path, "[vdso]" etc. */
	char build_id[41];	/* hex, "" if none */
};

struct unwinder;

/* For the process (thread group) pid, whose tasks are ptrace-stopped when
 * used. Returns 0 or -errno. */
int unwinder_new(pid_t pid, struct unwinder **out);
void unwinder_free(struct unwinder *u);
/* Forget the module list (after execve or when a pc falls outside every
 * known module, e.g. after dlopen). */
void unwinder_refresh(struct unwinder *u);

/* Unwind stopped thread tid: frames[0] is the current pc. Each pc is
 * expanded into its inline chain, innermost first (inlined set on all
 * but the last, the function the code really belongs to). Returns the
 * number of frames (>= 1) or -errno. */
int unwinder_stack(struct unwinder *u, pid_t tid, struct frame *frames, int max);

/* The first frame of tid's stack outside the system modules (the site key
 * of an intercepted call), named by its innermost non-system function,
 * inlined or not. Stops unwinding there. Returns its depth (>= 0)
 * or -ENOENT when every frame is a system frame. */
int unwinder_caller(struct unwinder *u, pid_t tid, struct frame *caller);
/* The same for the first max such frames, outermost last, symbolized
 * (system frames between them are skipped, never symbolized): an
 * allocation's call path. Returns how many (>= 1) or -errno. */
int unwinder_callers(struct unwinder *u, pid_t tid, struct frame *callers, int max);

/* One physical frame while it lives: its CFA (the stack pointer before the
 * call that made it) and its function's entry (0: unknown). */
struct frame_id {
	uint64_t cfa;
	uint64_t func;
};
/* Name the frame of tid's stack whose pc is pc (a caller frame's return
 * address, or its current pc) and up to max - 1 frames out from it: how
 * many were named, or -ENOENT when no frame has pc. */
int unwinder_frame_ids(struct unwinder *u, pid_t tid, uint64_t pc, struct frame_id *ids, int max);
/* Is any of those frames still on tid's stack (same CFA, same function)?
 * 1 or 0. */
int unwinder_frames_live(struct unwinder *u, pid_t tid, const struct frame_id *ids, int n);

/* A site key's return address in this process: module_id is the key's
 * module (build-id hex, or basename without one), offset its offset.
 * *pc gets the address, *func the entry of the function holding the
 * call before it. -ENOENT when no parsed module has that id. */
int unwinder_key_pc(struct unwinder *u, const char *module_id, uint64_t offset, uint64_t *pc,
		    uint64_t *func);

/* The code of every function named name outside the system modules:
 * its symbols (and gcc's clones of it, name.constprop.0 ...) and each
 * inlined copy, as [lo, hi) ranges with the entry of the function that
 * holds each (to decode from). Returns how many (0: none), -ENOSPC past
 * max, -ENOENT when a module that might hold it is not parsed here. */
struct code_range {
	uint64_t lo, hi, entry;
};
int unwinder_func_code(struct unwinder *u, const char *name, struct code_range *r, int max);

/* Is pc inside a system module? Cheap (no symbolization): 1 yes, 0 no,
 * -ENOENT when no module covers it. For the hot path of site keys. */
int unwinder_pc_is_system(struct unwinder *u, uint64_t pc);

/* Symbolize one address (a return address: looked up at pc - 1): f is
 * its innermost non-system function, inlined or not (the site's caller),
 * or the innermost one when all are system. */
int unwinder_symbolize(struct unwinder *u, uint64_t pc, bool is_return, struct frame *f);

/* Is this module path a system module? Defaults: libc, libm, ld-linux,
 * libstdc++, libgcc_s, libpthread, libdl, librt, the sanitizer runtimes,
 * [vdso]; plus names added here (basename prefix match). */
bool unwind_is_system_module(const char *path);
int unwind_add_system_module(const char *name);

/* Absolute directories (':'-separated) searched for separate debug files
 * before the default ones (beside the module, its .debug directory,
 * /usr/lib/debug), like eu-stack's --debuginfo-path: each as a root with
 * .build-id/xx/yyyy.debug and debuglink names. Trusted as named even with
 * the jail. Set once, before any unwinder. Returns 0 or -EINVAL. */
int unwind_set_debuginfo_path(const char *dirs);

/* With the jail (jailed true), a module the target could have written
 * (not a regular file on a read-only mount) is never parsed by the
 * tracer: its frames are symbolized by a forked helper running as
 * uid/gid (when fzsandbox is root) with no capabilities and a seccomp
 * allow-list, and unwinding cannot use its CFI. Without the jail every
 * module is parsed in-process. Set once per campaign, before any unwind. */
void unwind_set_untrusted_policy(bool jailed, uid_t uid, gid_t gid);
/* May the tracer parse the open file fd itself under that policy (no
 * jail, or a regular, linked file on a read-only mount)? For other
 * modules' ELF readers (the allocator breakpoints' symbol scan). */
bool unwind_file_trusted(int fd);
/* Open path (absolute, as pid sees it) read-only inside pid's root:
 * symlinks resolve there too (openat2 RESOLVE_IN_ROOT), and a fifo does
 * not block. The fd, or -1 with errno. */
int unwind_open_in_root(pid_t pid, const char *path);
/* Open a module file as the tracer names it ("/proc/PID/root/PATH":
 * inside PID's root, so the jail's absolute symlinks, /usr/lib64 to
 * /lib, resolve to its own files); a file the jailed program could have
 * written is refused (-EPERM): never parsed by the tracer (its allocator
 * is then not failed at the call level). A tracer_open_fn. The fd, or
 * -errno. */
int unwind_open_module(const char *path);

/* The GNU build-id of the ELF file at path, hex into hex (at least 129
 * bytes), read by bounded code; "" when it has none. 0 or -errno. */
int sym_file_build_id(const char *path, char *hex, size_t hexlen);

/* The printable strings of the ELF file at path's .rodata* sections:
 * each run of min..max bytes 0x20-0x7e between other bytes (longer runs
 * skipped) to take(ctx, s, len), which returns 1 when it kept it, 0 when
 * not (a duplicate), -errno to stop; at most cap kept. The number kept,
 * or -errno (-ENOEXEC: not ELF). */
struct sym_strings {
	size_t min, max;
	int cap;
	int (*take)(void *ctx, const uint8_t *s, size_t len);
	void *ctx;
};
int sym_rodata_strings(const char *path, const struct sym_strings *w);

/* afl_elf.c: 1 when the file at path was built with afl-cc (the runtime's
 * "__AFL_SHM_ID" is in it, afl-fuzz's test) and *size the coverage map
 * its own edges need (64 KiB at least, AFL++'s MAP_SIZE); 0 when not;
 * -errno. */
int sym_afl_map_size(const char *path, uint32_t *size);

#endif
