#include "config.h"

/* alloc_sites.c - which allocator definitions does the program really
 * call, and where is errno.
 *
 * The definitions are the ones the program binds to, as the tracer's
 * symbol look-up finds them (tracer/linkmap.c): ASan's interceptors or an
 * LD_PRELOAD allocator rather than libc's; a static program's own
 * .symtab. Module files are opened as the reporters open them, and a file
 * the jail could have written is not parsed (symbols/untrusted.c).
 *
 * errno is a TLS variable whose offset ld.so keeps in a private link_map
 * field; decoding __errno_location (mov GOT-slot/imm -> add %fs:0) gives the
 * already-relocated offset without depending on ld.so internals.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "inject/alloc_call.h"
#include "inject/inject_int.h"
#include "symbols/symbols.h"
#include "tracer/services.h"
#include "util/util.h"

enum { N_ERRNO_LOC = AC_NCALLS, N_ERRNO_TLS, N_MAIN, N_NAMES };

static const char *const sym_names[N_NAMES] = {
	[AC_MALLOC] = "malloc",
	[AC_CALLOC] = "calloc",
	[AC_REALLOC] = "realloc",
	[AC_REALLOCARRAY] = "reallocarray",
	[AC_ALIGNED_ALLOC] = "aligned_alloc",
	[AC_MEMALIGN] = "memalign",
	[AC_POSIX_MEMALIGN] = "posix_memalign",
	[AC_VALLOC] = "valloc",
	[AC_PVALLOC] = "pvalloc",
	[N_ERRNO_LOC] = "__errno_location",
	[N_ERRNO_TLS] = "errno",
	[N_MAIN] = "main",	/* static programs: where counting starts */
};

const char *alloc_call_name(enum alloc_call c)
{
	return (unsigned)c < AC_NCALLS ? sym_names[c] : "?";
}

int alloc_call_by_name(const char *name)
{
	for (int i = 0; i < AC_NCALLS; i++)
		if (name && strcmp(name, sym_names[i]) == 0)
			return i;
	return -1;
}

/* errno's offset from the thread pointer, from __errno_location's code:
 *   libc.so: mov GOT(%rip),%rax ; add %fs:0,%rax  (GOT holds the TPOFF64)
 *   static:  mov $imm32,%rax    ; add %fs:0,%rax
 *   either may be mov %fs:0,%rax ; add $imm32,%rax / lea disp(%rax),%rax */
static int decode_errno_location(struct tracer_task *t, uint64_t fn, int64_t *tpoff)
{
	static const uint8_t add_fs0[9] = { 0x64, 0x48, 0x03, 0x04, 0x25, 0, 0, 0, 0 };
	static const uint8_t mov_fs0[9] = { 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0 };
	uint8_t c[32];
	const uint8_t *p = c;
	int32_t d;
	int rc = tracer_read_mem(t, fn, c, sizeof(c));

	if (rc < 0)
		return rc;
	if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa)
		p += 4;
	memcpy(&d, p + 3, 4);
	if (p[0] == 0x48 && p[1] == 0x8b && p[2] == 0x05 && !memcmp(p + 7, add_fs0, 9)) {
		uint64_t slot = fn + (uint64_t)(p - c) + 7 + (int64_t)d, v;

		if ((rc = tracer_read_mem(t, slot, &v, sizeof(v))) < 0)
			return rc;
		*tpoff = (int64_t)v;
		return 0;
	}
	if (p[0] == 0x48 && p[1] == 0xc7 && p[2] == 0xc0 && !memcmp(p + 7, add_fs0, 9)) {
		*tpoff = d;
		return 0;
	}
	if (!memcmp(p, mov_fs0, 9)) {
		p += 9;
		if (p[0] == 0x48 && p[1] == 0x05) {
			memcpy(&d, p + 2, 4);
			*tpoff = d;
			return 0;
		}
		if (p[0] == 0x48 && p[1] == 0x8d && p[2] == 0x80) {
			memcpy(&d, p + 3, 4);
			*tpoff = d;
			return 0;
		}
	}
	return -ENOTSUP;
}

/* The executable's own TLS block sits right below the thread pointer
 * (x86-64 TLS variant II), at an offset ld.so/libc compute from PT_TLS the
 * same way (glibc's _dl_determine_tlsoffset for the first module). Only
 * used for static programs that never link __errno_location. */
