#include "config.h"

/* linkmap.c - which definition of a name does the program really bind to.
 *
 * The program and its libraries bind each symbol to its first definer in
 * the global lookup scope, which at the entry point is the link map order
 * (exe, LD_PRELOADs, DT_NEEDED breadth-first). So we walk r_debug's link
 * map (found through the executable's DT_DEBUG, whose program headers
 * auxv's AT_PHDR points at) and take the first .dynsym definition with a
 * default version: an LD_PRELOAD library or ASan's interceptors win over
 * libc. A static program has no link map: its own .symtab is the only
 * definer. Module files are read through the caller's opener, which
 * decides which files may be parsed at all.
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

#include "tracer/services.h"
#include "util/util.h"

/* One name's definition in one file, without the load bias. */
struct sym_hit {
	bool found;
	bool ifunc;
	uint64_t value;
};

/* What we need from a file beyond symbols. */
struct file_info {
	uint64_t e_entry;
	bool has_tls;
	uint64_t tls_vaddr, tls_memsz, tls_align;
};

/* Every run looks up the same names in a fresh process, but the files are
 * the same: parse each one once per campaign. Keyed by the file's
 * identity (device, inode, size, mtime), the scan mode and the names. */
struct scan_cache {
	bool used;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool symtab, local;
	uint64_t names;		/* hash of the names looked up */
	struct sym_hit hits[TRACER_SYM_MAX];
	struct file_info fi;
};

static struct scan_cache scan_cache[32];
static unsigned scan_cache_next;

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
	int r = tracer_read_str(t, addr, buf, len);

	return r == -ENAMETOOLONG ? 0 : r;	/* a name cut at len - 1 */
}

