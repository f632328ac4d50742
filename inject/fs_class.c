/* fs_class.c - the fs class's hooks: at an open (open, openat, openat2,
 * creat), a close, a write, fsync, fallocate or a name call (rename*,
 * mkdir*, unlink*, rmdir) the faults its rows give (fault_table.c) whose
 * condition holds, failed before the call runs (an open creates nothing);
 * close runs and is failed at its exit (fs_close.c), a write that fills
 * the disk writes what fits (fs_write.c).
 *
 * EACCES, EMFILE and ENFILE need no state: any path has a permission
 * check (search on the directory it starts from, and DAC-free LSMs bind
 * root too), and a process can always be at its descriptor limit or the
 * system at its file limit. ENOSPC needs a new name (PRE_NEW_NAME,
 * fs_name.c): an open of an existing file allocates nothing on the
 * device (docs/kernel-facts.md#open-creat-existing). What is left out, and why, is at the rows. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "inject/fault_table.h"
#include "inject/fs_class.h"
#include "util/util.h"

/* O_CREAT of a name that is not there. Not with O_DIRECTORY (EINVAL
 * since Linux 6.4; O_TMPFILE carries it too, and has no name). */
static bool creates(struct tracer_task *t, const struct syscall_stop *s)
{
	uint64_t fl;

	return fs_open_flags(t, s, &fl) == 0 && (fl & O_CREAT) && !(fl & O_DIRECTORY) &&
	       fs_new_name(t, s);
}

/* rename's arguments: the old and new paths and their directory fds. */
static const struct {
	const char *call;
	int old, olddir, new, newdir, flags;
} renames[] = {
	{ "rename", 0, -1, 1, -1, -1 },
	{ "renameat", 1, 0, 3, 2, -1 },
	{ "renameat2", 1, 0, 3, 2, 4 },
};

/* A rename that needs a new directory entry: its old name exists, its new
 * one does not (replacing an entry, or RENAME_EXCHANGE, reuses one). */
static bool new_target(struct tracer_task *t, const struct syscall_stop *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(renames); i++) {
		if (strcmp(renames[i].call, s->ent->name) != 0)
			continue;
		if (renames[i].flags >= 0 && (s->args[renames[i].flags] & RENAME_EXCHANGE))
			return false;
		return fs_name_at(t, s, renames[i].old, renames[i].olddir) == 0 &&
		       fs_name_at(t, s, renames[i].new, renames[i].newdir) == 1;
	}
	return false;
}

/* Does row r's condition hold at this stop? *memo caches the one costly
 * answer a call's rows share (-1: not yet known). */
static bool row_holds(struct inject *a_inj, int a_cls, const struct fault_row *r,
		      struct tracer_task *t, const struct syscall_stop *s,
		      const struct sig_handlers *h, int *memo)
{
	switch (r->pre) {
	case PRE_NONE:
		return true;
	case PRE_CLOSE_FILE:
		return fs_close_on_file(t, s);
	case PRE_CLOSE_INTR:
		return fs_close_signal(t, h) && fs_close_on_file(t, s);
	case PRE_NEW_NAME:
	case PRE_FILL:
	case PRE_FD_FILE:
	case PRE_FALLOC:
	case PRE_NEW_DIR:
	case PRE_NEW_TARGET:
		break;
	case PRE_FSIZE:
		return fs_fsize_can(t, s);
	case PRE_NOFILE:
		return fs_nofile_can(t);
	case PRE_FSYNC_LOST:
		return fs_lost_can(a_inj, a_cls, t, (int)(int32_t)s->args[0]);
	default:
		return false;
	}
	if (*memo < 0) {
		if (r->pre == PRE_NEW_NAME)
			*memo = creates(t, s);
		else if (r->pre == PRE_FILL)
			*memo = fs_write_bytes(t, s, NULL) >= 1;
		else if (r->pre == PRE_FD_FILE)
			*memo = fs_fd_on_file(t, (int)(int32_t)s->args[0], NULL);
		else if (r->pre == PRE_FALLOC)
			*memo = fs_falloc_takes(t, s, NULL);
		else if (r->pre == PRE_NEW_DIR)
			*memo = fs_new_name(t, s);
		else
			*memo = new_target(t, s);
	}
	return *memo;
}

