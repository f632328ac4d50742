#include "config.h"

/* symbolize.c - module files as the target sees them (build-id checked, or
 * handed to untrusted.c when the tracer may not parse them), one pc as a
 * struct frame, and which modules are system modules. */

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <linux/openat2.h>

#include "symbols/symbols_int.h"
#include "util/util.h"

#define EXTRA_SYSTEM_MAX 32

static const char *const system_prefixes[] = {
	"libc.so", "libm.so", "ld-linux", "libstdc++", "libgcc_s",
	"libpthread", "libdl.so", "librt.so", "libasan", "libubsan",
	"libtsan", "liblsan", "libhwasan", "[vdso", "linux-vdso",
	"libc_malloc_debug",	/* --malloc-check's malloc */
};

static char *extra_system[EXTRA_SYSTEM_MAX];
static int nextra_system;

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool unwind_is_system_module(const char *path)
{
	const char *b;
	size_t i;
	int j;

	if (!path || !*path)
		return false;
	/* "[vdso: 123]" has no '/', but a path could end in one. */
	b = path[0] == '[' ? path : base_name(path);
	for (i = 0; i < ARRAY_SIZE(system_prefixes); i++)
		if (has_prefix(b, system_prefixes[i]))
			return true;
	for (j = 0; j < nextra_system; j++)
		if (has_prefix(b, extra_system[j]))
			return true;
	return false;
}

int unwind_add_system_module(const char *name)
{
	int i;

	if (!name || !*name || strchr(name, '/'))
		return -EINVAL;
	for (i = 0; i < nextra_system; i++)
		if (strcmp(extra_system[i], name) == 0)
			return 0;
	if (nextra_system == EXTRA_SYSTEM_MAX)
		return -ENOSPC;
	extra_system[nextra_system] = strdup(name);
	if (!extra_system[nextra_system])
		return -ENOMEM;
	nextra_system++;
	return 0;
}

/* path as the target sees it. Symlinks resolve inside the target's root
 * (an absolute one planted in the jail must not name a host file), and
 * O_NONBLOCK: a fifo put where the module was must not hang the tracer. */
int unwind_open_in_root(pid_t pid, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char root[64];
	int dfd, fd;

	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		/* Before Linux 5.6: the old way, the target's absolute symlinks
		 * then resolve in our root. */
		char full[4096];
		int n = snprintf(full, sizeof(full), "%s%s", root, path);

		fd = n > 0 && (size_t)n < sizeof(full) ? open(full, how.flags) : -1;
	}
	close(dfd);
	return fd;
}

int unwind_open_module(const char *path)
{
	int pid, n = 0, fd;

	if (sscanf(path, "/proc/%d/root%n", &pid, &n) == 1 && n > 0 && path[n] == '/')
		fd = unwind_open_in_root(pid, path + n);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!unwind_file_trusted(fd)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int sym_find_elf(Dwfl_Module *mod, void **userdata, const char *modname,
		 Dwarf_Addr base, char **file_name, Elf **elfp)
{
	struct unwinder *u = userdata ? *userdata : NULL;
	unsigned char want[BUILD_ID_MAX];
	const void *have;
	size_t nwant;
	ssize_t nhave;
	char path[4096];
	Elf *elf;
	int fd, n;

	/* The vdso is read from memory, which the target can write too: with
	 * the jail it becomes our own (identical) vdso, or nothing. */
	if (u && modname[0] != '/' && untrusted_policy_on()) {
		*elfp = untrusted_vdso(u->pid, base);
		return -1;
	}
	if (!u || modname[0] != '/')
		return dwfl_linux_proc_find_elf(mod, userdata, modname, base,
						file_name, elfp);
	/* The path in /proc/PID/maps is the target's view; opening it here
	 * would pick up the tracer's file if the target is jailed. */
	n = snprintf(path, sizeof(path), "/proc/%d/root%s", (int)u->pid, modname);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	fd = unwind_open_in_root(u->pid, modname);
	if (untrusted_policy_on() && (fd < 0 || !untrusted_fd_is_safe(fd))) {
		/* Symbolized by the confined helper; libdwfl gets no ELF. */
		untrusted_add(u, mod, modname, base, fd);
		return -1;
	}
	if (fd < 0)
		return -1;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		return -1;
	}
	nwant = sym_mem_build_id(u->pid, base, want, NULL);
	nhave = dwelf_elf_gnu_build_id(elf, &have);
	if (nwant > 0 && (nhave != (ssize_t)nwant || memcmp(have, want, nwant) != 0)) {
		/* Replaced on disk since it was mapped: its symbols would lie. */
		elf_end(elf);
		close(fd);
		return -1;
	}
	*file_name = strdup(path);
	*elfp = elf;
	return fd;
}

