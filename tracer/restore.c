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
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/restore.h"
#include "tracer/tracer_int.h"
#include "util/util.h"

/* Linux 6.7's PAGEMAP_SCAN and userfaultfd's WP_ASYNC: Debian 12's
 * headers are 6.1's (include/uapi/linux/fs.h, userfaultfd.h). */
#ifndef PAGEMAP_SCAN
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGE_IS_WPALLOWED (1 << 0)
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#define XSTATE_MAX 16384	/* AMX's xsave area is ~11 KiB */
#define VEC_N 256		/* written ranges a scan returns at a time */
#define IOV_N 256

enum map_kind { MAP_PLAIN, MAP_HEAP, MAP_STACK };

struct map {
	uint64_t lo, hi, offset, inode;
	char perms[5];
	enum map_kind kind;
};

/* A writable private mapping of the snapshot and its bytes then. */
struct region {
	uint64_t lo, hi;
	uint8_t *data;
};

struct fdent {
	int fd;
	char link[96];
};

struct tracer_restore {
	pid_t tid;
	int uffd, pagemap;
	struct user_regs_struct start;
	uint64_t insn;
	uint8_t xstate[XSTATE_MAX];
	size_t xlen;
	uint64_t sigmask, brk;
	struct map *maps;
	int nmaps;
	struct region *reg;
	int nreg;
	struct fdent *fds;
	int nfds;
	struct page_region vec[VEC_N];
	struct tracer_restore_stats st;
};

