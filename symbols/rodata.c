/* rodata.c - the printable strings of an ELF file's read-only data, for
 * the fuzz loop's automatic dictionary (cli/fuzz_autodict.c): the
 * keywords a program compares its input with are string literals there.
 * A static harvest; AFL++'s "auto extras" come from the comparisons its
 * LTO instrumentation sees instead. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/symbols.h"

static bool printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* .rodata, .rodata.str1.1, .rodata.cst16...: allocated, neither written
 * nor run, with bytes in the file. */
static bool rodata(Elf *elf, size_t shstrndx, Elf_Scn *scn)
{
	GElf_Shdr sh;
	const char *name;

	if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC) ||
	    (sh.sh_flags & (SHF_WRITE | SHF_EXECINSTR)))
		return false;
	name = elf_strptr(elf, shstrndx, sh.sh_name);
	return name && strncmp(name, ".rodata", 7) == 0;
}

/* Runs of min..max printable bytes between non-printable ones (a longer
 * run is a message, not a keyword: skipped whole), to take() until it has
 * said yes cap times. */
static int scan(const uint8_t *b, size_t n, const struct sym_strings *w, int *taken)
{
	size_t i = 0;

	while (i < n && *taken < w->cap) {
		size_t start, len;

		while (i < n && !printable(b[i]))
			i++;
		for (start = i; i < n && printable(b[i]); i++)
			;
		len = i - start;
		if (len >= w->min && len <= w->max) {
			int r = w->take(w->ctx, b + start, len);

			if (r < 0)
				return r;
			*taken += r;
		}
	}
	return 0;
}

int sym_rodata_strings(const char *path, const struct sym_strings *w)
{
	struct stat st;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int fd, e = 0, taken = 0;
	Elf *elf;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		e = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		close(fd);
		return e;
	}
	elf_version(EV_CURRENT);
	if (!(elf = elf_begin(fd, ELF_C_READ_MMAP, NULL)) || elf_kind(elf) != ELF_K_ELF ||
	    elf_getshdrstrndx(elf, &shstrndx) < 0) {
		elf_end(elf);
		close(fd);
		return -ENOEXEC;
	}
	while (e == 0 && taken < w->cap && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!rodata(elf, shstrndx, scn) || !(d = elf_getdata(scn, NULL)) || !d->d_buf)
			continue;
		e = scan(d->d_buf, d->d_size, w, &taken);
	}
	elf_end(elf);
	close(fd);
	return e < 0 ? e : taken;
}
