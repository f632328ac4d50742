#include "config.h"

/* untrusted.c - modules the jailed target could have written.
 *
 * With the jail, a module whose file is not a regular, linked file on a
 * read-only mount (the jail's /usr, /lib*, /etc files and the program's
 * directory are read-only binds of host files; /tmp, /dev/shm and the
 * working directory are not) may have been written by the target: it is
 * hostile input. libdwfl gets no ELF for it, so libelf/libdw never parse
 * it in the tracer; its frames keep their module, offset and the build-id
 * read from memory by bounded code (sym_mem_build_id), and their names
 * come from the confined helper (symhelper.c). Answers are cached by
 * (build-id, address) for the whole campaign: every run maps the same
 * files, and a fork per address per run would add up.
 *
 * Without the jail the program runs with the user's own rights and
 * everything is parsed in-process, as before.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "symbols/symbols_int.h"
#include "util/util.h"

#define CACHE_SLOTS 2048	/* power of two; flushed when half full */

static bool jailed;

void unwind_set_untrusted_policy(bool jail, uid_t uid, gid_t gid)
{
	jailed = jail;
	symhelper_set_user(uid, gid);
}

bool untrusted_policy_on(void)
{
	return jailed;
}

bool unwind_file_trusted(int fd)
{
	return !jailed || untrusted_fd_is_safe(fd);
}

