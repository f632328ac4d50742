#include "config.h"

/* alloc_bp_resolve.c - which allocator definitions does the program really
 * call, and where is errno.
 *
 * The program and libc's internal callers bind each symbol to its first
 * definer in the global lookup scope, which at the entry point is the link
 * map order (exe, LD_PRELOADs, DT_NEEDED breadth-first). So we walk r_debug's
 * link map and take the first .dynsym definition: that makes ASan's
 * interceptors or an LD_PRELOAD allocator the one we break on, not libc's.
 * A static program has no link map: its own .symtab is the only definer.
 *
 * errno is a TLS variable whose offset ld.so keeps in a private link_map
 * field; decoding __errno_location (mov GOT-slot/imm -> add %fs:0) gives the
 * already-relocated offset without depending on ld.so internals.
 * (docs/kernel-facts.md#allocator-binding and #errno-location.)
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject/alloc_bp_int.h"
#include "symbols/symbols.h"
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

struct sym_hit {
	bool found;		/* this name's first definer has been seen */
	bool ifunc;
	uint64_t value;		/* st_value + bias */
	char obj[64];
};

/* What we need from the objects' files beyond symbols. */
struct file_info {
	uint64_t e_entry;
	bool has_tls;
	uint64_t tls_vaddr, tls_memsz, tls_align;
};

static void base_name(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');

	snprintf(out, len, "%s", b ? b + 1 : path);
}

static int read_u64(struct tracer_task *t, uint64_t addr, uint64_t *v)
{
	int rc = tracer_read_mem(t, addr, v, sizeof(*v));

	return rc < 0 ? rc : 0;
}

/* A NUL-terminated string from the tracee, read page by page so that a
 * short string near the end of a mapping does not fault the whole read. */
static int read_str(struct tracer_task *t, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	while (got + 1 < len) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		int rc;

		if (chunk > len - 1 - got)
			chunk = len - 1 - got;
		rc = tracer_read_mem(t, addr + got, buf + got, chunk);
		if (rc < 0)
			return rc;
		if (memchr(buf + got, 0, chunk))
			return 0;
		got += chunk;
	}
	buf[len - 1] = 0;
	return 0;
}

/* Look the wanted names up in one file. Only names whose first definer is
 * still unknown are considered; 'symtab' selects .symtab (static programs)
 * over .dynsym, 'local' accepts STB_LOCAL too. Returns 0 or -errno (file
 * unreadable / not ELF). */
/* Open a file named as object_path() names it: "/proc/PID/root/PATH" is
 * opened inside PID's root, so that the jail's absolute symlinks (/usr/lib64
 * to /lib/...) resolve to the jail's files, not the host's. */
