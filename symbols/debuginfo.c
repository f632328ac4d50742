#include "config.h"

/* debuginfo.c - where a module's separate debug file is looked for, as gdb
 * does: the build-id directories (/usr/lib/debug/.build-id/xx/yyyy.debug,
 * Debian's dbgsym packages), .gnu_debuglink beside the file, in its .debug
 * directory and under /usr/lib/debug, a dwz file named by
 * .gnu_debugaltlink, and debuginfod when DEBUGINFOD_URLS is set (libdwfl
 * asks libdebuginfod itself, which keeps its own cache). libdwfl's
 * standard finder does the searching; this file gives it the module's
 * path as the target sees it (not the /proc/PID/root one the ELF was
 * opened by, under which "/usr/lib/debug" + the module's directory would
 * name nothing) and, with the jail, refuses a debug file the target could
 * have written: the same rule as for modules (untrusted.c).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>

#include "symbols/symbols_int.h"
#include "util/util.h"

/* elfutils' own default: beside the file, its .debug directory, then
 * the system's debug root. */
#define DEFAULT_PATH ":.debug:/usr/lib/debug"

/* With the jail: only debug roots, nothing beside the module. */
#define TRUSTED_DEFAULT "/usr/lib/debug"

static char *search_path;	/* --debuginfo-path + DEFAULT_PATH, or NULL */
static char trusted_default[] = TRUSTED_DEFAULT;
static char *trusted_path = trusted_default;	/* --debuginfo-path + TRUSTED_DEFAULT */

int unwind_set_debuginfo_path(const char *dirs)
{
	char *copy, *path, *tpath, *save = NULL, *d;

	if (!dirs || !*dirs)
		return -EINVAL;
	copy = strdup(dirs);
	if (!copy)
		return -ENOMEM;
	/* Absolute directories only: a relative one would be searched
	 * beside each module, a place the target may control. */
	for (d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (d[0] != '/') {
			free(copy);
			return -EINVAL;
		}
	free(copy);
	if (asprintf(&path, "%s:%s", dirs, DEFAULT_PATH) < 0)
		return -ENOMEM;
	if (asprintf(&tpath, "%s:%s", dirs, TRUSTED_DEFAULT) < 0) {
		free(path);
		return -ENOMEM;
	}
	free(search_path);
	if (trusted_path != trusted_default)
		free(trusted_path);
	search_path = path;
	trusted_path = tpath;
	return 0;
}

char *sym_debuginfo_path(void)
{
	return search_path;
}

/* Could the jailed target have written path? Only if the same path is in
 * its root and not a plain linked file on a read-only mount there; the
 * jail binds host paths at the same place, so a path it cannot see is a
 * host file it cannot reach. */
static bool target_could_write(pid_t pid, const char *path)
{
	bool safe;
	int fd = unwind_open_in_root(pid, path);

	if (fd < 0)
		return errno != ENOENT && errno != ENOTDIR;
	safe = untrusted_fd_is_safe(fd);
	close(fd);
	return !safe;
}

static bool same_build_id(Dwfl_Module *mod, int fd)
{
	const unsigned char *want;
	const void *have;
	GElf_Addr vaddr;
	int nwant = dwfl_module_build_id(mod, &want, &vaddr);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	ssize_t nhave = elf ? dwelf_elf_gnu_build_id(elf, &have) : -1;
	bool same = nwant <= 0 || (nhave == nwant && memcmp(have, want, nwant) == 0);

	elf_end(elf);
	return same;
}

/* .gnu_debuglink beside the module and in its .debug directory, opened in
 * the target's root: the candidate must be one it cannot have written,
 * and is checked before libdwfl sees it (libdwfl keeps what its own
 * search opens, so its search cannot be given such a place). */
static int beside_module(struct unwinder *u, Dwfl_Module *mod, const char *modname,
			 const char *link, char **found)
{
	static const char *const subdirs[] = { "", "/.debug" };
	const char *slash = strrchr(modname, '/');
	char path[4096];

	if (!link || !*link || strchr(link, '/') || modname[0] != '/' || !slash)
		return -1;
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		int n = snprintf(path, sizeof(path), "%.*s%s/%s", (int)(slash - modname), modname,
				 subdirs[i], link);
		int fd = n > 0 && (size_t)n < sizeof(path) ? unwind_open_in_root(u->pid, path) : -1;

		if (fd < 0)
			continue;
		if (!untrusted_fd_is_safe(fd) || !same_build_id(mod, fd)) {
			fz_debug("debuginfo: %s: %s %s: not read", modname, path,
				 untrusted_fd_is_safe(fd) ? "is not its debug file (build-id)"
							  : "could have been written by the program");
			close(fd);
			continue;
		}
		*found = strdup(path);
		return fd;
	}
	return -1;
}

/* libdebuginfod's cache (its own rule: DEBUGINFOD_CACHE_PATH, else
 * XDG_CACHE_HOME/debuginfod_client, else ~/.cache/debuginfod_client):
 * a file the program planted there would be served as downloaded. */
static bool debuginfod_cache_writable(pid_t pid)
{
	const char *urls = getenv("DEBUGINFOD_URLS"), *p = getenv("DEBUGINFOD_CACHE_PATH");
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char dir[4096];

	if (!urls || !*urls)
		return false;
	if (p && *p)
		snprintf(dir, sizeof(dir), "%s", p);
	else if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/debuginfod_client", xdg);
	else
		snprintf(dir, sizeof(dir), "%s/.cache/debuginfod_client", home ? home : "");
	return target_could_write(pid, dir);
}

int sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
		       Dwarf_Addr base, const char *file_name, const char *debuglink_file,
		       GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	struct unwinder *u = userdata ? *userdata : NULL;
	char root[64], *saved;
	size_t n;
	int fd;

	/* "/proc/PID/root/usr/bin/x" -> "/usr/bin/x": where the target's
	 * file is in the jail is where it is on the host (identity binds). */
	if (u && file_name) {
		n = (size_t)snprintf(root, sizeof(root), "/proc/%d/root", (int)u->pid);
		if (strncmp(file_name, root, n) == 0 && file_name[n] == '/')
			file_name += n;
	}
	if (!u || !untrusted_policy_on())
		return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name,
						    debuglink_file, debuglink_crc,
						    debuginfo_file_name);
	/* The jail: places the target may write are looked at here, libdwfl
	 * searches only the directories named as debug roots. */
	fd = debuglink_crc ? beside_module(u, mod, modname, debuglink_file, debuginfo_file_name)
			   : -1;
	if (fd >= 0)
		return fd;
	saved = u->debuginfo_path;
	u->debuginfo_path = trusted_path;
	if (debuginfod_cache_writable(u->pid)) {
		fz_debug("debuginfo: the debuginfod cache is writable by the program: not used");
		fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name,
						  debuglink_file, debuglink_crc,
						  debuginfo_file_name);
	} else {
		fd = dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name,
						  debuglink_file, debuglink_crc,
						  debuginfo_file_name);
	}
	u->debuginfo_path = saved;
	if (fd >= 0)
		fz_debug("debuginfo: %s: %s", modname,
			 *debuginfo_file_name ? *debuginfo_file_name : "(debuginfod)");
	return fd;
}