struct fail_arg {
	struct fs_run *run;
	const struct syscall_stop *s;
	const struct sig_handlers *h;
	bool fills;	/* a write: ENOSPC and EDQUOT fill the disk */
};

/* An open fails before it runs; close runs (fs_close.c); a write that
 * fills the disk writes what fits (fs_write.c). */
static int fs_fail(void *arg, struct tracer_task *t, struct fault *f)
{
	struct fail_arg *a = arg;

	if (strcmp(a->s->ent->name, "close") == 0)
		return a->run ? fs_close_fail(a->run, t, f->err,
					      f->err == EINTR ? fs_close_signal(t, a->h) : 0)
			      : -ENOMEM;
	if (f->err == EFBIG)
		return fs_fsize_set(t, a->s);
	if (f->type == FT_EXHAUST)	/* the kernel gives EMFILE (fs_nofile.c) */
		return fs_nofile_set(t);
	if (f->err == EIO && a->run &&
	    (strcmp(a->s->ent->name, "fsync") == 0 || strcmp(a->s->ent->name, "fdatasync") == 0))
		return fs_lost_fail(a->run, t, a->s);
	if (a->fills)
		return fs_fill(a->run, t, a->s, f->err);
	return tracer_fail_syscall(t, f->err);
}

static int fs_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			 const struct syscall_stop *s)
{
	struct inj_call call = { .cls = cls, .name = s->ent->name, .sc = s };
	struct fail_arg a = { inj_run_state(inj, cls), s, inj_mm_state(t, cls), false };
	struct fault opts[8];
	int n = 0, memo = -1;

	if (!inj_may_fail(inj, call.name))
		return 0;
	for (int i = 0; i < n_fault_rows && n < 8; i++) {
		const struct fault_row *r = &fault_rows[i];

		/* The file size limit is pinned only (--fault): SIGXFSZ's
		 * default kills nearly every writer, cp and mv too, as the
		 * limit is meant to (fs_fsize.c); a plan would report them
		 * all. */
		if (r->pre == PRE_FSIZE && (inj->record || inj->random))
			continue;
		if (strcmp(r->cls, "fs") == 0 && fault_row_has_call(r, call.name) &&
		    row_holds(inj, cls, r, t, s, a.h, &memo) && fault_parse(r->fault, &opts[n]) == 0) {
			a.fills |= r->pre == PRE_FILL;
			n++;
		}
	}
	/* Every occurrence counts, failable or not (decide.c). */
	inj_decide(inj, t, &call, opts, n, fs_fail, &a);
	return 0;
}

/* The lasting modes: an open file that has not seen fsync's EIO yet
 * (fs_lost.c), the full disk (fs_write.c). */
static int fs_lasting(struct inject *inj, int cls, struct tracer_task *t,
		      const struct syscall_stop *s)
{
	struct fs_run *run = inj_run_state(inj, cls);

	if (run && fs_lost_lasting(run, t, s) > 0) {
		inj->counts[cls]++;
		return 1;
	}
	return fs_on_lasting(inj, cls, t, s);
}

/* The handlers' calls (close's EINTR), and the writes and syncs of a run
 * that may inject fsync's EIO (fs_lost.c). */
static int fs_on_watch(struct inject *inj, int cls, struct tracer_task *t,
		       const struct syscall_stop *s)
{
	if (s->ent->flags & SC_SIGNAL)
		return sig_on_watch(inj, cls, t, s);
	return fs_lost_on_watch(inj, cls, t, s);
}

static int fs_on_exit(struct inject *inj, int cls, struct tracer_task *t,
		      const struct syscall_stop *s, int64_t ret)
{
	fs_lost_on_exit(inj, cls, t, s, ret);
	return fs_close_on_exit(inj, cls, t, s, ret);
}

const struct class_hooks fs_class_hooks = {
	.mm_new = sig_mm_new,
	.mm_fork = sig_mm_fork,
	.mm_free = sig_mm_free,
	.run_size = sizeof(struct fs_run),
	.run_reset = fs_run_reset,
	.on_lasting = fs_lasting,
	.on_syscall = fs_on_syscall,
	.on_watch = fs_on_watch,
	.on_syscall_exit = fs_on_exit,
};
