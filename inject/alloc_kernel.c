/* alloc_kernel.c - the kernel level of the alloc class: the syscalls that
 * take memory from the kernel fail the way the kernel fails them when it has
 * none left (RLIMIT_AS, strict overcommit, a full address space).
 *
 * Candidates (the only calls that are sites, and the only ones failed):
 *   mmap      anonymous and not MAP_FIXED (a fixed map over a reservation
 *             the program already holds is not where memory runs out)
 *   mremap    growing (new_size > old_size)
 *   mprotect  making memory writable: that is how glibc grows thread arenas
 *             and commits thread stacks, and where overcommit accounting
 *             charges a private mapping
 *   brk       growing the break; brk(0) queries never fail
 * mmap, mremap and mprotect fail with ENOMEM. brk never returns -ENOMEM (the
 * kernel does not; glibc's __brk would store it as the break and malloc
 * would write into unmapped memory, docs/kernel-facts.md#brk-failure): its
 * argument becomes 0, so the kernel returns the break unchanged, which is
 * its own failure result, and the tracer restores rdi at the exit stop for
 * __brk's check.
 *
 * Two faults at each site: ENOMEM fails that one call (glibc's malloc often
 * absorbs it: mmap fails -> brk, brk fails -> mmap(1 MiB), which is real
 * behaviour), exhaust fails it and every later candidate in the whole traced
 * tree until the run ends, which is what makes malloc return NULL at the
 * kernel level (docs/kernel-facts.md#malloc-null).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "inject/alloc_class.h"
#include "inject/inject_int.h"
#include "util/util.h"

static const struct fault mem_faults[] = {
	{ FT_ERRNO, ENOMEM, 0 },
	{ FT_EXHAUST, 0, 0 },
};

static bool is_brk(const struct syscall_stop *s)
{
	return strcmp(s->ent->name, "brk") == 0;
}

static int heap_cb(const struct proc_map *m, void *arg)
{
	if (strcmp(m->path, "[heap]") != 0)
		return 0;
	*(uint64_t *)arg = m->hi;
	return 1;
}

/* Where the break is when we never saw it: the end of the [heap] mapping
 * (the break rounded up to a page), else start_brk (no heap yet). Only the
 * first brk of an address space whose heap was set up before the hooks saw
 * syscalls (a library constructor,
 * docs/kernel-facts.md#constructors-before-entry) needs it; an in-page grow
 * is then missed, never a shrink taken for a grow. */
static int brk_estimate(pid_t pid, uint64_t *cur)
{
	char path[64], line[512];
	FILE *f;
	int field = 2;
	char *p;

	if (proc_maps_each(pid, heap_cb, cur) == 1)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	/* Fields after the command name start at 3; start_brk is 47. */
	for (; p && *p; p++)
		if (*p == ' ' && ++field == 47)
			return sscanf(p + 1, "%" SCNu64, cur) == 1 ? 0 : -EINVAL;
	return -EINVAL;
}

/* Is this call one that takes memory from the kernel? */
static bool candidate(struct tracer_task *t, struct alloc_mm *m, const struct syscall_stop *s)
{
	const char *n = s->ent->name;

	if (strcmp(n, "mmap") == 0)
		return (s->args[3] & MAP_ANONYMOUS) && !(s->args[3] & MAP_FIXED);
	if (strcmp(n, "mremap") == 0)
		return s->args[2] > s->args[1];
	if (strcmp(n, "mprotect") == 0)
		return (s->args[2] & PROT_WRITE) != 0;
	if (!is_brk(s) || s->args[0] == 0)
		return false;
	if (!m->brk_known) {
		uint64_t cur;

		if (brk_estimate(tracer_task_pid(t), &cur) < 0)
			return false;
		return s->args[0] > cur;
	}
	return s->args[0] > m->brk_cur;
}

/* Fail the call the kernel's way (see the top of the file). */
static int mem_fail(struct tracer_task *t, const struct syscall_stop *s)
{
	if (is_brk(s))
		return tracer_set_arg(t, 0, 0);
	return tracer_fail_syscall(t, ENOMEM);
}

struct fail_arg {
	struct alloc_run *run;
	const struct syscall_stop *s;
};

static int fail_cb(void *arg, struct tracer_task *t, struct fault *f)
{
	struct fail_arg *a = arg;
	int r = mem_fail(t, a->s);

	if (r == 0 && f->type == FT_EXHAUST)
		a->run->mem_exhausted = true;
	return r;
}

int alloc_kernel_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			    const struct syscall_stop *s)
{
	struct alloc_mm *m = inj_mm_state(t, cls);
	struct fail_arg a = { inj_run_state(inj, cls), s };
	struct inj_call c = { .cls = cls, .name = s->ent->name, .sc = s };

	if (!m)
		return 0;
	if (alloc_gate_on_mmap(m, t, s) < 0)
		return -EIO;
	/* Every brk, so the break is known when the next one comes (in a run
	 * that may fail one). */
	if (!a.run->mem_exhausted && !inj_may_fail(inj, c.name))
		return 0;
	if (is_brk(s))
		tracer_want_exit(t);
	/* A static program's start-up before main: glibc treats failures
	 * there as fatal by design (alloc_call.h); not the program's calls. */
	if (bp_mm_dormant(m->bp) || !candidate(t, m, s))
		return 0;
	/* Memory is gone for everyone until the run ends; logged once, at the
	 * call that exhausted it, counted every time. */
	if (a.run->mem_exhausted) {
		if (mem_fail(t, s) == 0)
			inj->counts[cls]++;
		return 0;
	}
	inj_decide(inj, t, &c, mem_faults, (int)ARRAY_SIZE(mem_faults), fail_cb, &a);
	return 0;
}

int alloc_kernel_on_exit(struct inject *inj, int cls, struct tracer_task *t,
			 const struct syscall_stop *s, int64_t ret)
{
	struct alloc_mm *m = inj_mm_state(t, cls);

	(void)inj;
	/* brk returns the break, moved or not; it has no error return. */
	if (m && s->ent && is_brk(s) && ret > 0) {
		m->brk_cur = (uint64_t)ret;
		m->brk_known = true;
	}
	return 0;
}
