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

#include "symbols/symbols_int.h"

/* elfutils' own default: beside the file, its .debug directory, then
 * the system's debug root. */
#define DEFAULT_PATH ":.debug:/usr/lib/debug"

static char *user_dirs;		/* --debuginfo-path, ':'-separated, or NULL */
static char *search_path;	/* user_dirs + DEFAULT_PATH */

int unwind_set_debuginfo_path(const char *dirs)
{
	char *copy, *path, *save = NULL, *d;

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
	if (asprintf(&path, "%s%s", dirs, DEFAULT_PATH) < 0)
		return -ENOMEM;
	copy = strdup(dirs);
	if (!copy) {
		free(path);
		return -ENOMEM;
	}
	free(user_dirs);
	free(search_path);
	user_dirs = copy;
	search_path = path;
	return 0;
}

char *sym_debuginfo_path(void)
{
	return search_path;
}

/* In a directory the user named (--debuginfo-path): trusted as named. */
static bool in_user_dir(const char *path)
{
	const char *d = user_dirs;

	while (d && *d) {
		size_t n = strcspn(d, ":");

		if (n && strncmp(path, d, n) == 0 && (path[n] == '/' || d[n - 1] == '/'))
			return true;
		d += n + (d[n] == ':');
	}
	return false;
}

/* Could the jailed target have written the debug file libdwfl opened at
 * path (in our root)? Only if the same path is in its root on a writable
 * mount, or is not a plain linked file there; the jail binds host paths
 * at the same place, so a path it cannot see is a host file it cannot
 * reach. */
static bool debug_file_trusted(pid_t pid, const char *path)
{
	bool safe;
	int fd;

	if (!untrusted_policy_on() || in_user_dir(path))
		return true;
	fd = unwind_open_in_root(pid, path);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR;
	safe = untrusted_fd_is_safe(fd);
	close(fd);
	return safe;
}

int sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
		       Dwarf_Addr base, const char *file_name, const char *debuglink_file,
		       GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	struct unwinder *u = userdata ? *userdata : NULL;
	char root[64];
	size_t n;
	int fd;

	/* "/proc/PID/root/usr/bin/x" -> "/usr/bin/x": where the target's
	 * file is in the jail is where it is on the host (identity binds). */
	if (u && file_name) {
		n = (size_t)snprintf(root, sizeof(root), "/proc/%d/root", (int)u->pid);
		if (strncmp(file_name, root, n) == 0 && file_name[n] == '/')
			file_name += n;
	}
	fd = dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name,
					  debuglink_file, debuglink_crc, debuginfo_file_name);
	if (fd < 0 || !u || !*debuginfo_file_name ||
	    debug_file_trusted(u->pid, *debuginfo_file_name))
		return fd;
	close(fd);
	free(*debuginfo_file_name);
	*debuginfo_file_name = NULL;
	errno = 0;
	return -1;
}