static int fail(int err, char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int err, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* A call made by the process: from its syscall-exit stop (or a stop
 * outside any syscall) it runs the syscall insn with our
 * registers and is back at that call's exit stop. A signal stop on the
 * way is state we cannot put back (a pending signal): -EAGAIN. */
static int call(struct tracer_restore *r, long nr, uint64_t a0, uint64_t a1, int64_t *ret)
{
	struct user_regs_struct g = r->start;
	int status, e, stops = 0;
	long rax;

	g.rip = r->insn;
	g.rax = (uint64_t)nr;
	g.orig_rax = (uint64_t)-1;
	g.rdi = a0;
	g.rsi = a1;
	g.rdx = g.r10 = g.r8 = g.r9 = 0;
	if (ptrace(PTRACE_SETREGS, r->tid, 0, &g) < 0 || ptrace(PTRACE_SYSCALL, r->tid, 0, 0) < 0)
		return -errno;
	while (stops < 2) {
		if ((e = tracer_wait_stop(r->tid, &status)) < 0)
			return e;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			stops++;
		else if ((unsigned)status >> 16 != PTRACE_EVENT_SECCOMP)
			return -EAGAIN;
		if (stops < 2 && ptrace(PTRACE_SYSCALL, r->tid, 0, 0) < 0)
			return -errno;
	}
	errno = 0;
	rax = ptrace(PTRACE_PEEKUSER, r->tid, offsetof(struct user_regs_struct, rax), 0);
	if (errno)
		return -errno;
	*ret = rax;
	r->st.calls++;
	return 0;
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
			   .kind = !strcmp(pm->path, "[heap]") ? MAP_HEAP :
				   !strcmp(pm->path, "[stack]") ? MAP_STACK : MAP_PLAIN };
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
static bool tracked(const struct map *m)
{
	return m->perms[0] == 'r' && m->perms[1] == 'w' && m->perms[3] == 'p';
}

static int by_fd(const void *a, const void *b)
{
	return ((const struct fdent *)a)->fd - ((const struct fdent *)b)->fd;
}

static int read_fds(pid_t tid, struct fdent **out, int *n)
{
	char dir[64], path[320];
	struct fdent *v = NULL, *nv;
	int cnt = 0, cap = 0;
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)tid);
	if (!(dp = opendir(dir)))
		return -errno;
	while ((d = readdir(dp))) {
		ssize_t len;

		if (d->d_name[0] == '.')
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = reallocarray(v, (size_t)cap, sizeof(*v)))) {
				free(v);
				closedir(dp);
				return -ENOMEM;
			}
			v = nv;
		}
		v[cnt].fd = atoi(d->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		len = readlink(path, v[cnt].link, sizeof(v[cnt].link) - 1);
		v[cnt].link[len > 0 ? len : 0] = 0;
		cnt++;
	}
	closedir(dp);
	qsort(v, (size_t)cnt, sizeof(*v), by_fd);
	*out = v;
	*n = cnt;
	return 0;
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

	if ((e = call(r, SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0, &fd)) < 0)
		return fail(e, why, whylen, "cannot make a call in the process: %s", strerror(-e));
	if (fd < 0)
		return fail(-ENOTSUP, why, whylen, "userfaultfd in the process: %s", strerror((int)-fd));
	pfd = (int)syscall(SYS_pidfd_open, r->tid, 0);
	r->uffd = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, (int)fd, 0);
	e = r->uffd < 0 ? -errno : 0;
	if (pfd >= 0)
		close(pfd);
	if (call(r, SYS_close, (uint64_t)fd, 0, &ret) < 0 || e < 0)
		return fail(e < 0 ? e : -EIO, why, whylen, "cannot take the process's userfaultfd");
	if (ioctl(r->uffd, UFFDIO_API, &api) < 0 ||
	    (api.features & UFFD_FEATURE_WP_ASYNC) != UFFD_FEATURE_WP_ASYNC)
		return fail(-ENOTSUP, why, whylen,
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
	if (!(r->reg = calloc((size_t)r->nmaps, sizeof(*r->reg))))
		return -ENOMEM;
	for (int i = 0; i < r->nmaps; i++) {
		const struct map *m = &r->maps[i];
		struct uffdio_register reg = { .range = { m->lo, m->hi - m->lo },
					       .mode = UFFDIO_REGISTER_MODE_WP };
		struct region *g = &r->reg[r->nreg];
		int e;

		if (!tracked(m))
			continue;
		if (ioctl(r->uffd, UFFDIO_REGISTER, &reg) < 0)
			return fail(-ENOTSUP, why, whylen, "cannot track writes to %#llx-%#llx: %s",
				    (unsigned long long)m->lo, (unsigned long long)m->hi,
				    strerror(errno));
		*g = (struct region){ .lo = m->lo, .hi = m->hi, .data = malloc(m->hi - m->lo) };
		if (!g->data)
			return -ENOMEM;
		r->nreg++;
		{
			struct iovec l = { g->data, g->hi - g->lo }, rm = { (void *)g->lo, g->hi - g->lo };

			if (process_vm_readv(r->tid, &l, 1, &rm, 1, 0) != (ssize_t)(g->hi - g->lo))
				return fail(-EIO, why, whylen, "cannot read %#llx-%#llx",
					    (unsigned long long)g->lo, (unsigned long long)g->hi);
		}
		if ((e = wp(r->uffd, g->lo, g->hi - g->lo)) < 0)
			return fail(e, why, whylen, "cannot write-protect %#llx-%#llx: %s",
				    (unsigned long long)g->lo, (unsigned long long)g->hi, strerror(-e));
		r->st.bytes += g->hi - g->lo;
		r->st.regions++;
	}
	return 0;
}

