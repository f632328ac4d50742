#include "config.h"

/* lookup.c - name, source file and line of one address in one libdwfl
 * module, demangled. A leaf of symbols/: symbolize.c uses it for files
 * the tracer may parse, and the confined helper (symhelper.c) for the
 * ones it may not, so both give the same answer for the same file.
 */

#include <dlfcn.h>
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

void sym_lookup(Dwfl_Module *mod, Dwarf_Addr addr, char *function, size_t flen,
		char *file, size_t filelen, int *lineno)
{
	const char *fn, *src;
	GElf_Off off;
	GElf_Sym sym;
	Dwfl_Line *line;

	fn = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	if (fn && *fn) {
		copy_str(function, flen, fn);
		/* "__libc_start_main@@GLIBC_2.34": the version only adds noise. */
		function[strcspn(function, "@")] = '\0';
		demangle(function, flen);
		if (!function[0])
			copy_str(function, flen, "??");
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