static int obj_open(const char *path)
{
	int pid, n = 0;

	if (sscanf(path, "/proc/%d/root%n", &pid, &n) == 1 && n > 0 && path[n] == '/')
		return unwind_open_in_root(pid, path + n);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int scan_file_raw(const char *path, const char *label, bool symtab, bool local,
			 uint64_t bias, struct sym_hit *hits, struct file_info *fi)
{
	int fd = obj_open(path);
	Elf *elf;
	Elf_Scn *scn = NULL;
	Elf_Data *versym = NULL;
	GElf_Ehdr eh;
	size_t nph;
	int rc = 0;

	if (fd < 0)
		return -errno;
	/* A file the jailed program could have written is not parsed here
	 * (symbols/untrusted.c): its allocator, if any, is not failed at
	 * the call level; the kernel-level faults still reach it. */
	if (!unwind_file_trusted(fd)) {
		close(fd);
		return -EPERM;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || !gelf_getehdr(elf, &eh)) {
		rc = -ENOEXEC;
		goto out;
	}
	if (fi) {
		memset(fi, 0, sizeof(*fi));
		fi->e_entry = eh.e_entry;
		if (elf_getphdrnum(elf, &nph) == 0) {
			for (size_t i = 0; i < nph; i++) {
				GElf_Phdr ph;

				if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_TLS) {
					fi->has_tls = true;
					fi->tls_vaddr = ph.p_vaddr;
					fi->tls_memsz = ph.p_memsz;
					fi->tls_align = ph.p_align ? ph.p_align : 1;
				}
			}
		}
	}
	/* Symbol versions: a hidden (non-default) version never satisfies an
	 * unversioned reference, so it is not "the definition". */
	while (!symtab && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_GNU_versym)
			versym = elf_getdata(scn, NULL);
	}
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != (symtab ? SHT_SYMTAB : SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym s;
			GElf_Versym vs;
			const char *name;
			int bind, type;

			if (!gelf_getsym(data, (int)i, &s) || s.st_shndx == SHN_UNDEF)
				continue;
			bind = GELF_ST_BIND(s.st_info);
			type = GELF_ST_TYPE(s.st_info);
			if (bind != STB_GLOBAL && bind != STB_WEAK && !(local && bind == STB_LOCAL))
				continue;
			if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_TLS)
				continue;
			if (versym && gelf_getversym(versym, (int)i, &vs) && (vs & 0x8000))
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || name[0] == 0)
				continue;
			for (int k = 0; k < N_NAMES; k++) {
				if (hits[k].found || strcmp(name, sym_names[k]) != 0)
					continue;
				if ((k == N_ERRNO_TLS) != (type == STT_TLS))
					break;
				hits[k].found = true;
				hits[k].ifunc = type == STT_GNU_IFUNC;
				/* A TLS symbol's value is an offset in its
				 * module's TLS block: no load bias. */
				hits[k].value = s.st_value + (type == STT_TLS ? 0 : bias);
				base_name(label, hits[k].obj, sizeof(hits[k].obj));
				break;
			}
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return rc;
}

/* Every run re-arms in a fresh process, but the files are the same: parse
 * each one once per campaign. Keyed by the file's identity (device, inode,
 * size, mtime) and the scan mode; values are kept without the load bias. */
struct scan_cache {
	bool used;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool symtab, local;
	int rc;
	struct sym_hit hits[N_NAMES];
	bool tls[N_NAMES];
	struct file_info fi;
};

static struct scan_cache scan_cache[32];
static unsigned scan_cache_next;

static int scan_file(const char *path, const char *label, bool symtab, bool local,
		     uint64_t bias, struct sym_hit *hits, struct file_info *fi)
{
	struct scan_cache *c = NULL;
	struct stat st;
	int fd = obj_open(path);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(scan_cache) && !c; i++) {
		struct scan_cache *e = &scan_cache[i];

		if (e->used && e->dev == st.st_dev && e->ino == st.st_ino && e->size == st.st_size &&
		    e->mtime.tv_sec == st.st_mtim.tv_sec && e->mtime.tv_nsec == st.st_mtim.tv_nsec &&
		    e->symtab == symtab && e->local == local)
			c = e;
	}
	if (!c) {
		c = &scan_cache[scan_cache_next++ % (ARRAY_SIZE(scan_cache))];
		memset(c, 0, sizeof(*c));
		c->rc = scan_file_raw(path, label, symtab, local, 0, c->hits, &c->fi);
		if (c->rc < 0)
			return c->rc;	/* not cached: a transient error may pass */
		for (int k = 0; k < N_NAMES; k++)
			c->tls[k] = k == N_ERRNO_TLS;
		c->used = true;
		c->dev = st.st_dev;
		c->ino = st.st_ino;
		c->size = st.st_size;
		c->mtime = st.st_mtim;
		c->symtab = symtab;
		c->local = local;
	}
	if (fi)
		*fi = c->fi;
	/* Merge as the scan would have: the first definer in lookup order
	 * wins, so names already found stay. */
	for (int k = 0; k < N_NAMES; k++) {
		if (hits[k].found || !c->hits[k].found)
			continue;
		hits[k] = c->hits[k];
		hits[k].value += c->tls[k] ? 0 : bias;
		base_name(label, hits[k].obj, sizeof(hits[k].obj));
	}
	return 0;
}

