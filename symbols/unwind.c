#include "config.h"

/* unwind.c - libdwfl unwinder for one traced address space, with caches.
 *
 * Loading libc's debug info costs ~40 ms and a cached stack ~20 us
 * (docs/kernel-facts.md#unwind-cost), so the Dwfl lives as long as the
 * address space and every symbolized pc is remembered.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "symbols/symbols_int.h"

#define CACHE_MIN_SLOTS 256
#define CACHE_MAX_SLOTS 32768
#define CALLER_MAX_DEPTH 256

static void cache_clear(struct unwinder *u)
{
	size_t i;

	for (i = 0; i < u->nslots; i++) {
		free(u->slots[i]);
		u->slots[i] = NULL;
	}
	u->nused = 0;
	u->nmods = 0;
}

static size_t slot_of(uint64_t key, size_t nslots)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (nslots - 1);
}

static struct pc_entry *cache_find(struct unwinder *u, uint64_t key)
{
	size_t i;

	if (!u->nslots)
		return NULL;
	for (i = slot_of(key, u->nslots); u->slots[i]; i = (i + 1) & (u->nslots - 1))
		if (u->slots[i]->key == key)
			return u->slots[i];
	return NULL;
}

static int cache_grow(struct unwinder *u)
{
	size_t n = u->nslots ? u->nslots * 2 : CACHE_MIN_SLOTS;
	struct pc_entry **slots;
	size_t i, j;

	if (n > CACHE_MAX_SLOTS) {
		/* A full cache is flushed rather than aged: simple, and rare. */
		cache_clear(u);
		return 0;
	}
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < u->nslots; i++) {
		if (!u->slots[i])
			continue;
		for (j = slot_of(u->slots[i]->key, n); slots[j]; j = (j + 1) & (n - 1))
			;
		slots[j] = u->slots[i];
	}
	free(u->slots);
	u->slots = slots;
	u->nslots = n;
	return 0;
}

/* Best effort: a frame that cannot be cached is still returned. */
static void cache_put(struct unwinder *u, uint64_t key, const struct frame *f, int n,
		      bool nomod)
{
	struct pc_entry *e;
	size_t i;

	if ((u->nused + 1) * 2 > u->nslots && cache_grow(u) < 0)
		return;
	e = malloc(sizeof(*e) + n * sizeof(*f));
	if (!e)
		return;
	e->key = key;
	e->nomod = nomod;
	e->n = n;
	memcpy(e->f, f, n * sizeof(*f));
	for (i = slot_of(key, u->nslots); u->slots[i]; i = (i + 1) & (u->nslots - 1))
		;
	u->slots[i] = e;
	u->nused++;
}

static int report_modules(struct unwinder *u)
{
	int r;

	dwfl_report_begin(u->dwfl);
	r = dwfl_linux_proc_report(u->dwfl, u->pid);
	if (dwfl_report_end(u->dwfl, NULL, NULL) != 0 && r == 0)
		r = -1;
	if (r > 0)
		return -r;
	if (r < 0)
		return -ESRCH;
	u->static_exe = -1;
	u->go_exe = -1;
	r = sym_tag_modules(u);
	untrusted_prune(u);
	return r;
}

int unwinder_new(pid_t pid, struct unwinder **out)
{
	struct unwinder *u;
	int r;

	*out = NULL;
	if (pid <= 0)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->pid = pid;
	u->cb.find_elf = sym_find_elf;
	u->cb.find_debuginfo = sym_find_debuginfo;
	u->debuginfo_path = sym_debuginfo_path();
	u->cb.debuginfo_path = &u->debuginfo_path;
	elf_version(EV_CURRENT);
	u->dwfl = dwfl_begin(&u->cb);
	if (!u->dwfl) {
		free(u);
		return -ENOMEM;
	}
	r = report_modules(u);
	if (r == 0) {
		/* Once per Dwfl: the tracer already holds the tasks stopped. */
		r = dwfl_linux_proc_attach(u->dwfl, pid, true);
		if (r > 0)
			r = -r;
		else if (r < 0)
			r = -EINVAL;
	}
	if (r < 0) {
		unwinder_free(u);
		return r;
	}
	*out = u;
	return 0;
}

