/* malloc_check.c - --malloc-check: where glibc's debugging malloc is.
 *
 * Since glibc 2.34 the MALLOC_CHECK_ checks live in libc_malloc_debug.so.0
 * (glibc 2.36 ignores MALLOC_CHECK_ unless it is preloaded;
 * docs/kernel-facts.md). It sits beside libc.so.6, wherever the system
 * keeps it (/lib/x86_64-linux-gnu on Debian, /lib64 on Fedora): found
 * from the libc this process was loaded with, not from a list of
 * guesses. Preloaded, it is the first definer of malloc in the program's
 * lookup scope, so the alloc class's breakpoints go on its malloc
 * (inject/alloc_sites.c binds to what the program binds to). */
#include "config.h"

#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/malloc_check.h"

#define DEBUG_LIB "libc_malloc_debug.so.0"

struct libc_dir {
	char dir[4096];
};

static int find_libc(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct libc_dir *d = arg;
	const char *name = info->dlpi_name, *slash = name ? strrchr(name, '/') : NULL;

	(void)size;
	if (!slash || strcmp(slash + 1, "libc.so.6") != 0)
		return 0;
	snprintf(d->dir, sizeof(d->dir), "%.*s", (int)(slash - name), name);
	return 1;
}

void malloc_check_library(char *path, size_t len)
{
	struct libc_dir d = { "" };

	dl_iterate_phdr(find_libc, &d);
	if (!d.dir[0])
		die("--malloc-check: cannot tell where glibc's libc.so.6 is (a static fzsandbox?)");
	if (snprintf(path, len, "%s/" DEBUG_LIB, d.dir) >= (int)len)
		die("--malloc-check: path too long: '%s'", d.dir);
	if (access(path, R_OK) < 0)
		die_errno(errno, "--malloc-check: cannot use glibc's debugging malloc '%s' "
			  "(glibc 2.34 or later has it)", path);
}
