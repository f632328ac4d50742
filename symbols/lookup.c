#include "config.h"

/* lookup.c - name, source file and line of one address in one libdwfl
 * module, demangled. A leaf of symbols/: symbolize.c uses it for files
 * the tracer may parse, and the confined helper (symhelper.c) for the
 * ones it may not, so both give the same answer for the same file.
 */

#include <dlfcn.h>
#include <errno.h>
#include <dwarf.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symbols_int.h"

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* C++ names in reports read as the programmer wrote them. The demangler
 * is libstdc++'s, looked up at run time: no C++ program, no dependency. */
typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

static demangle_fn demangler;
static int demangler_tried;

void sym_demangle_prepare(void)
{
	void *h;

	if (demangler_tried)
		return;
	demangler_tried = 1;
	h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
	demangler = h ? (demangle_fn)dlsym(h, "__cxa_demangle") : NULL;
}

static void demangle(char *name, size_t len)
{
	char *out;
	int status = -1;

	if (strncmp(name, "_Z", 2) != 0)
		return;
	sym_demangle_prepare();
	if (!demangler)
		return;
	out = demangler(name, NULL, NULL, &status);
	if (out && status == 0)
		copy_str(name, len, out);
	free(out);
}

/* The greatest FDE start <= vaddr in the module's .eh_frame_hdr search
 * table (PT_GNU_EH_FRAME: initial locations, sorted, as 4-byte offsets
 * from the header, DW_EH_PE_datarel | DW_EH_PE_sdata4, the one encoding
 * GNU ld and lld write). -ENOENT without one. */
static int hdr_fde_start(Elf *elf, GElf_Addr vaddr, GElf_Addr *start)
{
	size_t nph = 0, off = 4, size;
	const uint8_t *b;
	Elf_Data *d = NULL;
	GElf_Phdr ph;
	uint32_t count;
	int64_t rel;
	bool found = false;

	if (elf_getphdrnum(elf, &nph) < 0)
		return -ENOENT;
	for (size_t i = 0; i < nph && !d; i++)
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_GNU_EH_FRAME)
			d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE);
	if (!d || !d->d_buf || (size = d->d_size) < 12)
		return -ENOENT;
	b = d->d_buf;
	/* version 1; eh_frame_ptr 4 bytes (sdata4/udata4); count udata4. */
	if (b[0] != 1 || (b[1] & 0x0f) != 0x0b || b[2] != 0x03 || b[3] != 0x3b)
		return -ENOENT;
	off += 4;
	memcpy(&count, b + off, 4);
	off += 4;
	if (count == 0 || count > (size - off) / 8)
		return -ENOENT;
	rel = (int64_t)(vaddr - ph.p_vaddr);
	/* The last entry whose initial location is <= rel (none: -ENOENT). */
	for (uint32_t lo = 0, hi = count; lo < hi;) {
		uint32_t mid = lo + (hi - lo) / 2;
		int32_t loc;

		memcpy(&loc, b + off + (size_t)mid * 8, 4);
		if (loc <= rel) {
			*start = ph.p_vaddr + (uint64_t)(int64_t)loc;
			found = true;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return found ? 0 : -ENOENT;
}

int sym_fde_start(Dwfl_Module *mod, Dwarf_Addr addr, Dwarf_Addr *start)
{
	Dwarf_Addr bias, lo, hi, ebias;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(mod, &bias);
	Elf *elf = dwfl_module_getelf(mod, &ebias);
	GElf_Addr fde = 0;
	Dwarf_Frame *fr;
	int r;

	if (!cfi || dwarf_cfi_addrframe(cfi, addr - bias, &fr) != 0)
		return -ENOENT;
	r = dwarf_frame_info(fr, &lo, &hi, NULL);
	free(fr);
	if (r < 0)
		return -ENOENT;
	/* That is the start of the CFI row covering addr (after a push, say),
	 * not of the function: the FDE that holds the row starts at or
	 * before it. */
	if (elf && hdr_fde_start(elf, addr - ebias, &fde) == 0 && fde + ebias <= lo + bias)
		*start = fde + ebias;
	else
		*start = lo + bias;
	return 0;
}

/* main, in a program without a symbol for it: glibc's _start (at the ELF
 * entry) hands it to __libc_start_main in %rdi, as `lea main(%rip),%rdi`
 * (PIE, the GOT load relaxed by the linker) or `mov $main,%rdi`, right
 * before `call *__libc_start_main@GOTPCREL(%rip)`. Both insns together,
 * in _start's first 64 bytes, or nothing (0): gdb names main so too. */
static uint64_t entry_main(Elf *elf, const GElf_Ehdr *ehdr)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;
		const uint8_t *b;
		uint64_t at;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    ehdr->e_entry < sh.sh_addr || ehdr->e_entry >= sh.sh_addr + sh.sh_size)
			continue;
		if (!(d = elf_getdata(scn, NULL)) || !d->d_buf)
			return 0;
		at = ehdr->e_entry - sh.sh_addr;
		b = (const uint8_t *)d->d_buf + at;
		n = d->d_size - at < 64 ? d->d_size - at : 64;
		for (size_t i = 0; i + 13 <= n; i++) {
			int32_t v;

			if (b[i + 7] != 0xff || b[i + 8] != 0x15 || b[i] != 0x48)
				continue;
			memcpy(&v, b + i + 3, 4);
			if (b[i + 1] == 0x8d && b[i + 2] == 0x3d)
				return ehdr->e_entry + i + 7 + (int64_t)v;
			if (b[i + 1] == 0xc7 && b[i + 2] == 0xc7)
				return (uint64_t)(int64_t)v;
		}
		return 0;
	}
	return 0;
}