void unwinder_free(struct unwinder *u)
{
	if (!u)
		return;
	cache_clear(u);
	free(u->slots);
	if (u->dwfl)
		dwfl_end(u->dwfl);
	untrusted_free(u);
	free(u);
}

static int mix_module(Dwfl_Module *mod, void **userdata, const char *name,
		      Dwarf_Addr start, void *arg)
{
	uint64_t *h = arg;
	Dwarf_Addr end = 0;

	dwfl_module_info(mod, NULL, NULL, &end, NULL, NULL, NULL, NULL);
	*h = (*h ^ (uintptr_t)mod ^ start * 31 ^ end * 131) * 0x100000001b3ull;
	for (; name && *name; name++)
		*h = (*h ^ (unsigned char)*name) * 0x100000001b3ull;
	return DWARF_CB_OK;
}

/* Same modules at the same addresses (libdwfl reuses the objects of the
 * modules reported again) means every cached lookup is still right. */
static uint64_t modules_fingerprint(Dwfl *dwfl)
{
	uint64_t h = 0xcbf29ce484222325ull;

	if (dwfl_getmodules(dwfl, mix_module, &h, 0) < 0)
		return 0;
	return h;
}

void unwinder_refresh(struct unwinder *u)
{
	uint64_t before;

	if (!u)
		return;
	before = modules_fingerprint(u->dwfl);
	/* A failure leaves no modules: frames then come back as "??". */
	if (report_modules(u) < 0 || before != modules_fingerprint(u->dwfl) || !before)
		/* Old pcs may now belong to other modules; modules may be freed. */
		cache_clear(u);
}

static bool module_is_system(struct unwinder *u, Dwfl_Module *mod)
{
	const char *name;
	bool sys;
	int i;

	for (i = 0; i < u->nmods; i++)
		if (u->mods[i].mod == mod)
			return u->mods[i].system;
	name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	sys = unwind_is_system_module(name);
	if (u->nmods < MOD_CACHE_MAX) {
		u->mods[u->nmods].mod = mod;
		u->mods[u->nmods].system = sys;
		u->nmods++;
	}
	return sys;
}

