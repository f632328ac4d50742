/* afl_elf.c - is an ELF file built with afl-cc, and how big a coverage
 * map do its edges need? afl-fuzz's own test (check_binary): the
 * runtime's "__AFL_SHM_ID" string is in the file. The size follows the
 * runtime (AFL++ 4.04c, __afl_map_shm and its pc-guard init): a PCGUARD
 * build numbers its __sancov_guards entries 1..N, so its map needs
 * N + 1 bytes (AFL_DUMP_MAP_SIZE=1 prints that); 6 + N leaves room for
 * a runtime that starts numbering a few ids later. A build without
 * guards (classic ids, afl-gcc-fast) hashes its edges into MAP_SIZE,
 * 64 KiB. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/symbols.h"

#define AFL_MAP_SIZE_DEFAULT 65536u	/* AFL++'s MAP_SIZE */

static uint64_t guards(Elf *elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	uint64_t n = 0;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (strcmp(name, "__sancov_guards") == 0)
			n += sh.sh_size / 4;
	}
	return n;
}

int sym_afl_map_size(const char *path, uint32_t *size)
{
	static const char env[] = "__AFL_SHM_ID";	/* with its NUL, as afl-fuzz */
	struct stat st;
	void *p;
	int fd, r;
	Elf *elf;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(env)) {
		close(fd);
		return 0;
	}
	if ((p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		r = -errno;
		close(fd);
		return r;
	}
	r = memmem(p, st.st_size, env, sizeof(env)) != NULL;
	munmap(p, st.st_size);
	if (r) {
		uint64_t n = 0;

		elf_version(EV_CURRENT);
		if ((elf = elf_begin(fd, ELF_C_READ_MMAP, NULL)) && elf_kind(elf) == ELF_K_ELF)
			n = guards(elf);
		elf_end(elf);
		if (n + 6 > (1u << 28)) {
			close(fd);
			return -EFBIG;
		}
		*size = n + 6 > AFL_MAP_SIZE_DEFAULT ? (uint32_t)(n + 6) : AFL_MAP_SIZE_DEFAULT;
	}
	close(fd);
	return r;
}