/* No symbol covers addr (a stripped program's static functions): the
 * section and the offset in it of the function's start, from its
 * .eh_frame FDE (".text+0x5c00", with addr's offset from it in symoff),
 * so every pc of one function has one name, stable in every run, that
 * suppressions and the dedup key can use; the ELF entry is "_start", and
 * the main _start hands to libc is "main" (entry_main). The pc's own
 * offset when no CFI covers it. */
static void section_name(Dwfl_Module *mod, Dwarf_Addr addr, char *function, size_t flen,
			 uint64_t *symoff)
{
	Dwarf_Addr off, bias, start = addr;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	Elf_Scn *scn;
	GElf_Ehdr ehdr;
	GElf_Shdr shdr;
	size_t shstrndx;
	const char *name;

	if (sym_fde_start(mod, addr, &start) < 0 || start > addr)
		start = addr;
	if (elf && gelf_getehdr(elf, &ehdr) && ehdr.e_entry) {
		uint64_t m = ehdr.e_entry + bias == start ? 0 : entry_main(elf, &ehdr);

		if (ehdr.e_entry + bias == start || (m && m + bias == start)) {
			copy_str(function, flen, m ? "main" : "_start");
			*symoff = addr - start;
			return;
		}
	}
	off = start;
	scn = dwfl_module_address_section(mod, &off, &bias);
	if (!elf || !scn || !gelf_getshdr(scn, &shdr) || elf_getshdrstrndx(elf, &shstrndx) < 0)
		return;
	name = elf_strptr(elf, shstrndx, shdr.sh_name);
	if (name && *name) {
		snprintf(function, flen, "%s+%#" PRIx64, name, (uint64_t)off);
		*symoff = addr - start;
	}
}

