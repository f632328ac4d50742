/* restore.c - in-place restore (restore.h): a process put back to an
 * armed state by copying back the pages it wrote, found with
 * userfaultfd's async write-protection and PAGEMAP_SCAN, and undoing its
 * break, mappings and descriptors with calls of its own
 * (kernel-facts.md#in-place-restore). */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/kcmp.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/restore_int.h"
#include "tracer/tracer_int.h"
#include "util/util.h"

static bool rs_tracked(const struct map *m);

/* Does [lo, lo + len) meet a mapping of the snapshot (untracked ones
 * only when untracked)? */
static bool meets_snapshot(const struct tracer_restore *r, uint64_t lo, uint64_t len,
			   bool untracked)
{
	uint64_t hi = lo + len < lo ? UINT64_MAX : lo + len;

	for (int i = 0; i < r->nmaps; i++)
		if (r->maps[i].lo < hi && lo < r->maps[i].hi && (!untracked || !rs_tracked(&r->maps[i])))
			return true;
	return false;
}

int tracer_restore_note(struct tracer_restore *r, long nr, const uint64_t args[6])
{
	if (!r)
		return -EINVAL;
	switch (nr) {
	case SYS_rt_sigaction:
		if (!args[1])
			return 0;	/* read only */
		if (args[0] < 1 || args[0] > NSIG_K)
			return 0;	/* EINVAL for it */
		r->sa_changed |= 1ULL << (args[0] - 1);
		return 0;
	case SYS_sigaltstack:
		r->altstack_changed |= args[0] != 0;
		return 0;
	case SYS_fcntl:
		r->fdflags_changed |= (int)args[1] == F_SETFD;
		return 0;
	case SYS_ioctl:
		r->fdflags_changed |= args[1] == FIOCLEX || args[1] == FIONCLEX;
		return 0;
	case SYS_mmap:	/* a new mapping over the snapshot's is not tracked */
		r->maps_changed = true;
		return (args[3] & MAP_FIXED) && meets_snapshot(r, args[0], args[1], false) ?
			       -EAGAIN : 0;
	case SYS_mremap:
		r->maps_changed = true;
		return (args[3] & MREMAP_FIXED) && meets_snapshot(r, args[4], args[2], false) ?
			       -EAGAIN : 0;
	case SYS_mprotect:
	case SYS_pkey_mprotect:	/* writes to a mapping nobody tracks */
		r->maps_changed = true;
		return (args[2] & PROT_WRITE) && meets_snapshot(r, args[0], args[1], true) ?
			       -EAGAIN : 0;
	case SYS_munmap:
		r->maps_changed = true;
		return 0;
	case SYS_brk:	/* below the snapshot's break: its heap cut */
		r->maps_changed |= args[0] && args[0] < r->brk;
		return 0;
	}
	return -EINVAL;
}

/* --- The process's mappings and descriptors ------------------------------ */

struct maps_read {
	struct map *m;
	int n, cap;
};

static int map_cb(const struct proc_map *pm, void *arg)
{
	struct maps_read *mr = arg;
	struct map *m;

	if (mr->n == mr->cap) {
		int cap = mr->cap ? mr->cap * 2 : 64;

		if (!(m = reallocarray(mr->m, (size_t)cap, sizeof(*m))))
			return -ENOMEM;
		mr->m = m;
		mr->cap = cap;
	}
	m = &mr->m[mr->n++];
	*m = (struct map){ .lo = pm->lo, .hi = pm->hi, .offset = pm->offset, .inode = pm->inode,
			   .kind = !strcmp(pm->path, "[heap]") ? MK_HEAP :
				   !strcmp(pm->path, "[stack]") ? MK_STACK : MK_PLAIN };
	memcpy(m->perms, pm->perms, sizeof(m->perms));
	return 0;
}

static int read_maps(pid_t tid, struct map **out, int *n)
{
	struct maps_read mr = { 0 };
	int e = proc_maps_each(tid, map_cb, &mr);

	if (e < 0) {
		free(mr.m);
		return e;
	}
	*out = mr.m;
	*n = mr.n;
	return 0;
}

static bool same_map(const struct map *a, const struct map *b)
{
	return a->lo == b->lo && a->hi == b->hi && a->offset == b->offset && a->inode == b->inode &&
	       !strcmp(a->perms, b->perms);
}

/* Written by the process alone, never shared: what a restore copies. */
static bool rs_tracked(const struct map *m)
{
	return m->perms[0] == 'r' && m->perms[1] == 'w' && m->perms[3] == 'p';
}