static uint64_t names_hash(const struct tracer_sym *syms, int n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (int k = 0; k < n; k++) {
		for (const char *p = syms[k].name; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
		h = (h ^ (syms[k].flags & TRACER_SYM_TLS ? 1 : 2)) * 0x100000001b3ull;
	}
	return h;
}

static void read_phdrs(Elf *elf, const GElf_Ehdr *eh, struct file_info *fi)
{
	size_t nph;

	memset(fi, 0, sizeof(*fi));
	fi->e_entry = eh->e_entry;
	if (elf_getphdrnum(elf, &nph) != 0)
		return;
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

/* First definition of each name in one file's symbol table: .symtab
 * (static programs) or .dynsym; 'local' accepts STB_LOCAL too. */
static int scan_elf(int fd, bool symtab, bool local, const struct tracer_sym *syms, int n,
		    struct scan_cache *c)
{
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	Elf_Scn *scn = NULL;
	Elf_Data *versym = NULL;
	GElf_Ehdr eh;
	/* Hidden (non-default) versions of each name, taken only when the
	 * file has no default one: glibc's libc_malloc_debug.so.0 exports
	 * malloc@GLIBC_2.2.5 alone, and a program's versioned reference
	 * (malloc@GLIBC_2.2.5) binds to it (docs/kernel-facts.md). */
	struct sym_hit hidden[TRACER_SYM_MAX] = { { 0 } };

	if (!elf || !gelf_getehdr(elf, &eh)) {
		if (elf)
			elf_end(elf);
		return -ENOEXEC;
	}
	read_phdrs(elf, &eh, &c->fi);
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
		size_t nsym;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != (symtab ? SHT_SYMTAB : SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		nsym = sh.sh_size / sh.sh_entsize;
		for (size_t i = 1; i < nsym; i++) {
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
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || name[0] == 0)
				continue;
			for (int k = 0; k < n; k++) {
				bool hide = versym && gelf_getversym(versym, (int)i, &vs) && (vs & 0x8000);
				struct sym_hit *h = hide ? &hidden[k] : &c->hits[k];

				if (h->found || strcmp(name, syms[k].name) != 0)
					continue;
				if (((syms[k].flags & TRACER_SYM_TLS) != 0) != (type == STT_TLS))
					break;
				h->found = true;
				h->ifunc = type == STT_GNU_IFUNC;
				h->value = s.st_value;
				break;
			}
		}
	}
	for (int k = 0; k < n; k++)
		if (!c->hits[k].found && hidden[k].found)
			c->hits[k] = hidden[k];
	elf_end(elf);
	return 0;
}

/* The scan of one file, from the cache or parsed now. The result is valid
 * until the next call. */
static int scan_file(tracer_open_fn open_fn, const char *path, bool symtab, bool local,
		     const struct tracer_sym *syms, int n, const struct scan_cache **out)
{
	struct scan_cache *c = NULL;
	uint64_t h = names_hash(syms, n);
	struct stat st;
	int fd = open_fn ? open_fn(path) : open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (!open_fn && fd < 0)
		fd = -errno;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	for (size_t i = 0; i < ARRAY_SIZE(scan_cache) && !c; i++) {
		struct scan_cache *e = &scan_cache[i];

		if (e->used && e->dev == st.st_dev && e->ino == st.st_ino && e->size == st.st_size &&
		    e->mtime.tv_sec == st.st_mtim.tv_sec && e->mtime.tv_nsec == st.st_mtim.tv_nsec &&
		    e->symtab == symtab && e->local == local && e->names == h)
			c = e;
	}
	if (!c) {
		c = &scan_cache[scan_cache_next++ % ARRAY_SIZE(scan_cache)];
		memset(c, 0, sizeof(*c));
		rc = scan_elf(fd, symtab, local, syms, n, c);
		if (rc < 0) {
			close(fd);
			return rc;	/* not cached: a transient error may pass */
		}
		c->used = true;
		c->dev = st.st_dev;
		c->ino = st.st_ino;
		c->size = st.st_size;
		c->mtime = st.st_mtim;
		c->symtab = symtab;
		c->local = local;
		c->names = h;
	}
	close(fd);
	*out = c;
	return 0;
}

/* Take this file's definitions of the names still unresolved: the first
 * definer in lookup order wins. need: only names with these flags (a
 * local definition, the executable's .symtab). */
static void merge(const struct scan_cache *c, struct tracer_sym *syms, int n, uint64_t bias,
		  const char *label, unsigned need)
{
	for (int k = 0; k < n; k++) {
		if (syms[k].found || !c->hits[k].found)
			continue;
		if ((syms[k].flags & need) != need)
			continue;
		syms[k].found = true;
		syms[k].ifunc = c->hits[k].ifunc;
		/* A TLS symbol's value is an offset in its module's TLS
		 * block: no load bias. */
		syms[k].value = c->hits[k].value + (syms[k].flags & TRACER_SYM_TLS ? 0 : bias);
		base_name(label, syms[k].obj, sizeof(syms[k].obj));
	}
}

static void set_tls(struct tracer_image *img, const struct file_info *fi)
{
	img->has_tls = fi->has_tls;
	img->tls_vaddr = fi->tls_vaddr;
	img->tls_memsz = fi->tls_memsz;
	img->tls_align = fi->tls_align;
}

/* The executable's program headers, read from memory: its bias, whether it
 * has an interpreter, and its dynamic section. */
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

/* How the tracer reaches a module the task names: inside its root (the
 * jail's files, not the host's), or from its cwd for an LD_PRELOAD given
 * as a relative path. */
static void object_path(pid_t pid, const char *name, char *out, size_t len)
{
	if (name[0] == '/')
		snprintf(out, len, "/proc/%d/root%s", (int)pid, name);
	else
		snprintf(out, len, "/proc/%d/cwd/%s", (int)pid, name);
}

static int walk_link_map(struct tracer_task *t, uint64_t r_debug, tracer_open_fn open_fn,
			 struct tracer_sym *syms, int n, struct tracer_image *img,
			 char *why, int whylen)
{
	pid_t pid = tracer_task_pid(t);
	const struct scan_cache *c;
	uint64_t lm;
	char name[PATH_MAX], path[PATH_MAX + 64];
	int rc, i = 0;

	if ((rc = read_u64(t, r_debug + 8, &lm)) < 0)
		return rc;
	for (; lm && i < 4096; i++) {
		uint64_t l_addr, l_name, l_next;

		if ((rc = read_u64(t, lm, &l_addr)) < 0 || (rc = read_u64(t, lm + 8, &l_name)) < 0 ||
		    (rc = read_u64(t, lm + 24, &l_next)) < 0)
			return rc;
		name[0] = 0;
		if (l_name && (rc = read_str(t, l_name, name, sizeof(name))) < 0)
			return rc;
		if (i == 0 || name[0] == 0) {
			snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
			snprintf(name, sizeof(name), "(exe)");
		} else if (!strchr(name, '/') && !strncmp(name, "linux-", 6)) {
			lm = l_next;	/* the vdso is not a file */
			continue;
		} else {
			object_path(pid, name, path, sizeof(path));
		}
		rc = scan_file(open_fn, path, false, false, syms, n, &c);
		if (rc < 0) {
			/* A library we cannot read might be the definer: say
			 * so instead of silently taking a later one. */
			snprintf(why, (size_t)whylen, "cannot read %s: %s", path, strerror(-rc));
			return rc;
		}
		if (i == 0)
			set_tls(img, &c->fi);
		merge(c, syms, n, l_addr, name, 0);
		fz_debug("linkmap: object %s l_addr=%#lx\n", name, (unsigned long)l_addr);
		lm = l_next;
	}
	return 0;
}

/* A static program: its own .symtab, globals first, then the locals of
 * the names that accept one (static-pie links libc's functions with
 * hidden visibility, so .symtab has them as LOCAL). */
static int static_symbols(struct tracer_task *t, tracer_open_fn open_fn, struct tracer_sym *syms,
			  int n, struct tracer_image *img, char *why, int whylen)
{
	const struct scan_cache *c;
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tracer_task_pid(t));
	if ((rc = scan_file(open_fn, path, true, false, syms, n, &c)) < 0) {
		snprintf(why, (size_t)whylen, "cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	/* static-pie has no PT_PHDR to derive the bias from: e_entry does. */
	img->bias = img->entry - c->fi.e_entry;
	set_tls(img, &c->fi);
	merge(c, syms, n, img->bias, "(exe)", 0);
	if ((rc = scan_file(open_fn, path, true, true, syms, n, &c)) < 0) {
		snprintf(why, (size_t)whylen, "cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	merge(c, syms, n, img->bias, "(exe)", TRACER_SYM_LOCAL);
	return 0;
}

/* A dynamic program: the names (TRACER_SYM_EXE) no module exports, from
 * the executable's .symtab, globals then locals. No .symtab (stripped):
 * not found. */
static int exe_symtab(struct tracer_task *t, tracer_open_fn open_fn, struct tracer_sym *syms,
		      int n, const struct tracer_image *img, char *why, int whylen)
{
	const struct scan_cache *c;
	char path[64];
	bool want = false;
	int rc;

	for (int k = 0; k < n; k++)
		want |= !syms[k].found && (syms[k].flags & TRACER_SYM_EXE);
	if (!want)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tracer_task_pid(t));
	for (int local = 0; local < 2; local++) {
		if ((rc = scan_file(open_fn, path, true, local, syms, n, &c)) < 0) {
			snprintf(why, (size_t)whylen, "cannot read %s: %s", path, strerror(-rc));
			return rc;
		}
		merge(c, syms, n, img->bias, "(exe)",
		      TRACER_SYM_EXE | (local ? TRACER_SYM_LOCAL : 0));
	}
	return 0;
}

int tracer_find_symbols(struct tracer_task *t, struct tracer_sym *syms, int n,
			tracer_open_fn open_fn, struct tracer_image *img, char *why, int whylen)
{
	uint64_t at_phdr = 0, phnum = 0, base = 0, bias = 0, dyn, r_debug;
	pid_t pid = tracer_task_pid(t);
	bool has_interp, has_bias;
	int rc;

	memset(img, 0, sizeof(*img));
	if (whylen > 0)
		why[0] = 0;
	if (n < 0 || n > TRACER_SYM_MAX)
		return -E2BIG;
	for (int k = 0; k < n; k++) {
		syms[k].found = syms[k].ifunc = false;
		syms[k].value = 0;
		syms[k].obj[0] = 0;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(why, (size_t)whylen, "libelf: %s", elf_errmsg(-1));
		return -ENOSYS;
	}
	if ((rc = proc_auxv_get(pid, AT_PHDR, &at_phdr)) < 0 && rc != -ENOENT) {
		snprintf(why, (size_t)whylen, "cannot read auxv: %s", strerror(-rc));
		return rc;
	}
	proc_auxv_get(pid, AT_PHNUM, &phnum);
	proc_auxv_get(pid, AT_ENTRY, &img->entry);
	proc_auxv_get(pid, AT_BASE, &base);	/* absent in a static program */
	if (!at_phdr || !phnum || !img->entry) {
		snprintf(why, (size_t)whylen, "cannot read auxv: %s", strerror(EINVAL));
		return -EINVAL;
	}
	if ((rc = exe_layout(t, at_phdr, phnum, &has_interp, &bias, &has_bias, &dyn)) < 0) {
		snprintf(why, (size_t)whylen, "cannot read program headers: %s", strerror(-rc));
		return rc;
	}
	img->is_static = base == 0 && !has_interp;
	if (img->is_static)
		return static_symbols(t, open_fn, syms, n, img, why, whylen);
	img->bias = bias;
	if (!has_bias || !dyn) {
		snprintf(why, (size_t)whylen, "dynamic program without PT_PHDR/PT_DYNAMIC");
		return -ENOEXEC;
	}
	if ((rc = find_r_debug(t, bias + dyn, &r_debug)) < 0) {
		snprintf(why, (size_t)whylen, "no r_debug via DT_DEBUG (%s)", strerror(-rc));
		return rc;
	}
	if ((rc = walk_link_map(t, r_debug, open_fn, syms, n, img, why, whylen)) < 0)
		return rc;
	return exe_symtab(t, open_fn, syms, n, img, why, whylen);
}