static int exe_tls_tpoff(const struct tracer_image *img, uint64_t sym_off, int64_t *tpoff)
{
	uint64_t a = img->tls_align, firstbyte, off;

	if (!img->has_tls || (a & (a - 1)))
		return -ENOTSUP;
	firstbyte = (-img->tls_vaddr) & (a - 1);
	off = ((img->tls_memsz + firstbyte + a - 1) & ~(a - 1)) - firstbyte;
	*tpoff = (int64_t)sym_off - (int64_t)off;
	return 0;
}

static int find_errno(struct tracer_task *t, const struct tracer_sym *syms,
		      const struct tracer_image *img, struct alloc_sites *s, char *why, int whylen)
{
	const struct tracer_sym *loc = &syms[N_ERRNO_LOC], *tls = &syms[N_ERRNO_TLS];
	struct user_regs_struct regs;
	int rc = -ENOTSUP;

	if (loc->found && !loc->ifunc)
		rc = decode_errno_location(t, loc->value, &s->errno_tpoff);
	if (rc < 0 && img->is_static && tls->found)
		rc = exe_tls_tpoff(img, tls->value, &s->errno_tpoff);
	if (rc < 0) {
		if (loc->found)
			snprintf(why, (size_t)whylen,
				 "cannot locate errno: unknown __errno_location code in %s", loc->obj);
		else
			snprintf(why, (size_t)whylen,
				 "cannot locate errno: no __errno_location definition");
		return -ENOTSUP;
	}
	/* A static program has no TLS yet at its entry point (fs_base 0):
	 * only check the address when there is a thread pointer. */
	if ((rc = tracer_getregs(t, &regs)) < 0)
		return rc;
	if (regs.fs_base) {
		uint32_t v;

		if ((rc = tracer_read_mem(t, regs.fs_base + (uint64_t)s->errno_tpoff, &v, 4)) < 0) {
			snprintf(why, (size_t)whylen, "errno at fs_base%+ld is unreadable",
				 (long)s->errno_tpoff);
			return -ENOTSUP;
		}
	}
	return 0;
}

int alloc_sites_find(struct tracer_task *t, struct alloc_sites *s, char *why, int whylen)
{
	struct tracer_sym syms[N_NAMES];
	struct tracer_image img;
	int rc;

	memset(s, 0, sizeof(*s));
	for (int k = 0; k < N_NAMES; k++) {
		syms[k].name = sym_names[k];
		/* Not main: a local "main" is some file's static function. */
		syms[k].flags = k == N_MAIN ? 0 : TRACER_SYM_LOCAL;
	}
	syms[N_ERRNO_TLS].flags |= TRACER_SYM_TLS;
	rc = tracer_find_symbols(t, syms, N_NAMES, unwind_open_module, &img, why, whylen);
	s->is_static = img.is_static;
	if (rc == -EPERM && img.is_static)
		snprintf(why, (size_t)whylen, "the program is on a mount the jail can write, "
			 "so it is not parsed: its allocation calls are not failed, only "
			 "the kernel's (mmap, brk); --ro-bind its directory to fail them");
	if (rc < 0)
		return rc;
	if (img.is_static && syms[N_MAIN].found && !syms[N_MAIN].ifunc)
		s->main_addr = syms[N_MAIN].value;

	for (int k = 0; k < AC_NCALLS; k++) {
		snprintf(s->obj[k], sizeof(s->obj[k]), "%s", syms[k].obj);
		if (!syms[k].found)
			s->skip[k] = "not defined";
		else if (syms[k].ifunc)
			/* st_value is the resolver, which runs once at
			 * binding: a breakpoint there would not see calls. */
			s->skip[k] = "GNU_IFUNC (resolver, not the implementation)";
		else
			s->addr[k] = syms[k].value;
	}
	if (!s->addr[AC_MALLOC]) {
		snprintf(why, (size_t)whylen, "no definition of malloc found%s%s",
			 syms[AC_MALLOC].ifunc ? ": it is a GNU_IFUNC in " : "",
			 syms[AC_MALLOC].ifunc ? syms[AC_MALLOC].obj
					       : (s->is_static ? " (stripped static binary?)" : ""));
		return -ENOENT;
	}
	if ((rc = find_errno(t, syms, &img, s, why, whylen)) < 0)
		return rc;
	fz_debug("alloc: %s program, errno at fs_base%+ld, main at %#lx\n",
		 s->is_static ? "static" : "dynamic", (long)s->errno_tpoff,
		 (unsigned long)s->main_addr);
	return 0;
}