/* --- Arming --------------------------------------------------------------- */

/* The process's own userfaultfd, ours through pidfd_getfd, its copy
 * closed: the descriptor table is as before. */
static int take_uffd(struct tracer_restore *r, char *why, size_t whylen)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
	int64_t fd, ret;
	int pfd, e;

	if ((e = rs_call(r, SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0, 0, &fd)) < 0)
		return rs_fail(e, why, whylen, "cannot make a call in the process: %s", strerror(-e));
	if (fd < 0)
		return rs_fail(-ENOTSUP, why, whylen, "userfaultfd in the process: %s", strerror((int)-fd));
	pfd = (int)syscall(SYS_pidfd_open, r->tid, 0);
	r->uffd = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, (int)fd, 0);
	e = r->uffd < 0 ? -errno : 0;
	if (pfd >= 0)
		close(pfd);
	if (rs_call(r, SYS_close, (uint64_t)fd, 0, 0, &ret) < 0 || e < 0)
		return rs_fail(e < 0 ? e : -EIO, why, whylen, "cannot take the process's userfaultfd");
	if (ioctl(r->uffd, UFFDIO_API, &api) < 0 ||
	    (api.features & UFFD_FEATURE_WP_ASYNC) != UFFD_FEATURE_WP_ASYNC)
		return rs_fail(-ENOTSUP, why, whylen,
			    "userfaultfd has no async write-protection (WP_ASYNC, Linux 6.7)");
	return 0;
}

static int wp(int uffd, uint64_t lo, uint64_t len)
{
	struct uffdio_writeprotect w = { .range = { lo, len }, .mode = UFFDIO_WRITEPROTECT_MODE_WP };

	return ioctl(uffd, UFFDIO_WRITEPROTECT, &w) < 0 ? -errno : 0;
}

/* Each writable private mapping: registered, its bytes copied, protected. */
static int track(struct tracer_restore *r, char *why, size_t whylen)
{
	if (r->nmaps <= 0)	/* no mapping: read_maps found none */
		return rs_fail(-EIO, why, whylen, "no mappings in /proc/%d/maps", (int)r->tid);
	if (!(r->reg = calloc((size_t)r->nmaps, sizeof(*r->reg))))
		return -ENOMEM;
	for (int i = 0; i < r->nmaps; i++) {
		const struct map *m = &r->maps[i];
		struct uffdio_register reg = { .range = { m->lo, m->hi - m->lo },
					       .mode = UFFDIO_REGISTER_MODE_WP };
		struct region *g = &r->reg[r->nreg];
		int e;

		if (!rs_tracked(m))
			continue;
		if (ioctl(r->uffd, UFFDIO_REGISTER, &reg) < 0)
			return rs_fail(-ENOTSUP, why, whylen, "cannot track writes to %#llx-%#llx: %s",
				    (unsigned long long)m->lo, (unsigned long long)m->hi,
				    strerror(errno));
		*g = (struct region){ .lo = m->lo, .hi = m->hi };
		r->nreg++;
		if (!r->src) {
			struct iovec l, rm = { (void *)g->lo, g->hi - g->lo };

			if (!(g->data = malloc(m->hi - m->lo)))
				return -ENOMEM;
			l = (struct iovec){ g->data, g->hi - g->lo };
			if (process_vm_readv(r->tid, &l, 1, &rm, 1, 0) != (ssize_t)(g->hi - g->lo))
				return rs_fail(-EIO, why, whylen, "cannot read %#llx-%#llx",
					    (unsigned long long)g->lo, (unsigned long long)g->hi);
		}
		if ((e = wp(r->uffd, g->lo, g->hi - g->lo)) < 0)
			return rs_fail(e, why, whylen, "cannot write-protect %#llx-%#llx: %s",
				    (unsigned long long)g->lo, (unsigned long long)g->hi, strerror(-e));
		r->st.bytes += g->hi - g->lo;
		r->st.regions++;
	}
	return 0;
}

