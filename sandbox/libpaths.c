/* libpaths.c - the library directories a program needs beyond the system
 * ones: its DT_RPATH/DT_RUNPATH ($ORIGIN expanded) and the target's
 * LD_LIBRARY_PATH. The jail binds them read-only, so a program linked
 * against libraries in its build tree still starts. Parent side (malloc). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

static int push_dir(char ***dirs, int *n, const char *path)
{
	char *real = realpath(path, NULL), **l;
	struct stat st;

	/* A missing or non-directory entry is the loader's problem, as on the
	 * host: skipped. */
	if (!real)
		return 0;
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		return 0;
	}
	for (int i = 0; i < *n; i++)
		if (strcmp((*dirs)[i], real) == 0) {
			free(real);
			return 0;
		}
	l = realloc(*dirs, (*n + 2) * sizeof(*l));
	if (!l) {
		free(real);
		return -ENOMEM;
	}
	l[(*n)++] = real;
	l[*n] = NULL;
	*dirs = l;
	return 0;
}

/* One colon-separated list; $ORIGIN and ${ORIGIN} become origin (the
 * program's directory). $LIB and $PLATFORM entries are skipped. */
static int push_list(char ***dirs, int *n, const char *list, const char *origin)
{
	char *copy = strdup(list), *save = NULL, *w;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (w = strtok_r(copy, ":", &save); w && r == 0; w = strtok_r(NULL, ":", &save)) {
		char path[PATH_MAX];
		const char *rest = NULL;

		if (strncmp(w, "$ORIGIN", 7) == 0)
			rest = w + 7;
		else if (strncmp(w, "${ORIGIN}", 9) == 0)
			rest = w + 9;
		if (rest && (*rest == '/' || !*rest)) {
			snprintf(path, sizeof(path), "%s%s", origin, rest);
			r = push_dir(dirs, n, path);
		} else if (!rest && *w == '/' && !strchr(w, '$')) {
			r = push_dir(dirs, n, w);
		}
	}
	free(copy);
	return r;
}

static int push_elf(char ***dirs, int *n, const char *exe, const char *origin)
{
	int fd = open(exe, O_RDONLY | O_CLOEXEC), r = 0;
	Elf_Scn *scn = NULL;
	Elf *elf;

	if (fd < 0)
		return 0;	/* a script: its interpreter is a system program */
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && elf_kind(elf) == ELF_K_ELF && r == 0 && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize && r == 0; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(data, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH)
				continue;
			s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (s)
				r = push_list(dirs, n, s, origin);
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return r;
}

int libpaths_collect(const char *exe, char *const *envp, char ***dirs)
{
	char *copy = strdup(exe), *origin;
	int n = 0, r;

	*dirs = NULL;
	if (!copy)
		return -ENOMEM;
	origin = dirname(copy);
	r = push_elf(dirs, &n, exe, origin);
	for (int i = 0; r == 0 && envp && envp[i]; i++)
		if (strncmp(envp[i], "LD_LIBRARY_PATH=", 16) == 0)
			r = push_list(dirs, &n, envp[i] + 16, origin);
	free(copy);
	if (r < 0) {
		libpaths_free(*dirs);
		*dirs = NULL;
		return r;
	}
	return n;
}

void libpaths_free(char **dirs)
{
	for (int i = 0; dirs && dirs[i]; i++)
		free(dirs[i]);
	free(dirs);
}