static int read_auxv(pid_t pid, uint64_t *phdr, uint64_t *phnum, uint64_t *entry,
		     uint64_t *base)
{
	int r;

	*phdr = *phnum = *entry = *base = 0;
	if ((r = proc_auxv_get(pid, AT_PHDR, phdr)) < 0 && r != -ENOENT)
		return r;
	proc_auxv_get(pid, AT_PHNUM, phnum);
	proc_auxv_get(pid, AT_ENTRY, entry);
	proc_auxv_get(pid, AT_BASE, base);	/* absent in a static program */
	return *phdr && *phnum && *entry ? 0 : -EINVAL;
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

		if ((rc = read_u64(t, slot, &v)) < 0)
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
static int exe_tls_tpoff(const struct file_info *fi, uint64_t sym_off, int64_t *tpoff)
{
	uint64_t a = fi->tls_align, firstbyte, off;

	if (!fi->has_tls || (a & (a - 1)))
		return -ENOTSUP;
	firstbyte = (-fi->tls_vaddr) & (a - 1);
	off = ((fi->tls_memsz + firstbyte + a - 1) & ~(a - 1)) - firstbyte;
	*tpoff = (int64_t)sym_off - (int64_t)off;
	return 0;
}

/* Read the program headers from memory and find the bias and what kind of
 * program this is. */
static int exe_layout(struct tracer_task *t, uint64_t at_phdr, uint64_t phnum,
		      bool *has_interp, uint64_t *bias, bool *has_bias, uint64_t *dyn)
{
	Elf64_Phdr ph[64];
	int rc;

	if (phnum > 64)
		return -E2BIG;
	if ((rc = tracer_read_mem(t, at_phdr, ph, phnum * sizeof(ph[0]))) < 0)
		return rc;
	*has_interp = *has_bias = false;
	*dyn = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_PHDR) {
			*bias = at_phdr - ph[i].p_vaddr;
			*has_bias = true;
		} else if (ph[i].p_type == PT_INTERP) {
			*has_interp = true;
		}
	}
	for (uint64_t i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			*dyn = ph[i].p_vaddr;
	return 0;
}

static int find_r_debug(struct tracer_task *t, uint64_t dyn, uint64_t *r_debug)
{
	uint64_t d[2];
	int rc;

	for (int i = 0; i < 1024; i++) {
		if ((rc = tracer_read_mem(t, dyn + 16 * (uint64_t)i, d, sizeof(d))) < 0)
			return rc;
		if (d[0] == DT_NULL)
			break;
		if (d[0] == DT_DEBUG) {
			*r_debug = d[1];
			return d[1] ? 0 : -EAGAIN;
		}
	}
	return -ENOENT;
}

static void object_path(pid_t pid, const char *name, char *out, size_t len)
{
	if (name[0] == '/')
		snprintf(out, len, "/proc/%d/root%s", (int)pid, name);
	else	/* an LD_PRELOAD given as a relative path */
		snprintf(out, len, "/proc/%d/cwd/%s", (int)pid, name);
}

static int walk_link_map(struct tracer_task *t, uint64_t r_debug, struct sym_hit *hits,
			 char *why, int whylen)
{
	pid_t pid = tracer_task_pid(t);
	uint64_t lm;
	char name[PATH_MAX], path[PATH_MAX + 64];
	int rc, n = 0;

	if ((rc = read_u64(t, r_debug + 8, &lm)) < 0)
		return rc;
	for (; lm && n < 4096; n++) {
		uint64_t l_addr, l_name, l_next;

		if ((rc = read_u64(t, lm, &l_addr)) < 0 || (rc = read_u64(t, lm + 8, &l_name)) < 0 ||
		    (rc = read_u64(t, lm + 24, &l_next)) < 0)
			return rc;
		name[0] = 0;
		if (l_name && (rc = read_str(t, l_name, name, sizeof(name))) < 0)
			return rc;
		if (n == 0 || name[0] == 0) {
			snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
			snprintf(name, sizeof(name), "(exe)");
		} else if (!strchr(name, '/') && !strncmp(name, "linux-", 6)) {
			lm = l_next;	/* the vdso is not a file */
			continue;
		} else {
			object_path(pid, name, path, sizeof(path));
		}
		rc = scan_file(path, name, false, false, l_addr, hits, NULL);
		if (rc < 0) {
			/* A library we cannot read might be the definer: say
			 * so instead of silently breaking on a later one. */
			snprintf(why, (size_t)whylen, "cannot read %s: %s", path, strerror(-rc));
			return rc;
		}
		fz_debug("alloc_bp: object %s l_addr=%#lx\n", name, (unsigned long)l_addr);
		lm = l_next;
	}
	return 0;
}