int tracer_restore_arm(pid_t tid, const struct user_regs_struct *start, uint64_t insn,
		       const struct tracer_restore_from *from, struct tracer_restore **out, char *why,
		       size_t whylen)
{
	struct tracer_restore *r = calloc(1, sizeof(*r));
	struct iovec iov;
	char path[64];
	int e;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->tid = tid;
	r->uffd = r->pagemap = r->schedstat = r->statm = -1;
	r->start = *start;
	r->insn = insn;
	r->donor = from ? from->fds : 0;
	r->src = from ? from->mem : 0;
	if (r->src && !(r->scratch = malloc(BATCH_BYTES))) {
		free(r);
		return -ENOMEM;
	}
	iov = (struct iovec){ r->xstate, sizeof(r->xstate) };
	if (ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &iov) < 0 ||
	    ptrace(PTRACE_GETSIGMASK, tid, sizeof(r->sigmask), &r->sigmask) < 0) {
		e = rs_fail(-errno, why, whylen, "cannot read the registers: %s", strerror(errno));
		goto out;
	}
	r->xlen = iov.iov_len;
	if ((e = rs_call(r, SYS_brk, 0, 0, 0, (int64_t *)&r->brk)) < 0) {
		e = rs_fail(e, why, whylen, "cannot make a call in the process: %s", strerror(-e));
		goto out;
	}
	if ((e = take_uffd(r, why, whylen)) < 0)
		goto out;
	/* Before the pages are protected: its scratch writes are no run's. */
	if ((e = rs_save_signals(r)) < 0) {
		e = rs_fail(e, why, whylen, "cannot read its signal handlers: %s", strerror(-e));
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)tid);
	if ((r->pagemap = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = rs_fail(-errno, why, whylen, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	/* Best effort: only what tracer_restore_usage reports. */
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)tid);
	r->schedstat = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)tid);
	r->statm = open(path, O_RDONLY | O_CLOEXEC);
	if ((e = read_maps(tid, &r->maps, &r->nmaps)) < 0 ||
	    (e = rs_read_fds(tid, true, &r->fds, &r->nfds)) < 0) {
		e = rs_fail(e, why, whylen, "cannot read /proc/%d: %s", (int)tid, strerror(-e));
		goto out;
	}
	if ((e = rs_grab_fds(r, why, whylen)) < 0)
		goto out;
	for (int i = 0; i < r->nmaps; i++)
		if (r->maps[i].kind == MK_STACK)
			r->stack_lo = r->maps[i].lo;
	if ((e = track(r, why, whylen)) < 0)
		goto out;
	if (r->nreg) {
		struct pm_scan_arg a = { .size = sizeof(a), .start = r->reg[0].lo,
					 .end = r->reg[0].hi, .vec = (uintptr_t)r->vec,
					 .vec_len = 1, .category_mask = PAGE_IS_WRITTEN,
					 .return_mask = PAGE_IS_WRITTEN };

		if (ioctl(r->pagemap, PAGEMAP_SCAN, &a) < 0) {
			e = rs_fail(-ENOTSUP, why, whylen, "no PAGEMAP_SCAN (Linux 6.7): %s",
				 strerror(errno));
			goto out;
		}
	}
	if (ptrace(PTRACE_SETREGS, tid, 0, &r->start) < 0) {
		e = -errno;
		goto out;
	}
	*out = r;
	return 0;
out:
	tracer_restore_free(r);
	return e;
}

int tracer_restore_park(struct tracer_restore *r)
{
	int status, e;

	if (ptrace(PTRACE_POKEUSER, r->tid, offsetof(struct user_regs_struct, orig_rax), -1L) < 0 ||
	    ptrace(PTRACE_SYSCALL, r->tid, 0, 0) < 0)
		return -errno;
	for (;;) {
		if ((e = tracer_wait_stop(r->tid, &status)) < 0)
			return e;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			return 0;
		/* From a seccomp stop, the entry stop comes first. */
		if ((unsigned)status >> 16 != PTRACE_EVENT_SECCOMP && WSTOPSIG(status) != SIGTRAP)
			return -EAGAIN;
		if (ptrace(PTRACE_SYSCALL, r->tid, 0, 0) < 0)
			return -errno;
	}
}

/* --- Restoring ------------------------------------------------------------ */

/* Compare the mappings with the snapshot's; unmap the run's own. The
 * stack may have grown (below its end: dead stack), the heap too (the
 * break goes back); anything else of the snapshot must be as it was. */
