#include "config.h"

/* build_id.c - the build-id and load bias of an ELF image, read from the
 * target's memory by this bounded code, never by libelf: a leaf of
 * symbols/ that both the trusted path (symbolize.c checks a file on disk
 * against what is mapped) and the untrusted one (untrusted.c keys the
 * helper's answers) use.
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "symbols/symbols_int.h"

static ssize_t read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* The GNU build-id note in one PT_NOTE segment image, or 0. */
static size_t note_build_id(const unsigned char *p, size_t len, unsigned char *id)
{
	size_t off = 0;

	while (off + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr nh;
		size_t name_off, desc_off, next;

		memcpy(&nh, p + off, sizeof(nh));
		name_off = off + sizeof(nh);
		desc_off = name_off + ((nh.n_namesz + 3) & ~3u);
		next = desc_off + ((nh.n_descsz + 3) & ~3u);
		if (next > len || desc_off > len)
			return 0;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp(p + name_off, "GNU", 4) == 0 &&
		    nh.n_descsz > 0 && nh.n_descsz <= BUILD_ID_MAX) {
			memcpy(id, p + desc_off, nh.n_descsz);
			return nh.n_descsz;
		}
		off = next;
	}
	return 0;
}

/* Build-id of the ELF image the target mapped at base, read from its
 * memory by this bounded code (never by libelf); 0 when it cannot be
 * found (then nothing is checked). *biasp: the load bias (base minus the
 * first PT_LOAD's page), base itself when the headers are unreadable. */
size_t sym_mem_build_id(pid_t pid, uint64_t base, unsigned char *id, uint64_t *biasp)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	unsigned char note[4096];
	uint64_t bias = 0;
	bool have_bias = false;
	int i, n;

	if (biasp)
		*biasp = base;
	if (read_mem(pid, base, &eh, sizeof(eh)) != (ssize_t)sizeof(eh))
		return 0;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		return 0;
	n = eh.e_phnum > 64 ? 64 : eh.e_phnum;
	if (read_mem(pid, base + eh.e_phoff, ph, n * sizeof(ph[0])) !=
	    (ssize_t)(n * sizeof(ph[0])))
		return 0;
	for (i = 0; i < n && !have_bias; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		bias = base - (ph[i].p_vaddr & ~(uint64_t)4095);
		have_bias = true;
	}
	if (!have_bias)
		return 0;
	if (biasp)
		*biasp = bias;
	for (i = 0; i < n; i++) {
		size_t len = ph[i].p_filesz;
		size_t got;

		if (ph[i].p_type != PT_NOTE)
			continue;
		if (len > sizeof(note))
			len = sizeof(note);
		if (read_mem(pid, bias + ph[i].p_vaddr, note, len) != (ssize_t)len)
			continue;
		got = note_build_id(note, len, id);
		if (got)
			return got;
	}
	return 0;
}

/* The build-id of the ELF file at path, as hex into hex (2 * BUILD_ID_MAX
 * + 1 bytes), by the same bounded note walk: the file is the user's
 * program, but a merge of shard reports (fzsandbox merge) must not trust
 * it to be well formed. "" and 0 when it has none (a script); -errno when
 * it cannot be read. */
int sym_file_build_id(const char *path, char *hex, size_t hexlen)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	unsigned char note[4096], id[BUILD_ID_MAX];
	size_t got = 0;
	int fd, n;

	if (hexlen < 2 * BUILD_ID_MAX + 1)
		return -EINVAL;
	hex[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		goto out;
	n = eh.e_phnum > 64 ? 64 : eh.e_phnum;
	if (pread(fd, ph, n * sizeof(ph[0]), (off_t)eh.e_phoff) != (ssize_t)(n * sizeof(ph[0])))
		goto out;
	for (int i = 0; i < n && !got; i++) {
		size_t len = ph[i].p_filesz;

		if (ph[i].p_type != PT_NOTE)
			continue;
		if (len > sizeof(note))
			len = sizeof(note);
		if (pread(fd, note, len, (off_t)ph[i].p_offset) != (ssize_t)len)
			continue;
		got = note_build_id(note, len, id);
	}
	for (size_t i = 0; i < got; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
out:
	close(fd);
	return 0;
}