static int tag_module(Dwfl_Module *mod, void **userdata, const char *name,
		      Dwarf_Addr start, void *arg)
{
	*userdata = arg;
	return DWARF_CB_OK;
}

int sym_tag_modules(struct unwinder *u)
{
	if (dwfl_getmodules(u->dwfl, tag_module, u, 0) < 0)
		return -EINVAL;
	return 0;
}

/* Code inlined from a system header (glibc's fortify wrappers, C++'s
 * std:: templates) is system code, wherever it ends up. */
static bool system_header(const char *file)
{
	return has_prefix(file, "/usr/include/");
}

/* dst (len bytes) = src, cut to fit. */
static void set_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* f[0] (symbol, line of addr) becomes the chain's levels: each level's
 * line is where the level inside it called it (gdb's inline frames). */
static int expand_inline(Dwfl_Module *mod, Dwarf_Addr addr, struct frame *f, int max)
{
	struct sym_inline chain[INLINE_MAX];
	struct frame base = f[0];
	int n = sym_inline_chain(mod, addr, chain, max < INLINE_MAX ? max : INLINE_MAX);

	for (int i = 0; i < n; i++) {
		f[i] = base;
		if (i > 0) {
			set_str(f[i].file, sizeof(f[i].file), chain[i - 1].call_file);
			f[i].line = chain[i - 1].call_line;
		}
		f[i].inlined = chain[i].inlined;
		f[i].symoff = 0;
		if (chain[i].inlined) {
			set_str(f[i].function, sizeof(f[i].function), chain[i].function);
			f[i].system = base.system || system_header(f[i].file);
		} else if (!strcmp(base.function, "??") || base.function[0] == '.') {
			/* The symbol table's name stays (it is exact for the
			 * subprogram); DWARF's when the symbol table has none. */
			set_str(f[i].function, sizeof(f[i].function), chain[i].function);
		}
	}
	return n > 0 ? n : 1;
}

int sym_fill(Dwfl_Module *mod, uint64_t pc, bool is_return, struct frame *f, int max)
{
	uint64_t addr = is_return && pc ? pc - 1 : pc;
	const unsigned char *bits;
	const char *name;
	GElf_Addr low, vaddr, bias;
	void **userdata = NULL;
	int i, len, lineno = 0;

	memset(f, 0, sizeof(*f));
	f->pc = pc;
	strcpy(f->function, "??");
	if (!mod) {
		/* Unrelocatable, but keeps distinct unknown pcs apart. */
		f->offset = pc;
		return -ENOENT;
	}
	name = dwfl_module_info(mod, &userdata, &low, NULL, NULL, NULL, NULL, NULL);
	f->offset = pc - low;
	if (name && has_prefix(name, "[vdso"))
		name = "[vdso]";
	snprintf(f->module, sizeof(f->module), "%s", name ? name : "");
	f->system = unwind_is_system_module(f->module);
	/* A module the jailed target could have written is never parsed
	 * here (sym_find_elf gave libdwfl no ELF for it). */
	if (!dwfl_module_getelf(mod, &bias)) {
		struct unwinder *u = userdata ? *userdata : NULL;

		if (u)
			untrusted_fill(u, mod, addr, f);
		if (f->inlined)
			f->system = f->system || system_header(f->file);
		return 1;
	}
	sym_lookup(mod, addr, f->function, sizeof(f->function), f->file, sizeof(f->file),
		   &lineno, &f->symoff);
	f->line = f->file[0] ? lineno : 0;
	len = dwfl_module_build_id(mod, &bits, &vaddr);
	for (i = 0; i < len && 2 * i + 2 < (int)sizeof(f->build_id); i++)
		snprintf(f->build_id + 2 * i, 3, "%02x", bits[i]);
	if (f->file[0])
		f->symoff = 0;
	return expand_inline(mod, addr, f, max);
}