static int find_loader(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start,
		       void *arg)
{
	const char *b = name ? strrchr(name, '/') : NULL;

	(void)mod, (void)userdata, (void)start;
	b = b ? b + 1 : name;
	if (b && strncmp(b, "ld-", 3) == 0) {
		*(bool *)arg = true;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

static bool is_static(struct unwinder *u)
{
	bool loader = false;

	if (u->static_exe < 0) {
		dwfl_getmodules(u->dwfl, find_loader, &loader, 0);
		u->static_exe = !loader;
	}
	return u->static_exe;
}

/* A Go function of the standard library or runtime: its import path's
 * first element has no dot ("time.now", "net/http.(*Server).Serve"), as
 * opposed to the program's ("main.f", "example.com/m/pkg.f"). */
static bool go_std(const char *name)
{
	size_t n = strcspn(name, "/");

	if (strncmp(name, "main.", 5) == 0)
		return false;
	return name[n] != '/' || memchr(name, '.', n) == NULL;
}

/* Is this static executable a Go program (it defines runtime.main)? */
static bool is_go(struct unwinder *u, Dwfl_Module *mod)
{
	if (u->go_exe < 0) {
		int n = dwfl_module_getsymtab(mod);

		u->go_exe = 0;
		for (int i = 1; i < n && !u->go_exe; i++) {
			GElf_Sym sym;
			const char *name = dwfl_module_getsym(mod, i, &sym, NULL);

			u->go_exe = name && strcmp(name, "runtime.main") == 0;
		}
	}
	return u->go_exe;
}

/* In a static program, glibc's code is part of the executable: a pc there
 * is a system frame when the executable has line information (it was
 * built with -g) but not for this pc (libc.a carries none). Without any
 * line information nothing can be told apart, and nothing is. */
static bool static_libc_pc(struct unwinder *u, Dwfl_Module *mod, Dwarf_Addr addr)
{
	Dwarf_Addr bias, cubias;
	Dwarf_Die *cu;

	if (!is_static(u))
		return false;
	if (is_go(u, mod)) {
		const char *name = dwfl_module_addrname(mod, addr);

		return !name || go_std(name);
	}
	/* An untrusted program (jail): the helper says, libdw here never. */
	if (!dwfl_module_getdwarf(mod, &bias))
		return untrusted_outside_cu(u, mod, addr) == 1;
	/* Not "no nearest line" (libdw finds one for any address), but no
	 * compilation unit of the program covering it. */
	cu = dwfl_module_addrdie(mod, addr, &cubias);
	return !cu || dwarf_haspc(cu, addr - cubias) <= 0;
}

static bool pc_is_system(struct unwinder *u, Dwfl_Module *mod, Dwarf_Addr addr)
{
	return module_is_system(u, mod) || static_libc_pc(u, mod, addr);
}

/* pc's inline chain into f[0..max), its length in *n. Returns 0, -ENOENT
 * (no module, cached; f[0] unknown), or 1: no module and not yet known to
 * be unmapped, so a refresh may help. */
static int lookup(struct unwinder *u, uint64_t pc, bool is_return, struct frame *f, int max,
		  int *n, bool may_refresh)
{
	uint64_t key = pc << 1 | is_return;
	uint64_t addr = is_return && pc ? pc - 1 : pc;
	struct pc_entry *e = cache_find(u, key);
	struct frame chain[INLINE_MAX];
	Dwfl_Module *mod;
	int k;

	if (e) {
		*n = e->n < max ? e->n : max;
		memcpy(f, e->f, *n * sizeof(*f));
		return e->nomod ? -ENOENT : 0;
	}
	mod = dwfl_addrmodule(u->dwfl, addr);
	k = sym_fill(mod, pc, is_return, chain, INLINE_MAX);
	if (k < 1)
		k = 1;
	if (mod && !chain[k - 1].system && !chain[k - 1].file[0] &&
	    static_libc_pc(u, mod, addr))
		chain[k - 1].system = true;
	*n = k < max ? k : max;
	memcpy(f, chain, *n * sizeof(*f));
	if (!mod && may_refresh)
		return 1;
	cache_put(u, key, chain, k, !mod);
	return mod ? 0 : -ENOENT;
}

/* The innermost non-system level of a chain (the site's caller), or the
 * innermost when all are system. */
static const struct frame *first_own(const struct frame *f, int n)
{
	for (int i = 0; i < n; i++)
		if (!f[i].system)
			return &f[i];
	return &f[0];
}

static int lookup_one(struct unwinder *u, uint64_t pc, bool is_return, struct frame *f,
		      bool may_refresh)
{
	struct frame chain[INLINE_MAX];
	int n = 1, r = lookup(u, pc, is_return, chain, INLINE_MAX, &n, may_refresh);

	*f = *first_own(chain, n);
	return r;
}

Dwfl_Module *sym_addrmodule(struct unwinder *u, uint64_t pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(u->dwfl, pc);

	if (!mod) {
		unwinder_refresh(u);
		mod = dwfl_addrmodule(u->dwfl, pc);
	}
	return mod;
}

int unwinder_pc_is_system(struct unwinder *u, uint64_t pc)
{
	Dwfl_Module *mod = sym_addrmodule(u, pc);

	if (!mod)
		return -ENOENT;
	return pc_is_system(u, mod, pc) ? 1 : 0;
}

int unwinder_symbolize(struct unwinder *u, uint64_t pc, bool is_return, struct frame *f)
{
	int r = lookup_one(u, pc, is_return, f, true);

	if (r == 1) {
		unwinder_refresh(u);
		r = lookup_one(u, pc, is_return, f, false);
	}
	return r;
}

struct walk {
	struct unwinder *u;
	struct frame *frames;	/* stack mode; NULL in caller mode */
	struct frame *caller;	/* caller mode: up to ncallers_max of them */
	int ncallers, ncallers_max;
	int max, n;
	bool may_refresh;
	bool need_refresh;
	bool found;
	bool first_return;	/* the first pc is a return address (bad_pc.c) */
};

static int walk_stack_cb(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool act;

	int k = 1;

	if (!dwfl_frame_pc(state, &pc, &act))
		return DWARF_CB_ABORT;
	if (w->first_return)
		act = w->first_return = false;
	if (lookup(w->u, pc, !act, &w->frames[w->n], w->max - w->n, &k, w->may_refresh) == 1)
		w->need_refresh = true;
	w->n += k;
	return w->n >= w->max ? DWARF_CB_ABORT : DWARF_CB_OK;
}

static int walk_caller_cb(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwfl_Module *mod;
	Dwarf_Addr pc;
	bool act;

	if (!dwfl_frame_pc(state, &pc, &act))
		return DWARF_CB_ABORT;
	mod = dwfl_addrmodule(w->u->dwfl, act || !pc ? pc : pc - 1);
	if (!mod) {
		/* Maybe a new dlopen: refresh once. Code outside every module
		 * (JIT, a stray pc) cannot be a site: walk past it. */
		if (lookup_one(w->u, pc, !act, &w->caller[w->ncallers], w->may_refresh) == 1) {
			w->need_refresh = true;
			return DWARF_CB_ABORT;
		}
	} else if (!pc_is_system(w->u, mod, act || !pc ? pc : pc - 1)) {
		/* One entry per physical frame: its innermost own function,
		 * inlined or not (a path element is a return address). */
		lookup_one(w->u, pc, !act, &w->caller[w->ncallers++], false);
		w->found = true;
		if (w->ncallers >= w->ncallers_max)
			return DWARF_CB_ABORT;
	}
	/* Hot path: system frames are classified, never symbolized. */
	return ++w->n >= CALLER_MAX_DEPTH ? DWARF_CB_ABORT : DWARF_CB_OK;
}

/* When libdwfl cannot even start (no CFI for the top pc, odd state), the
 * registers still give frame 0. */
static int top_frame(struct unwinder *u, pid_t tid, struct frame *f)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return -errno;
	(void)unwinder_symbolize(u, regs.rip, false, f);
	return 1;
}

int unwinder_stack(struct unwinder *u, pid_t tid, struct frame *frames, int max)
{
	struct walk w = { .u = u, .frames = frames, .max = max, .may_refresh = true };
	struct user_regs_struct saved;
	int bad, r;

	if (!u || !frames || max <= 0)
		return -EINVAL;
	/* A call through a bad pointer: frame 0 is the bad pc, the walk
	 * starts from the caller's registers. */
	bad = sym_bad_pc_enter(u, tid, &saved);
	if (bad == 1) {
		(void)unwinder_symbolize(u, saved.rip, false, frames);
		w.n = 1;
	}
	w.first_return = bad == 1;
	if (w.n < max)
		(void)dwfl_getthread_frames(u->dwfl, tid, walk_stack_cb, &w);
	if (w.need_refresh) {
		unwinder_refresh(u);
		w.n = bad == 1;
		w.first_return = bad == 1;
		w.may_refresh = false;
		w.need_refresh = false;
		(void)dwfl_getthread_frames(u->dwfl, tid, walk_stack_cb, &w);
	}
	if (bad == 1 && (r = sym_bad_pc_leave(tid, &saved)) < 0)
		return r;
	/* libdwfl reports an error at the end of many stacks (no CFI for
	 * _start, ...): the frames before it are good. */
	if (w.n > 0)
		return w.n;
	return top_frame(u, tid, frames);
}

/* The first max frames outside the system modules; *depth is the last
 * one's depth. Returns how many, or -errno. */
/* A Go program whose CFI walk found no frame of its own: follow the frame
 * pointers. Go's runtime reads the clock on the g0 stack (its CFI then
 * describes the wrong stack) but keeps rbp chained through every frame,
 * and its DWARF (no .debug_aranges) does not tell its own code from the
 * runtime's, so the names do: a frame outside Go's standard library is
 * the program's. Only while each link looks like a frame (rising,
 * aligned, returning into a module). */
static void go_fp_callers(struct unwinder *u, pid_t tid, struct walk *w)
{
	struct user_regs_struct regs;
	uint64_t bp, link[2];
	const char *top;
	Dwfl_Module *mod;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return;
	mod = dwfl_addrmodule(u->dwfl, regs.rip);
	top = mod ? dwfl_module_addrname(mod, regs.rip) : NULL;
	/* Where Go makes its raw syscalls (time.now is assembly too). */
	if (!top || (strncmp(top, "runtime.", 8) != 0 && strncmp(top, "time.", 5) != 0 &&
		     strncmp(top, "syscall.", 8) != 0))
		return;
	bp = regs.rbp;
	for (int i = 0; i < CALLER_MAX_DEPTH && !(bp & 7) && bp; i++) {
		const char *name;

		errno = 0;
		link[0] = (uint64_t)ptrace(PTRACE_PEEKDATA, tid, (void *)bp, NULL);
		link[1] = (uint64_t)ptrace(PTRACE_PEEKDATA, tid, (void *)(bp + 8), NULL);
		if (errno || !link[1])
			return;
		mod = dwfl_addrmodule(u->dwfl, link[1] - 1);
		name = mod ? dwfl_module_addrname(mod, link[1] - 1) : NULL;
		if (!name)
			return;
		if (!go_std(name)) {
			lookup_one(u, link[1], true, &w->caller[w->ncallers++], false);
			w->found = true;
			if (w->ncallers >= w->ncallers_max)
				return;
		}
		w->n++;
		if (link[0] <= bp)
			return;
		bp = link[0];
	}
}

static int callers(struct unwinder *u, pid_t tid, struct frame *caller, int max, int *depth)
{
	struct walk w = { .u = u, .caller = caller, .ncallers_max = max, .may_refresh = true };
	int r;

	if (!u || !caller || max <= 0)
		return -EINVAL;
	r = dwfl_getthread_frames(u->dwfl, tid, walk_caller_cb, &w);
	if (w.need_refresh) {
		unwinder_refresh(u);
		w.n = 0;
		w.ncallers = 0;
		w.found = false;
		w.may_refresh = false;
		w.need_refresh = false;
		r = dwfl_getthread_frames(u->dwfl, tid, walk_caller_cb, &w);
	}
	if (!w.found && is_static(u))
		go_fp_callers(u, tid, &w);
	*depth = w.n;
	if (w.found)
		return w.ncallers;
	/* Nothing but system frames, or libdwfl could not start at all. */
	if (r < 0 && w.n == 0) {
		struct user_regs_struct regs;

		if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
			return -errno;
		return -EINVAL;
	}
	return -ENOENT;
}

int unwinder_caller(struct unwinder *u, pid_t tid, struct frame *caller)
{
	int depth, r = callers(u, tid, caller, 1, &depth);

	return r < 0 ? r : depth;
}

int unwinder_callers(struct unwinder *u, pid_t tid, struct frame *caller, int max)
{
	int depth;

	return callers(u, tid, caller, max, &depth);
}