static int restore_maps(struct tracer_restore *r, bool brk_moved, char *why, size_t whylen)
{
	struct map *cur = NULL;
	int n = 0, i = 0, j = 0, e;
	int64_t ret;

	if ((e = read_maps(r->tid, &cur, &n)) < 0)
		return rs_fail(e, why, whylen, "cannot read its mappings: %s", strerror(-e));
	while (i < n || j < r->nmaps) {
		const struct map *c = i < n ? &cur[i] : NULL, *s = j < r->nmaps ? &r->maps[j] : NULL;

		if (c && s && s->kind == MK_STACK && c->kind == MK_STACK && c->hi == s->hi &&
		    c->lo < s->lo) {
			/* Grown: the part below is the run's (a fork's child
			 * would find fresh zeros there), unmapped. */
			if ((e = rs_call(r, SYS_munmap, c->lo, s->lo - c->lo, 0, &ret)) < 0 || ret < 0) {
				e = rs_fail(e < 0 ? e : -EAGAIN, why, whylen, "cannot shrink the stack");
				goto out;
			}
			r->st.unmapped++;
			i++, j++;
		} else if (c && s && (same_map(c, s) ||
			       (s->kind == MK_HEAP && c->kind == MK_HEAP && c->lo == s->lo &&
				c->hi >= s->hi && brk_moved))) {
			i++, j++;
		} else if (c && (!s || c->hi <= s->lo)) {
			/* The run's own: a heap the break made is undone by it. */
			if (c->kind != MK_HEAP || !brk_moved) {
				if ((e = rs_call(r, SYS_munmap, c->lo, c->hi - c->lo, 0, &ret)) < 0 || ret < 0) {
					e = rs_fail(e < 0 ? e : -EAGAIN, why, whylen,
						 "cannot unmap %#llx-%#llx",
						 (unsigned long long)c->lo, (unsigned long long)c->hi);
					goto out;
				}
				r->st.unmapped++;
			}
			i++;
		} else {
			e = rs_fail(-EAGAIN, why, whylen, "mapping %#llx-%#llx %s %s",
				 (unsigned long long)s->lo, (unsigned long long)s->hi, s->perms,
				 c && c->lo < s->hi ? "changed" : "gone");
			goto out;
		}
	}
	e = 0;
out:
	free(cur);
	return e;
}

/* A batch of written ranges: copied back, then protected again (the
 * copy itself unprotected them). From the source process, its bytes go
 * through scratch, BATCH_BYTES at most. */

struct batch {
	struct iovec l[IOV_N], rm[IOV_N];
	int k;
	size_t bytes;
};

static int flush(struct tracer_restore *r, struct batch *b)
{
	unsigned long k = (unsigned long)b->k;

	if (b->k && r->src && process_vm_readv(r->src, b->l, k, b->rm, k, 0) != (ssize_t)b->bytes)
		return -EIO;
	if (b->k && process_vm_writev(r->tid, b->l, k, b->rm, k, 0) != (ssize_t)b->bytes)
		return -EIO;
	for (int x = 0; x < b->k; x++) {
		int e = wp(r->uffd, (uint64_t)b->rm[x].iov_base, b->rm[x].iov_len);

		if (e < 0)
			return e;
	}
	b->k = 0;
	b->bytes = 0;
	return 0;
}

/* [a, z) of region g into the batch, in pieces that fit. */
static int add(struct tracer_restore *r, struct batch *b, const struct region *g, uint64_t a,
	       uint64_t z)
{
	int e;

	while (a < z) {
		size_t len = z - a;

		if (b->k == IOV_N || (r->src && b->bytes == BATCH_BYTES)) {
			if ((e = flush(r, b)) < 0)
				return e;
		}
		if (r->src && len > BATCH_BYTES - b->bytes)
			len = BATCH_BYTES - b->bytes;
		b->l[b->k] = (struct iovec){ r->src ? r->scratch + b->bytes : g->data + (a - g->lo),
					     len };
		b->rm[b->k] = (struct iovec){ (void *)a, len };
		b->k++;
		b->bytes += len;
		r->st.pages += (long)(len / 4096);
		a += len;
	}
	return 0;
}

/* The scan's written ranges, clipped to the snapshot's regions (a grown
 * stack's new part is none of them), back as they were. */
static int put_back(struct tracer_restore *r, const struct page_region *v, int nv)
{
	struct batch b = { .k = 0, .bytes = 0 };
	int g = 0, e;

	for (int i = 0; i < nv; i++) {
		while (g < r->nreg && r->reg[g].hi <= v[i].start)
			g++;
		for (int h = g; h < r->nreg && r->reg[h].lo < v[i].end; h++) {
			uint64_t a = v[i].start > r->reg[h].lo ? v[i].start : r->reg[h].lo;
			uint64_t z = v[i].end < r->reg[h].hi ? v[i].end : r->reg[h].hi;

			if (a < z && (e = add(r, &b, &r->reg[h], a, z)) < 0)
				return e;
		}
	}
	return flush(r, &b);
}

