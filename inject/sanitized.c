/* sanitized.c - does this program carry a sanitizer runtime? Only then is
 * a sanitizer-looking report on its stderr a finding: interpreters and log
 * tools print "file:line:col: runtime error: ..." too. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "inject/inject_int.h"
#include "util/util.h"

static const char *const runtimes[] = {
	"/libasan.so", "/libubsan.so", "/libtsan.so", "/liblsan.so", "/libhwasan.so",
	"/libclang_rt.",
};

/* Symbols a statically linked runtime (clang's default) exports. */
static const char *const entry_points[] = {
	"__asan_init", "__ubsan_handle_", "__tsan_init", "__msan_init", "__hwasan_init",
};

static int runtime_cb(const struct proc_map *m, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < ARRAY_SIZE(runtimes); i++)
		if (strstr(m->path, runtimes[i]))
			return 1;
	return 0;
}

static bool maps_have_runtime(pid_t pid)
{
	return proc_maps_each(pid, runtime_cb, NULL) == 1;
}

static bool dynsym_has_runtime(pid_t pid)
{
	char path[64];
	Elf_Scn *scn = NULL;
	bool found = false;
	Elf *elf;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && !found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && !found && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			for (size_t k = 0; name && k < ARRAY_SIZE(entry_points); k++)
				found |= strncmp(name, entry_points[k], strlen(entry_points[k])) == 0;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

bool inj_has_sanitizer(pid_t pid)
{
	return maps_have_runtime(pid) || dynsym_has_runtime(pid);
}