int tracer_restore_arm(pid_t tid, const struct user_regs_struct *start, uint64_t insn,
		       struct tracer_restore **out, char *why, size_t whylen)
{
	struct tracer_restore *r = calloc(1, sizeof(*r));
	struct iovec iov;
	char path[64];
	int e;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->tid = tid;
	r->uffd = r->pagemap = -1;
	r->start = *start;
	r->insn = insn;
	iov = (struct iovec){ r->xstate, sizeof(r->xstate) };
	if (ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &iov) < 0 ||
	    ptrace(PTRACE_GETSIGMASK, tid, sizeof(r->sigmask), &r->sigmask) < 0) {
		e = fail(-errno, why, whylen, "cannot read the registers: %s", strerror(errno));
		goto out;
	}
	r->xlen = iov.iov_len;
	if ((e = call(r, SYS_brk, 0, 0, (int64_t *)&r->brk)) < 0) {
		e = fail(e, why, whylen, "cannot make a call in the process: %s", strerror(-e));
		goto out;
	}
	if ((e = take_uffd(r, why, whylen)) < 0)
		goto out;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)tid);
	if ((r->pagemap = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = fail(-errno, why, whylen, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if ((e = read_maps(tid, &r->maps, &r->nmaps)) < 0 || (e = read_fds(tid, &r->fds, &r->nfds)) < 0) {
		e = fail(e, why, whylen, "cannot read /proc/%d: %s", (int)tid, strerror(-e));
		goto out;
	}
	if ((e = track(r, why, whylen)) < 0)
		goto out;
	if (r->nreg) {
		struct pm_scan_arg a = { .size = sizeof(a), .start = r->reg[0].lo,
					 .end = r->reg[0].hi, .vec = (uintptr_t)r->vec,
					 .vec_len = 1, .category_mask = PAGE_IS_WRITTEN,
					 .return_mask = PAGE_IS_WRITTEN };

		if (ioctl(r->pagemap, PAGEMAP_SCAN, &a) < 0) {
			e = fail(-ENOTSUP, why, whylen, "no PAGEMAP_SCAN (Linux 6.7): %s",
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
		return fail(e, why, whylen, "cannot read its mappings: %s", strerror(-e));
	while (i < n || j < r->nmaps) {
		const struct map *c = i < n ? &cur[i] : NULL, *s = j < r->nmaps ? &r->maps[j] : NULL;

		if (c && s && (same_map(c, s) ||
			       (s->kind == MAP_STACK && c->kind == MAP_STACK && c->hi == s->hi &&
				c->lo <= s->lo) ||
			       (s->kind == MAP_HEAP && c->kind == MAP_HEAP && c->lo == s->lo &&
				c->hi >= s->hi && brk_moved))) {
			i++, j++;
		} else if (c && (!s || c->hi <= s->lo)) {
			/* The run's own: a heap the break made is undone by it. */
			if (c->kind != MAP_HEAP || !brk_moved) {
				if ((e = call(r, SYS_munmap, c->lo, c->hi - c->lo, &ret)) < 0 || ret < 0) {
					e = fail(e < 0 ? e : -EAGAIN, why, whylen,
						 "cannot unmap %#llx-%#llx",
						 (unsigned long long)c->lo, (unsigned long long)c->hi);
					goto out;
				}
				r->st.unmapped++;
			}
			i++;
		} else {
			e = fail(-EAGAIN, why, whylen, "mapping %#llx-%#llx %s %s",
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

/* Descriptors of the snapshot must be the same files; the run's own are
 * closed. */
static int restore_fds(struct tracer_restore *r, char *why, size_t whylen)
{
	struct fdent *cur = NULL;
	int n = 0, j = 0, e = 0;
	int64_t ret;

	if ((e = read_fds(r->tid, &cur, &n)) < 0)
		return fail(e, why, whylen, "cannot read its descriptors: %s", strerror(-e));
	for (int i = 0; i < n && !e; i++) {
		while (j < r->nfds && r->fds[j].fd < cur[i].fd)
			j++;	/* closed: found missing below */
		if (j < r->nfds && r->fds[j].fd == cur[i].fd) {
			if (strcmp(r->fds[j].link, cur[i].link) != 0)
				e = fail(-EAGAIN, why, whylen, "descriptor %d replaced (%s, was %s)",
					 cur[i].fd, cur[i].link, r->fds[j].link);
			continue;
		}
		if ((e = call(r, SYS_close, (uint64_t)cur[i].fd, 0, &ret)) < 0)
			e = fail(e, why, whylen, "cannot close descriptor %d", cur[i].fd);
		else
			r->st.closed++;
	}
	/* Every one of the snapshot's still open? */
	for (int k = 0, i = 0; k < r->nfds && !e; k++) {
		while (i < n && cur[i].fd < r->fds[k].fd)
			i++;
		if (i >= n || cur[i].fd != r->fds[k].fd)
			e = fail(-EAGAIN, why, whylen, "descriptor %d (%s) closed", r->fds[k].fd,
				 r->fds[k].link);
	}
	free(cur);
	return e;
}

/* A batch of written ranges: copied back, then protected again (the
 * copy itself unprotected them). */
struct batch {
	struct iovec l[IOV_N], rm[IOV_N];
	int k;
};

static int flush(struct tracer_restore *r, struct batch *b)
{
	size_t want = 0;

	for (int x = 0; x < b->k; x++)
		want += b->l[x].iov_len;
	if (b->k && process_vm_writev(r->tid, b->l, (unsigned long)b->k, b->rm, (unsigned long)b->k,
				      0) != (ssize_t)want)
		return -EIO;
	for (int x = 0; x < b->k; x++) {
		int e = wp(r->uffd, (uint64_t)b->rm[x].iov_base, b->rm[x].iov_len);

		if (e < 0)
			return e;
	}
	b->k = 0;
	return 0;
}

/* The scan's written ranges, clipped to the snapshot's regions (a grown
 * stack's new part is none of them), back as they were. */
static int put_back(struct tracer_restore *r, const struct page_region *v, int nv)
{
	struct batch b;
	int g = 0, e;

	b.k = 0;
	for (int i = 0; i < nv; i++) {
		while (g < r->nreg && r->reg[g].hi <= v[i].start)
			g++;
		for (int h = g; h < r->nreg && r->reg[h].lo < v[i].end; h++) {
			uint64_t a = v[i].start > r->reg[h].lo ? v[i].start : r->reg[h].lo;
			uint64_t z = v[i].end < r->reg[h].hi ? v[i].end : r->reg[h].hi;

			if (a >= z)
				continue;
			if (b.k == IOV_N && (e = flush(r, &b)) < 0)
				return e;
			b.l[b.k] = (struct iovec){ r->reg[h].data + (a - r->reg[h].lo), z - a };
			b.rm[b.k] = (struct iovec){ (void *)a, z - a };
			b.k++;
			r->st.pages += (long)((z - a) / 4096);
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
			return fail(-errno, why, whylen, "PAGEMAP_SCAN: %s", strerror(errno));
		if ((e = put_back(r, r->vec, (int)nv)) < 0)
			return fail(e, why, whylen, "cannot write its memory back: %s", strerror(-e));
		if (a.walk_end <= at)
			break;
		at = a.walk_end;
	}
	return 0;
}

int tracer_restore_apply(struct tracer_restore *r, bool brk_moved, char *why, size_t whylen)
{
	struct iovec iov = { r->xstate, r->xlen };
	int64_t ret;
	int e;

	if ((e = restore_maps(r, brk_moved, why, whylen)) < 0)
		return e;
	if (brk_moved && ((e = call(r, SYS_brk, r->brk, 0, &ret)) < 0 || (uint64_t)ret != r->brk))
		return fail(e < 0 ? e : -EAGAIN, why, whylen, "cannot move the break back");
	if ((e = restore_fds(r, why, whylen)) < 0 || (e = restore_memory(r, why, whylen)) < 0)
		return e;
	if (ptrace(PTRACE_SETREGS, r->tid, 0, &r->start) < 0 ||
	    ptrace(PTRACE_SETREGSET, r->tid, NT_X86_XSTATE, &iov) < 0 ||
	    ptrace(PTRACE_SETSIGMASK, r->tid, sizeof(r->sigmask), &r->sigmask) < 0)
		return fail(-errno, why, whylen, "cannot set its registers: %s", strerror(errno));
	r->st.restores++;
	return 0;
}

void tracer_restore_stats(const struct tracer_restore *r, struct tracer_restore_stats *out)
{
	*out = r->st;
}

void tracer_restore_free(struct tracer_restore *r)
{
	if (!r)
		return;
	if (r->uffd >= 0)
		close(r->uffd);
	if (r->pagemap >= 0)
		close(r->pagemap);
	for (int i = 0; i < r->nreg; i++)
		free(r->reg[i].data);
	free(r->reg);
	free(r->maps);
	free(r->fds);
	free(r);
}