bool untrusted_fd_is_safe(int fd)
{
	struct statvfs vfs;
	struct stat st;

	/* A deleted file, a memfd, a fifo or device: not a host file. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink == 0)
		return false;
	return fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/* --- the campaign-wide answer cache --------------------------------- */

struct answer {
	bool used;
	uint8_t id_len;
	unsigned char id[BUILD_ID_MAX];
	uint64_t vaddr;
	struct sym_result r;
};

static struct answer *answers;
static size_t nanswers;

static size_t answer_slot(const unsigned char *id, size_t len, uint64_t vaddr)
{
	uint64_t h = 0xcbf29ce484222325ull ^ vaddr;

	for (size_t i = 0; i < len; i++)
		h = (h ^ id[i]) * 0x100000001b3ull;
	return (size_t)(h * 0x9E3779B97F4A7C15ull >> 32) & (CACHE_SLOTS - 1);
}

static struct answer *answer_find(const struct untrusted_mod *m, uint64_t vaddr, bool for_put)
{
	size_t i;

	if (!answers)
		answers = calloc(CACHE_SLOTS, sizeof(*answers));
	if (!answers)
		return NULL;
	for (i = answer_slot(m->id, m->id_len, vaddr); answers[i].used;
	     i = (i + 1) & (CACHE_SLOTS - 1))
		if (answers[i].vaddr == vaddr && answers[i].id_len == m->id_len &&
		    memcmp(answers[i].id, m->id, m->id_len) == 0)
			return &answers[i];
	return for_put ? &answers[i] : NULL;
}

/* Without a build-id the file is not identified across runs: not cached
 * here (the unwinder's own pc cache still holds it). */
static void answer_put(const struct untrusted_mod *m, uint64_t vaddr, const struct sym_result *r)
{
	struct answer *a;

	if (!m->id_len)
		return;
	if ((nanswers + 1) * 2 > CACHE_SLOTS && answers) {
		memset(answers, 0, CACHE_SLOTS * sizeof(*answers));
		nanswers = 0;
	}
	a = answer_find(m, vaddr, true);
	if (!a)
		return;
	if (!a->used)
		nanswers++;
	a->used = true;
	a->id_len = (uint8_t)m->id_len;
	memcpy(a->id, m->id, m->id_len);
	a->vaddr = vaddr;
	a->r = *r;
}

/* --- modules of one unwinder ---------------------------------------- */

static struct untrusted_mod *find(struct unwinder *u, Dwfl_Module *mod)
{
	for (int i = 0; i < u->nuntrusted; i++)
		if (u->untrusted[i].mod == mod)
			return &u->untrusted[i];
	return NULL;
}

static void drop(struct unwinder *u, int i)
{
	struct untrusted_mod *m = &u->untrusted[i];

	if (m->fd >= 0)
		close(m->fd);
	free(m->name);
	u->untrusted[i] = u->untrusted[--u->nuntrusted];
}

void untrusted_add(struct unwinder *u, Dwfl_Module *mod, const char *name, Dwarf_Addr base,
		   int fd)
{
	struct untrusted_mod *m = find(u, mod);

	/* libdwfl asks again only for a new module at a reused address. */
	if (m)
		drop(u, (int)(m - u->untrusted));
	if (u->nuntrusted == UNTRUSTED_MAX) {
		/* Its frames keep module and offset, without a name. */
		if (fd >= 0)
			close(fd);
		return;
	}
	m = &u->untrusted[u->nuntrusted];
	memset(m, 0, sizeof(*m));
	m->mod = mod;
	m->low = base;
	m->name = strdup(name);
	m->fd = fd;
	m->id_len = sym_mem_build_id(u->pid, base, m->id, &m->bias);
	u->nuntrusted++;
}

/* The helper's answer for addr in m: cached, asked, or false. */
static bool answer_for(struct untrusted_mod *m, Dwarf_Addr addr, struct sym_result *r)
{
	/* The file's own address: what the helper's libdwfl sees. */
	uint64_t vaddr = addr - m->bias;
	struct answer *a = m->id_len ? answer_find(m, vaddr, false) : NULL;
	struct symhelper_req req = {
		.fd = m->fd, .build_id = m->id_len ? m->id : NULL,
		.build_id_len = m->id_len, .vaddrs = &vaddr, .n = 1,
	};
	int64_t t0;
	int n;

	if (a) {
		*r = a->r;
		return true;
	}
	if (m->fd < 0 || m->failed)
		return false;
	t0 = mono_us();
	n = symhelper_run(&req, r);
	fz_debug("symhelper: %s+%#llx: %s %s:%d (%d, %lld us)", m->name,
		 (unsigned long long)vaddr, r->function, r->file, r->line, n,
		 (long long)(mono_us() - t0));
	if (n == 1) {
		answer_put(m, vaddr, r);
		return true;
	}
	if (n == -ETIMEDOUT || n == -ECHILD || n == -ESTALE)
		/* A hostile or replaced file: one try per module. */
		m->failed = true;
	return false;
}

void untrusted_fill(struct unwinder *u, Dwfl_Module *mod, Dwarf_Addr addr, struct frame *f)
{
	struct untrusted_mod *m = find(u, mod);
	struct sym_result r;

	if (!m)
		return;
	for (size_t i = 0; i < m->id_len && 2 * i + 2 < sizeof(f->build_id); i++)
		snprintf(f->build_id + 2 * i, 3, "%02x", m->id[i]);
	if (!answer_for(m, addr, &r))
		return;
	snprintf(f->function, sizeof(f->function), "%s", r.function);
	snprintf(f->file, sizeof(f->file), "%s", r.file);
	f->line = f->file[0] ? r.line : 0;
	f->symoff = f->file[0] ? 0 : r.symoff;
	f->inlined = (r.flags & SYMR_INLINED) != 0;
}

int untrusted_outside_cu(struct unwinder *u, Dwfl_Module *mod, Dwarf_Addr addr)
{
	struct untrusted_mod *m = find(u, mod);
	struct sym_result r;

	if (!m)
		return -ENOENT;
	if (!answer_for(m, addr, &r))
		return 0;
	return (r.flags & SYMR_DWARF) && !(r.flags & SYMR_IN_CU);
}

struct prune_arg {
	const struct untrusted_mod *m;
	bool found;
};

static int same_module(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start,
		       void *arg)
{
	struct prune_arg *p = arg;

	(void)userdata;
	if (mod == p->m->mod && start == p->m->low && p->m->name &&
	    strcmp(name, p->m->name) == 0) {
		p->found = true;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

void untrusted_prune(struct unwinder *u)
{
	for (int i = 0; i < u->nuntrusted;) {
		struct prune_arg p = { .m = &u->untrusted[i] };

		(void)dwfl_getmodules(u->dwfl, same_module, &p, 0);
		if (p.found)
			i++;
		else
			drop(u, i);
	}
}

void untrusted_free(struct unwinder *u)
{
	while (u->nuntrusted > 0)
		drop(u, 0);
}

/* --- the vdso ------------------------------------------------------- */

struct vdso_find {
	uint64_t start, hi;
};

static int find_vdso(const struct proc_map *m, void *arg)
{
	struct vdso_find *vf = arg;

	if (m->lo != vf->start || strcmp(m->path, "[vdso]") != 0)
		return 0;
	vf->hi = m->hi;
	return 1;
}

/* Our own vdso, copied once: the same kernel gives every 64-bit process
 * the same image, and this one the target cannot have written. */
static bool own_vdso(unsigned char **img, size_t *len, unsigned char *id, size_t *id_len)
{
	static unsigned char *copy, vid[BUILD_ID_MAX];
	static size_t copy_len, vid_len;
	static bool tried;
	unsigned long start = getauxval(AT_SYSINFO_EHDR);

	if (!tried && start) {
		struct vdso_find vf = { .start = start };

		tried = true;
		if (proc_maps_each(0, find_vdso, &vf) == 1) {
			copy = malloc(vf.hi - start);
			if (copy) {
				memcpy(copy, (const void *)start, vf.hi - start);
				copy_len = vf.hi - start;
			}
		}
		vid_len = copy ? sym_mem_build_id(getpid(), start, vid, NULL) : 0;
	}
	if (!copy || !vid_len)
		return false;
	*img = copy;
	*len = copy_len;
	memcpy(id, vid, vid_len);
	*id_len = vid_len;
	return true;
}

Elf *untrusted_vdso(pid_t pid, Dwarf_Addr base)
{
	unsigned char want[BUILD_ID_MAX], have[BUILD_ID_MAX], *img;
	size_t len, have_len, want_len = sym_mem_build_id(pid, base, want, NULL);

	if (!want_len || !own_vdso(&img, &len, have, &have_len) || have_len != want_len ||
	    memcmp(want, have, want_len) != 0)
		return NULL;
	/* Read only by libelf (an ET_DYN image needs no relocation), so one
	 * copy serves every unwinder. */
	return elf_memory((char *)img, len);
}