static int restore_memory(struct tracer_restore *r, char *why, size_t whylen)
{
	uint64_t at, end;
	int e;

	if (!r->nreg)
		return 0;
	at = r->reg[0].lo;
	end = r->reg[r->nreg - 1].hi;
	while (at < end) {
		struct pm_scan_arg a = { .size = sizeof(a), .start = at, .end = end,
					 .vec = (uintptr_t)r->vec, .vec_len = VEC_N,
					 .category_mask = PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN,
					 .return_mask = PAGE_IS_WRITTEN };
		long nv = ioctl(r->pagemap, PAGEMAP_SCAN, &a);

		if (nv < 0)
			return rs_fail(-errno, why, whylen, "PAGEMAP_SCAN: %s", strerror(errno));
		if ((e = put_back(r, r->vec, (int)nv)) < 0)
			return rs_fail(e, why, whylen, "cannot write its memory back: %s", strerror(-e));
		if (a.walk_end <= at)
			break;
		at = a.walk_end;
	}
	return 0;
}

/* Did the stack grow below its snapshot start? Then the byte below is
 * mapped (a remote read never grows a stack). */
static bool stack_grew(const struct tracer_restore *r)
{
	uint8_t b;
	struct iovec l = { &b, 1 }, rm = { (void *)(r->stack_lo - 1), 1 };

	return !r->stack_lo || process_vm_readv(r->tid, &l, 1, &rm, 1, 0) == 1;
}

int tracer_restore_apply(struct tracer_restore *r, unsigned flags, char *why, size_t whylen)
{
	struct iovec iov = { r->xstate, r->xlen };
	bool brk_moved = flags & TRACER_RESTORE_BRK;
	int64_t ret;
	int e;

	if ((!(flags & TRACER_RESTORE_NOTED) || r->maps_changed || stack_grew(r)) &&
	    (e = restore_maps(r, brk_moved, why, whylen)) < 0)
		return e;
	r->maps_changed = false;
	if (brk_moved && ((e = rs_call(r, SYS_brk, r->brk, 0, 0, &ret)) < 0 || (uint64_t)ret != r->brk))
		return rs_fail(e < 0 ? e : -EAGAIN, why, whylen, "cannot move the break back");
	/* The handlers first: their scratch page is then put back too. */
	if ((e = rs_restore_signals(r, why, whylen)) < 0 || (e = rs_restore_fds(r, why, whylen)) < 0 ||
	    (e = rs_restore_fdflags(r, why, whylen)) < 0 || (e = restore_memory(r, why, whylen)) < 0)
		return e;
	if (ptrace(PTRACE_SETREGS, r->tid, 0, &r->start) < 0 ||
	    ptrace(PTRACE_SETREGSET, r->tid, NT_X86_XSTATE, &iov) < 0 ||
	    ptrace(PTRACE_SETSIGMASK, r->tid, sizeof(r->sigmask), &r->sigmask) < 0)
		return rs_fail(-errno, why, whylen, "cannot set its registers: %s", strerror(errno));
	r->st.restores++;
	return 0;
}

void tracer_restore_stats(const struct tracer_restore *r, struct tracer_restore_stats *out)
{
	*out = r->st;
}

/* A number from a /proc file kept open: its field'th (from 0). */
static uint64_t proc_field(int fd, int field)
{
	char buf[256], *p = buf;
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;

	if (n <= 0)
		return 0;
	buf[n] = 0;
	while (field-- > 0 && p)
		p = (p = strchr(p, ' ')) ? p + 1 : NULL;
	return p ? strtoull(p, NULL, 10) : 0;
}

void tracer_restore_usage(const struct tracer_restore *r, uint64_t *cpu_us, uint64_t *rss_kb)
{
	*cpu_us = proc_field(r->schedstat, 0) / 1000;	/* ns on a CPU */
	*rss_kb = proc_field(r->statm, 1) * (uint64_t)(sysconf(_SC_PAGESIZE) / 1024);
}

void tracer_restore_free(struct tracer_restore *r)
{
	if (!r)
		return;
	if (r->uffd >= 0)
		close(r->uffd);
	if (r->pagemap >= 0)
		close(r->pagemap);
	if (r->schedstat >= 0)
		close(r->schedstat);
	if (r->statm >= 0)
		close(r->statm);
	for (int i = 0; i < r->nreg; i++)
		free(r->reg[i].data);
	free(r->reg);
	free(r->scratch);
	free(r->maps);
	for (int i = 0; i < r->nfds; i++)
		if (r->fds[i].copy >= 0)
			close(r->fds[i].copy);
	free(r->fds);
	free(r);
}