int bp_resolve(struct tracer_task *t, struct bp_resolved *r, char *why, int whylen)
{
	struct sym_hit hits[N_NAMES], main_hit;
	struct file_info fi;
	struct user_regs_struct regs;
	uint64_t at_phdr, phnum, entry, base, bias = 0, dyn, r_debug;
	bool has_interp, has_bias;
	char path[64];
	int rc;

	memset(r, 0, sizeof(*r));
	memset(hits, 0, sizeof(hits));
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(why, (size_t)whylen, "libelf: %s", elf_errmsg(-1));
		return -ENOSYS;
	}
	if ((rc = read_auxv(tracer_task_pid(t), &at_phdr, &phnum, &entry, &base)) < 0) {
		snprintf(why, (size_t)whylen, "cannot read auxv: %s", strerror(-rc));
		return rc;
	}
	if ((rc = exe_layout(t, at_phdr, phnum, &has_interp, &bias, &has_bias, &dyn)) < 0) {
		snprintf(why, (size_t)whylen, "cannot read program headers: %s", strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tracer_task_pid(t));
	r->is_static = base == 0 && !has_interp;
	if (r->is_static) {
		/* Parse headers first (no symbols) to get e_entry for the bias:
		 * static-pie has no PT_PHDR to derive it from. */
		struct sym_hit none[N_NAMES];

		for (int k = 0; k < N_NAMES; k++)
			none[k].found = true;
		if ((rc = scan_file(path, "(exe)", true, false, 0, none, &fi)) < 0) {
			if (rc == -EPERM)
				snprintf(why, (size_t)whylen, "the program is on a mount the jail can write, "
					 "so it is not parsed: its allocation calls are not failed, only "
					 "the kernel's (mmap, brk); --ro-bind its directory to fail them");
			else
				snprintf(why, (size_t)whylen, "cannot read %s: %s", path, strerror(-rc));
			return rc;
		}
		bias = entry - fi.e_entry;
		/* static-pie links libc's allocator with hidden visibility, so
		 * .symtab has it as LOCAL: accept that when no global exists.
		 * Not for main: a local "main" is some file's static function. */
		if ((rc = scan_file(path, "(exe)", true, false, bias, hits, NULL)) < 0)
			return rc;
		main_hit = hits[N_MAIN];
		hits[N_MAIN].found = true;
		if ((rc = scan_file(path, "(exe)", true, true, bias, hits, NULL)) < 0)
			return rc;
		if (main_hit.found && !main_hit.ifunc)
			r->main_addr = main_hit.value;
	} else {
		if (!has_bias || !dyn) {
			snprintf(why, (size_t)whylen, "dynamic program without PT_PHDR/PT_DYNAMIC");
			return -ENOEXEC;
		}
		if ((rc = find_r_debug(t, bias + dyn, &r_debug)) < 0) {
			snprintf(why, (size_t)whylen, "no r_debug via DT_DEBUG (%s)", strerror(-rc));
			return rc;
		}
		if ((rc = walk_link_map(t, r_debug, hits, why, whylen)) < 0)
			return rc;
	}

	for (int k = 0; k < AC_NCALLS; k++) {
		snprintf(r->obj[k], sizeof(r->obj[k]), "%s", hits[k].obj);
		if (!hits[k].found)
			r->skip[k] = "not defined";
		else if (hits[k].ifunc)
			/* st_value is the resolver, which runs once at
			 * binding: a breakpoint there would not see calls. */
			r->skip[k] = "GNU_IFUNC (resolver, not the implementation)";
		else
			r->addr[k] = hits[k].value;
	}
	if (!r->addr[AC_MALLOC]) {
		snprintf(why, (size_t)whylen, "no definition of malloc found%s%s",
			 hits[AC_MALLOC].ifunc ? ": it is a GNU_IFUNC in " : "",
			 hits[AC_MALLOC].ifunc ? hits[AC_MALLOC].obj
					       : (r->is_static ? " (stripped static binary?)" : ""));
		return -ENOENT;
	}

	rc = -ENOTSUP;
	if (hits[N_ERRNO_LOC].found && !hits[N_ERRNO_LOC].ifunc)
		rc = decode_errno_location(t, hits[N_ERRNO_LOC].value, &r->errno_tpoff);
	if (rc < 0 && r->is_static && hits[N_ERRNO_TLS].found)
		rc = exe_tls_tpoff(&fi, hits[N_ERRNO_TLS].value, &r->errno_tpoff);
	if (rc < 0) {
		if (hits[N_ERRNO_LOC].found)
			snprintf(why, (size_t)whylen,
				 "cannot locate errno: unknown __errno_location code in %s",
				 hits[N_ERRNO_LOC].obj);
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

		if ((rc = tracer_read_mem(t, regs.fs_base + (uint64_t)r->errno_tpoff, &v, 4)) < 0) {
			snprintf(why, (size_t)whylen, "errno at fs_base%+ld is unreadable",
				 (long)r->errno_tpoff);
			return -ENOTSUP;
		}
	}
	fz_debug("alloc_bp: %s program, errno at fs_base%+ld, main at %#lx\n",
		 r->is_static ? "static" : "dynamic", (long)r->errno_tpoff,
		 (unsigned long)r->main_addr);
	return 0;
}