void sym_lookup(Dwfl_Module *mod, Dwarf_Addr addr, char *function, size_t flen,
		char *file, size_t filelen, int *lineno, uint64_t *symoff)
{
	const char *fn, *src;
	GElf_Off off = 0;
	GElf_Sym sym;
	Dwfl_Line *line;

	*symoff = 0;
	/* .symtab when there is one (in the file or its debug file), else
	 * .dynsym: libdwfl picks. */
	fn = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	if (fn && *fn) {
		copy_str(function, flen, fn);
		/* "__libc_start_main@@GLIBC_2.34": the version only adds noise. */
		function[strcspn(function, "@")] = '\0';
		demangle(function, flen);
		if (!function[0])
			copy_str(function, flen, "??");
		*symoff = off;
	} else {
		section_name(mod, addr, function, flen, symoff);
	}
	line = dwfl_module_getsrc(mod, addr);
	/* libdw answers with the nearest line even for an address no
	 * compilation unit covers (crt1's _start next to -O2 code): only
	 * trust a line whose unit really holds the address. */
	if (line) {
		Dwarf_Addr cubias;
		Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, &cubias);

		if (!cu || dwarf_haspc(cu, addr - cubias) <= 0)
			line = NULL;
	}
	if (line) {
		src = dwfl_lineinfo(line, NULL, lineno, NULL, NULL, NULL);
		if (src)
			copy_str(file, filelen, src);
		else
			*lineno = 0;
	}
}

/* The name of a subprogram or inlined copy as the source spells it: the
 * linkage name demangled (C++), else DW_AT_name, both possibly on the
 * abstract origin. */
static void die_name(Dwarf_Die *die, char *function, size_t flen)
{
	Dwarf_Attribute mem;
	const char *n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &mem));

	if (!n)
		n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &mem));
	if (n) {
		copy_str(function, flen, n);
		demangle(function, flen);
		return;
	}
	n = dwarf_diename(die);
	copy_str(function, flen, n && *n ? n : "??");
}

/* Where the inlined copy die was called from: its DW_AT_call_file and
 * DW_AT_call_line, in the file table of its unit. */
static void call_site(Dwarf_Die *die, char *file, size_t filelen, int *lineno)
{
	Dwarf_Attribute mem;
	Dwarf_Word fidx = 0, ln = 0;
	Dwarf_Files *files;
	Dwarf_Die cu;
	size_t nfiles;
	const char *src = NULL;

	*lineno = 0;
	file[0] = '\0';
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &mem), &ln) != 0)
		return;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &mem), &fidx) == 0 &&
	    dwarf_diecu(die, &cu, NULL, NULL) && dwarf_getsrcfiles(&cu, &files, &nfiles) == 0 &&
	    fidx < nfiles)
		src = dwarf_filesrc(files, fidx, NULL, NULL);
	if (!src)
		return;
	copy_str(file, filelen, src);
	*lineno = (int)ln;
}

/* As eu-addr2line -i: dwarf_getscopes finds the innermost scope at addr,
 * but stops at the first inlined copy's boundary on some -O2 code;
 * dwarf_getscopes_die from that scope walks its abstract origins out to
 * the unit and gives the whole chain. */
int sym_inline_chain(Dwfl_Module *mod, Dwarf_Addr addr, struct sym_inline *chain, int max)
{
	Dwarf_Die *scopes = NULL, *outer = NULL, *cudie;
	Dwarf_Addr bias;
	int n, k, nouter, m = 0;

	cudie = dwfl_module_addrdie(mod, addr, &bias);
	if (!cudie || dwarf_haspc(cudie, addr - bias) <= 0 || max < 1)
		return 0;
	n = dwarf_getscopes(cudie, addr - bias, &scopes);
	for (k = 0; k < n; k++) {
		int tag = dwarf_tag(&scopes[k]);

		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			break;
	}
	if (k == n || dwarf_tag(&scopes[k]) != DW_TAG_inlined_subroutine) {
		free(scopes);
		return 0;
	}
	nouter = dwarf_getscopes_die(&scopes[k], &outer);
	for (int i = 0; i < nouter && m < max; i++) {
		int tag = dwarf_tag(&outer[i]);

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		die_name(&outer[i], chain[m].function, sizeof(chain[m].function));
		chain[m].inlined = tag == DW_TAG_inlined_subroutine;
		/* Where this level called the inlined copy: the next level's line. */
		if (chain[m].inlined)
			call_site(&outer[i], chain[m].call_file, sizeof(chain[m].call_file),
				  &chain[m].call_line);
		m++;
		if (tag == DW_TAG_subprogram)
			break;
	}
	free(outer);
	free(scopes);
	/* A chain that does not end in its subprogram (too deep, odd DWARF)
	 * is still right as far as it goes. */
	return m;
}
