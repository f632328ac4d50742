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

int sym_fde_start(Dwfl_Module *mod, Dwarf_Addr addr, Dwarf_Addr *start)
{
	Dwarf_Addr bias, lo, hi;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(mod, &bias);
	Dwarf_Frame *fr;
	int r;

	if (!cfi || dwarf_cfi_addrframe(cfi, addr - bias, &fr) != 0)
		return -ENOENT;
	r = dwarf_frame_info(fr, &lo, &hi, NULL);
	free(fr);
	if (r < 0)
		return -ENOENT;
	*start = lo + bias;
	return 0;
}

/* No symbol covers addr (a stripped program's static functions): the
 * section and the offset in it of the function's start, from its
 * .eh_frame FDE (".text+0x5c00", with addr's offset from it in symoff),
 * so every pc of one function has one name, stable in every run, that
 * suppressions and the dedup key can use; the ELF entry is "_start". The
 * pc's own offset when no CFI covers it. */
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
	if (elf && gelf_getehdr(elf, &ehdr) && ehdr.e_entry && ehdr.e_entry + bias == start) {
		copy_str(function, flen, "_start");
		*symoff = addr - start;
		return;
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
