/* fs_lost.c - fsync's EIO loses the data (the PostgreSQL 2018 "fsyncgate"
 * bug class), as Linux does since 4.13 (errseq_t): a write-back that
 * fails leaves the pages clean, so the data written since the file's last
 * good fsync is gone once they are evicted, the error is reported once
 * to each open file, and a retried fsync succeeds with nothing left to
 * write (docs/kernel-facts.md#fsync-eio-drops).
 *
 * So the fs class's fsync/fdatasync EIO drops that data for real, on the
 * file: in a run that may inject it, every write to a regular file on a
 * disk file system (fs_disk.c) first saves the bytes it overwrites (zeros
 * past the end: the undo log); a successful fsync or fdatasync of a file
 * forgets its entries, sync and syncfs all of them. At the injected EIO
 * the file's entries are written back, newest first, below its current
 * size (its size stays: i_size is not rolled back, the dropped blocks read
 * as what is on the disk, zeros for new ones): the pages were evicted at
 * once, the worst time. The other open files of it then (the caller's;
 * in the jail every process's; not duplicates of the failing one: kcmp)
 * get EIO at their next fsync, once. A write through an O_SYNC/O_DSYNC descriptor is durable
 * when it returns: not logged. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject/fs_class.h"
#include "util/util.h"

/* The undo log's bytes per run; past it, no fsync EIO in that run. */
#define LOST_MAX_BYTES (64L << 20)

static bool is_call(const struct syscall_stop *s, const char *names)
{
	struct fault_row r = { .calls = names };

	return fault_row_has_call(&r, s->ent->name);
}

#define WRITES "write pwrite64 writev pwritev pwritev2 copy_file_range"
#define SYNCS "fsync fdatasync"

/* Does this run log writes: one that may inject fsync's EIO (random, or a
 * plan entry of this class at fsync or fdatasync)? */
static bool wanted(const struct inject *inj, int cls)
{
	if (inj->record)
		return false;
	if (inj_random_faults(inj))
		return true;
	for (int i = 0; i < inj->nplan; i++)
		if (inj->plan_cls[i] == cls && inj->plan[i].fault.type == FT_ERRNO &&
		    inj->plan[i].fault.err == EIO &&
		    (strcmp(inj->plan[i].call, "fsync") == 0 ||
		     strcmp(inj->plan[i].call, "fdatasync") == 0))
			return true;
	return false;
}

static void forget(struct fs_lost *l, dev_t dev, ino_t ino, bool all_of_dev)
{
	int k = 0;

	for (int i = 0; i < l->n; i++) {
		struct fs_lost_ent *e = &l->e[i];

		if (e->dev == dev && (all_of_dev || e->ino == ino)) {
			l->bytes -= e->len;
			free(e->old);
		} else {
			l->e[k++] = *e;
		}
	}
	l->n = k;
}

/* Save what the write at this stop overwrites. */
static void log_write(struct fs_lost *l, struct tracer_task *t, const struct syscall_stop *s)
{
	int fd = (int)(int32_t)s->args[strcmp(s->ent->name, "copy_file_range") == 0 ? 2 : 0];
	pid_t pid = tracer_task_pid(t);
	unsigned long flags = 0;
	struct fs_write wr;
	struct fs_lost_ent *e;
	struct stat st;
	char p[64];
	ssize_t got;
	int rfd;

	if (l->over || !fs_fd_on_disk(pid, fd, &st) || fs_fd_flags(pid, fd, &flags) < 0 ||
	    (flags & (O_SYNC | O_DSYNC)) || fs_write_at(t, s, &wr) < 0 || wr.bytes <= 0)
		return;
	if (l->bytes + wr.bytes > LOST_MAX_BYTES) {
		l->over = true;
		return;
	}
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		struct fs_lost_ent *ne = realloc(l->e, cap * sizeof(*ne));

		if (!ne) {
			l->over = true;
			return;
		}
		l->e = ne;
		l->cap = cap;
	}
	e = &l->e[l->n];
	*e = (struct fs_lost_ent){ .dev = st.st_dev, .ino = st.st_ino, .pos = wr.pos,
				   .len = (size_t)wr.bytes };
	if (!(e->old = calloc(1, e->len))) {
		l->over = true;
		return;
	}
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, fd);
	rfd = open(p, O_RDONLY | O_CLOEXEC);
	got = rfd < 0 ? -1 : pread(rfd, e->old, e->len, e->pos);
	if (rfd >= 0)
		close(rfd);
	if (got < 0) {
		free(e->old);
		l->over = true;
		return;
	}
	l->bytes += e->len;
	l->n++;
}

int fs_lost_on_watch(struct inject *inj, int cls, struct tracer_task *t,
		     const struct syscall_stop *s)
{
	struct fs_run *run = inj_run_state(inj, cls);
	struct stat st;

	if (!run || !wanted(inj, cls))
		return 0;
	if (is_call(s, WRITES))
		log_write(&run->lost, t, s);
	else if (is_call(s, SYNCS))
		return tracer_want_exit(t);	/* forgotten if it succeeds */
	else if (strcmp(s->ent->name, "sync") == 0)
		while (run->lost.n)
			forget(&run->lost, run->lost.e[0].dev, 0, true);
	else if (strcmp(s->ent->name, "syncfs") == 0 &&
		 fs_fd_on_disk(tracer_task_pid(t), (int)(int32_t)s->args[0], &st))
		forget(&run->lost, st.st_dev, 0, true);
	return 0;
}