/* --- /proc/PID/maps helpers for out-of-line slots ---------------------- */

struct sc_search {
	struct tracer_task *t;
	uint64_t found;
};

static int find_sc_cb(const struct proc_map *m, void *arg)
{
	struct sc_search *s = arg;
	uint8_t buf[4096 + 1];

	if (m->path[0] != '/' || strcmp(m->perms, "r-xp") != 0)
		return 0;
	for (uint64_t a = m->lo; a < m->hi && a < m->lo + (4 << 20); a += 4096) {
		size_t len = a + 4097 <= m->hi ? 4097 : 4096;

		if (tracer_read_mem(s->t, a, buf, len) < 0)
			break;
		for (size_t i = 0; i + 1 < len; i++) {
			if (buf[i] == 0x0f && buf[i + 1] == 0x05) {
				s->found = a + i;
				return 1;
			}
		}
	}
	return 0;
}

int bp_find_syscall_insn(struct tracer_task *t, uint64_t *addr)
{
	struct sc_search s = { t, 0 };
	int rc = proc_maps_each(tracer_task_pid(t), find_sc_cb, &s);

	if (rc < 0)
		return rc;
	if (!s.found)
		return -ENOENT;
	*addr = s.found;
	return 0;
}

struct hole_search {
	uint64_t near, prev_hi, best;
	uint64_t best_dist;
};

static void hole_consider(struct hole_search *h, uint64_t lo, uint64_t hi)
{
	uint64_t cand, dist;

	if (hi < lo + 4096)
		return;
	if (h->near < lo)
		cand = lo;
	else if (h->near >= hi - 4096)
		cand = hi - 4096;
	else
		cand = h->near & ~4095ULL;
	dist = cand > h->near ? cand - h->near : h->near - cand;
	if (dist < h->best_dist) {
		h->best = cand;
		h->best_dist = dist;
	}
}

static int hole_cb(const struct proc_map *m, void *arg)
{
	struct hole_search *h = arg;

	/* Leave the gap under the stack alone: the stack grows into it. */
	if (strcmp(m->path, "[stack]") != 0)
		hole_consider(h, h->prev_hi, m->lo);
	h->prev_hi = m->hi;
	return 0;
}

int bp_find_hole(struct tracer_task *t, uint64_t near, uint64_t *hole)
{
	/* 64 KiB: above the usual vm.mmap_min_addr. */
	struct hole_search h = { near, 0x10000, 0, UINT64_MAX };
	int rc = proc_maps_each(tracer_task_pid(t), hole_cb, &h);

	if (rc < 0)
		return rc;
	if (h.best_dist == UINT64_MAX)
		return -ENOMEM;
	*hole = h.best;
	return 0;
}