int fs_lost_on_exit(struct inject *inj, int cls, struct tracer_task *t,
		    const struct syscall_stop *s, int64_t ret)
{
	struct fs_run *run = inj_run_state(inj, cls);
	struct stat st;

	if (run && ret == 0 && is_call(s, SYNCS) &&
	    fs_fd_on_disk(tracer_task_pid(t), (int)(int32_t)s->args[0], &st))
		forget(&run->lost, st.st_dev, st.st_ino, false);
	return 0;
}

bool fs_lost_can(struct inject *inj, int cls, struct tracer_task *t, int fd)
{
	struct fs_run *run = inj_run_state(inj, cls);
	struct stat st;

	return run && !run->lost.over && fs_fd_on_disk(tracer_task_pid(t), fd, &st);
}

/* An open file already counted: a descriptor of it. */
struct fd_ref {
	pid_t pid;
	int fd;
};

/* pid's descriptors of the file fst, one pending entry per open file
 * description not yet in seen[] (kcmp: a fork's or dup's copy is the same
 * one, reported once). */
static void pend_in(struct fs_lost *l, pid_t pid, const struct stat *fst, struct fd_ref *seen,
		    int *nseen, int max)
{
	struct dirent *de;
	char p[64];
	DIR *dir;

	snprintf(p, sizeof(p), "/proc/%d/fd", (int)pid);
	if (!(dir = opendir(p)))
		return;
	while ((de = readdir(dir)) && l->npend < (int)ARRAY_SIZE(l->pend) && *nseen < max) {
		int o = atoi(de->d_name);
		struct stat st;
		bool dup = false;

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || !fs_fd_on_disk(pid, o, &st) ||
		    st.st_dev != fst->st_dev || st.st_ino != fst->st_ino)
			continue;
		for (int i = 0; i < *nseen && !dup; i++) {
			long r = syscall(SYS_kcmp, seen[i].pid, pid, KCMP_FILE, seen[i].fd, o);

			/* 0: the same open file; -1: not known, and a second
			 * EIO for one open file would be impossible, none is
			 * only a gap. */
			dup = r != 1 && r != 2;
		}
		if (dup)
			continue;
		seen[(*nseen)++] = (struct fd_ref){ pid, o };
		l->pend[l->npend++] = (struct fs_lost_pend){ .pid = pid, .fd = o, .dev = st.st_dev,
							     .ino = st.st_ino };
	}
	closedir(dir);
}

struct pend_walk {
	struct fs_lost *l;
	const struct stat *fst;
	struct fd_ref seen[64];
	int nseen;
};

static void pend_each(pid_t pid, void *arg)
{
	struct pend_walk *w = arg;

	pend_in(w->l, pid, w->fst, w->seen, &w->nseen, (int)ARRAY_SIZE(w->seen));
}

/* The other open files of (dev, ino) get the error at their next fsync:
 * the caller's, and in the jail (a pid namespace of its own, every
 * process of it traced) every process's. */
static void pend_others(struct fs_lost *l, pid_t pid, int fd, const struct stat *fst)
{
	struct pend_walk w = { .l = l, .fst = fst, .seen = { { pid, fd } }, .nseen = 1 };

	proc_each_jailmate(pid, pend_each, &w);
}

int fs_lost_fail(struct fs_run *run, struct tracer_task *t, const struct syscall_stop *s)
{
	int fd = (int)(int32_t)s->args[0], wfd = -1;
	pid_t pid = tracer_task_pid(t);
	struct fs_lost *l = &run->lost;
	struct stat st, now;
	char p[64];

	if (!fs_fd_on_disk(pid, fd, &st))
		return -EBADF;
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, fd);
	for (int i = l->n - 1; i >= 0; i--) {
		struct fs_lost_ent *e = &l->e[i];
		size_t len = e->len;

		if (e->dev != st.st_dev || e->ino != st.st_ino)
			continue;
		if (wfd < 0 && ((wfd = open(p, O_WRONLY | O_CLOEXEC)) < 0 || fstat(wfd, &now) < 0))
			break;
		if (e->pos >= now.st_size)
			continue;
		if ((long long)len > now.st_size - e->pos)
			len = (size_t)(now.st_size - e->pos);
		if (pwrite(wfd, e->old, len, e->pos) != (ssize_t)len)
			break;
	}
	if (wfd >= 0)
		close(wfd);
	forget(l, st.st_dev, st.st_ino, false);
	pend_others(l, pid, fd, &st);
	return tracer_fail_syscall(t, EIO);
}

int fs_lost_lasting(struct fs_run *run, struct tracer_task *t, const struct syscall_stop *s)
{
	struct fs_lost *l = &run->lost;
	pid_t pid = tracer_task_pid(t);
	int fd = (int)(int32_t)s->args[0];
	struct stat st;

	if (!l->npend || !is_call(s, SYNCS) || !fs_fd_on_disk(pid, fd, &st))
		return 0;
	for (int i = 0; i < l->npend; i++) {
		struct fs_lost_pend *pe = &l->pend[i];

		if (pe->pid != pid || pe->fd != fd || pe->dev != st.st_dev || pe->ino != st.st_ino)
			continue;
		*pe = l->pend[--l->npend];
		return tracer_fail_syscall(t, EIO) < 0 ? 0 : 1;
	}
	return 0;
}

void fs_run_reset(void *state)
{
	struct fs_run *run = state;

	for (int i = 0; i < run->lost.n; i++)
		free(run->lost.e[i].old);
	free(run->lost.e);
}
