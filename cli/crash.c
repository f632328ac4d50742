/* crash.c - --crash-at=durability and --recover=CMD: what ALICE and
 * CrashMonkey do for file systems, for a program's own files.
 *
 * The clean run counts its durability points: a call that returned
 * success and made the program's files what a crash could leave (write,
 * pwrite64, writev, pwritev, pwritev2 and ftruncate on a regular file in
 * the work directory, fsync and fdatasync of one, rename, renameat and
 * renameat2 to a path in it). The file is the fd's, read from
 * /proc/PID/fd at the exit stop, or the new name resolved against the
 * task's cwd or dirfd. Run N is killed with SIGKILL, every task of it, at
 * the exit stop of its Nth point, before the call returns to the
 * program: the work directory holds what the kernel had when the process
 * died (the page cache; nothing is dropped, docs/oracles.md says what
 * that cannot see). Then --recover=CMD restarts the program there and
 * every --check runs; either failing is a crash-recovery finding naming
 * the point.
 *
 * The recovery runs untraced, as a checker (cli/checker.c: sh -c CMD in
 * its own jail with the work copy, cwd there): the first part judges it
 * by its exit status (a death by a signal too), no faults are injected
 * in it and no stacks are taken of it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/checker.h"
#include "cli/crash.h"
#include "cli/crash_drop.h"
#include "cli/die.h"
#include "cli/runner.h"
#include "sandbox/workdir.h"
#include "util/util.h"

/* A durability call: where its file is, an fd argument or a new path
 * (with its dirfd argument, -1: the cwd). */
static const struct point_call {
	int nr;
	const char *name;
	int fd_arg, dirfd_arg, path_arg;
	int drop;		/* enum drop_call (cli/crash_drop.h) */
} point_calls[] = {
	{ SYS_write, "write", 0, -1, -1, DROP_WRITE },
	{ SYS_pwrite64, "pwrite64", 0, -1, -1, DROP_WRITE },
	{ SYS_writev, "writev", 0, -1, -1, DROP_WRITE },
	{ SYS_pwritev, "pwritev", 0, -1, -1, DROP_WRITE },
	{ SYS_pwritev2, "pwritev2", 0, -1, -1, DROP_WRITE },
	{ SYS_ftruncate, "ftruncate", 0, -1, -1, DROP_TRUNCATE },
	{ SYS_fsync, "fsync", 0, -1, -1, DROP_SYNC },
	{ SYS_fdatasync, "fdatasync", 0, -1, -1, DROP_SYNC },
	{ SYS_rename, "rename", -1, -1, 1, DROP_WRITE },
	{ SYS_renameat, "renameat", -1, 2, 3, DROP_WRITE },
	{ SYS_renameat2, "renameat2", -1, 2, 3, DROP_WRITE },
};

/* Calls that are no durability point but change what --crash-drop
 * leaves: an fsync of a directory makes its names durable, sync and
 * syncfs everything, msync(MS_SYNC) a shared mapping's file. */
enum drop_extra { EXTRA_DIR_SYNC, EXTRA_SYNC, EXTRA_SYNCFS, EXTRA_MSYNC };
static const struct {
	int nr;
	enum drop_extra what;
} drop_extras[] = {
	{ SYS_fsync, EXTRA_DIR_SYNC },
	{ SYS_fdatasync, EXTRA_DIR_SYNC },
	{ SYS_sync, EXTRA_SYNC },
	{ SYS_syncfs, EXTRA_SYNCFS },
	{ SYS_msync, EXTRA_MSYNC },
};

struct crash {
	struct runner *r;
	/* --recover as a checker: the runner's options with it as the one
	 * check (the checker keeps a pointer to them). */
	struct options ro;
	char *rcheck[2];
	struct checker *rec;	/* NULL: no --recover */
	struct crash_drop *drop;	/* NULL: no --crash-drop */
	/* The work directory as the target names it: the original's path
	 * (the jail binds the copy there) and the copy's (no jail). */
	char root[2][PATH_MAX];
	uint8_t exit_set[SYSCALL_MAX / 8];	/* the durability calls */
	uint8_t ob_set[SYSCALL_MAX / 8];	/* theirs and the inner observer's */
	struct tracer_observer ob;
	const struct tracer_observer *inner;
	bool record;
	int target;		/* the point to kill at; 0: count only */
	int seen;		/* points so far in this run */
	int npoints;		/* the clean run's */
	int counts[ARRAY_SIZE(point_calls)];
	bool fired;
	struct finding_crash pt;
	struct thread_stack stack;
};

static const struct point_call *point_call_of(int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(point_calls); i++)
		if (point_calls[i].nr == nr)
			return &point_calls[i];
	return NULL;
}

static bool in_set(const uint8_t *set, int nr)
{
	return set && nr >= 0 && nr < SYSCALL_MAX && ((set[nr / 8] >> (nr % 8)) & 1);
}

/* The link's target ("" when it cannot be read). */
static void read_link(const char *link, char *buf, size_t len)
{
	ssize_t n = readlink(link, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
}

/* The point's file relative to the work directory; false when it is not
 * one of its regular files. Strings only: nothing the run left is
 * followed on the host but the kernel's own /proc links. */
static bool point_file(struct crash *c, struct tracer_task *t, const struct point_call *pc,
		       const struct syscall_stop *s, char *rel, size_t len)
{
	char link[64], path[PATH_MAX], base[PATH_MAX], name[PATH_MAX];
	pid_t pid = tracer_task_pid(t);
	struct stat st;

	if (pc->fd_arg >= 0) {
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, (int)s->args[pc->fd_arg]);
		if (stat(link, &st) < 0 || !S_ISREG(st.st_mode))
			return false;
		read_link(link, path, sizeof(path));
	} else {
		int dirfd = pc->dirfd_arg >= 0 ? (int)s->args[pc->dirfd_arg] : AT_FDCWD;

		if (tracer_read_str(t, s->args[pc->path_arg], name, sizeof(name)) < 0)
			return false;
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
		base[0] = 0;
		if (name[0] != '/')
			read_link(link, base, sizeof(base));
		if (snprintf(path, sizeof(path), "%s%s%s", base, base[0] ? "/" : "", name) >=
		    (int)sizeof(path))
			return false;
	}
	for (int i = 0; i < 2; i++) {
		size_t l = strlen(c->root[i]);

		if (l && strncmp(path, c->root[i], l) == 0 && path[l] == '/') {
			snprintf(rel, len, "%s", path + l + 1);
			return true;
		}
	}
	return false;
}

static void drop_extra(struct crash *c, struct tracer_task *t, const struct syscall_stop *s)
{
	pid_t pid = tracer_task_pid(t);

	for (size_t i = 0; i < ARRAY_SIZE(drop_extras); i++) {
		if (drop_extras[i].nr != s->nr)
			continue;
		if (drop_extras[i].what == EXTRA_DIR_SYNC)
			crash_names_dir_sync(c->drop, pid, (int)s->args[0]);
		else if (drop_extras[i].what == EXTRA_SYNC)
			crash_names_sync_all(c->drop, pid, -1);
		else if (drop_extras[i].what == EXTRA_SYNCFS)
			crash_names_sync_all(c->drop, pid, (int)s->args[0]);
		else if (s->args[2] & MS_SYNC)
			crash_drop_msync(c->drop, pid, (unsigned long)s->args[0]);
	}
}

/* The observer's on_exit: the inner observer's calls go on to it. */
static void on_exit_stop(void *arg, struct tracer_task *t, const struct syscall_stop *s, int64_t ret)
{
	struct crash *c = arg;
	const struct point_call *pc = point_call_of(s->nr);
	char file[sizeof(c->pt.file)];
	int occ, n;

	if (c->inner && in_set(c->inner->exit_set, s->nr))
		c->inner->on_exit(c->inner->arg, t, s, ret);
	if (c->drop && !c->record && !c->fired && ret >= 0)
		drop_extra(c, t, s);
	if (!pc || ret < 0 || c->fired || !point_file(c, t, pc, s, file, sizeof(file)))
		return;
	c->seen++;
	occ = ++c->counts[pc - point_calls];
	if (c->drop && !c->record && pc->fd_arg >= 0)
		crash_drop_note(c->drop, tracer_task_pid(t), (int)s->args[pc->fd_arg], pc->drop,
				(long long)s->args[1]);
	if (c->record)
		c->npoints = c->seen;
	if (c->record || c->seen != c->target)
		return;
	c->fired = true;
	c->pt = (struct finding_crash){ .point = c->seen, .occurrence = occ, .result = ret };
	snprintf(c->pt.call, sizeof(c->pt.call), "%s", pc->name);
	snprintf(c->pt.file, sizeof(c->pt.file), "%s", file);
	/* Where it was made, before anything of the run goes. */
	n = inject_stack(c->r->inj, tracer_task_pid(t), tracer_task_tid(t), c->stack.frames,
			 FRAME_MAX);
	c->stack.tid = tracer_task_tid(t);
	c->stack.thread = tracer_task_ordinal(t);
	c->stack.nframes = n > 0 ? n : 0;
	/* The whole tree at once, as a power cut: no task of it runs on. */
	tracer_kill_all();
}

static void set_root(char *dst, const char *dir)
{
	char *real = dir ? realpath(dir, NULL) : NULL;

	snprintf(dst, PATH_MAX, "%s", real ? real : dir ? dir : "");
	free(real);
}

static struct crash *crash_new(struct runner *r)
{
	struct crash *c = calloc(1, sizeof(*c));

	if (!c)
		die("out of memory");
	c->r = r;
	if (!r->wd || !r->wd_dir)
		die("--crash-at needs --workdir=DIR");
	set_root(c->root[0], r->wd_dir);
	set_root(c->root[1], workdir_copy_path(r->wd));
	for (size_t i = 0; i < ARRAY_SIZE(point_calls); i++)
		c->exit_set[point_calls[i].nr / 8] |= 1u << (point_calls[i].nr % 8);
	if (r->o->crash_drop && !(c->drop = crash_drop_new(c->root[1], r->wd_dir)))
		die("out of memory");
	for (size_t i = 0; c->drop && i < ARRAY_SIZE(drop_extras); i++)
		c->exit_set[drop_extras[i].nr / 8] |= 1u << (drop_extras[i].nr % 8);
	if (r->o->recover) {
		struct check_setup cs = {
			.o = &c->ro, .env = r->env, .jail = r->sb != NULL, .wd = r->wd,
			.wd_dir = r->wd_dir, .run_dir = r->run_dir, .policy = r->policy,
			.rl = r->rl.n ? &r->rl : NULL, .interrupted = r->interrupted,
			.fault_stacks = r->fault_stacks, .signal_fails = true,
		};

		c->ro = *r->o;
		c->rcheck[0] = (char *)r->o->recover;
		c->ro.checks = c->rcheck;
		c->ro.nchecks = 1;
		c->rec = checker_new(&cs);
		checker_set_inject(c->rec, r->inj);
	}
	return c;
}

const struct tracer_observer *crash_observe(struct runner *r, bool record,
					    const struct tracer_observer *inner)
{
	struct crash *c = r->crash;

	if (!r->o->crash_at)
		return inner;
	/* A run of the plan after the crash runs: no point of its own, and
	 * crash_judge must not judge it by the last crash run's. */
	if (!record && !r->crash_point) {
		if (c)
			c->target = 0, c->fired = false;
		return inner;
	}
	if (!c)
		c = r->crash = crash_new(r);
	c->record = record;
	c->target = record ? 0 : r->crash_point;
	c->seen = 0;
	c->fired = false;
	memset(c->counts, 0, sizeof(c->counts));
	c->inner = inner;
	if (c->drop && !record) {
		crash_drop_begin(c->drop);
		crash_names_begin(c->drop);
	}
	c->ob = (struct tracer_observer){ .exit_set = c->ob_set, .on_exit = on_exit_stop, .arg = c };
	/* Its calls stop at their exit; ours are in the run's set too. */
	for (int i = 0; i < SYSCALL_MAX / 8; i++) {
		r->run_set[i] |= c->exit_set[i];
		c->ob_set[i] = c->exit_set[i] | (inner && inner->exit_set ? inner->exit_set[i] : 0);
	}
	return &c->ob;
}

static int judge_fail(struct runner *r, const char *why)
{
	snprintf(r->err.msg, sizeof(r->err.msg), "%s", why);
	r->err.status = 0;
	r->err.fatal = true;
	return -EIO;
}

int crash_judge(struct runner *r, bool record, struct run_finding *f)
{
	struct crash *c = r->crash;
	char why[sizeof(r->err.msg)], detail[sizeof(f->detail)], dropped[sizeof(f->crash.dropped)];
	const char *stage = "recover";
	int e = 0;

	if (!c || record || !c->target || !c->fired)
		return 0;
	memset(f, 0, offsetof(struct run_finding, stacks));
	memset(&f->nfaults, 0, sizeof(*f) - offsetof(struct run_finding, nfaults));
	dropped[0] = 0;
	if (c->drop && ((e = crash_drop_apply(c->drop, dropped, sizeof(dropped))) < 0 ||
			(e = crash_names_apply(c->drop, dropped, sizeof(dropped))) < 0)) {
		snprintf(why, sizeof(why), "--crash-drop: cannot roll back the work copy: %s",
			 strerror(-e));
		return judge_fail(r, why);
	}
	if (c->rec)
		e = checker_run(c->rec, false, f, why, sizeof(why));
	if (e == 0 && r->chk) {
		stage = "check";
		e = checker_run(r->chk, false, f, why, sizeof(why));
	}
	if (e < 0)
		return judge_fail(r, why);
	if (e == 0)
		return 2;
	f->kind = FIND_CRASH;
	f->crash = c->pt;
	snprintf(f->crash.stage, sizeof(f->crash.stage), "%s", stage);
	snprintf(f->crash.dropped, sizeof(f->crash.dropped), "%s", dropped);
	if (dropped[0])
		snprintf(f->note, sizeof(f->note), "--crash-drop rolled back %s", dropped);
	snprintf(detail, sizeof(detail), "%s", f->detail);
	/* Truncated at the detail's size: the whole output is kept. */
	if (snprintf(f->detail, sizeof(f->detail), "killed after %s #%d on %s (point %d): %s",
		     c->pt.call, c->pt.occurrence, c->pt.file, c->pt.point, detail) < 0)
		f->detail[0] = 0;
	f->nthreads = 1;
	f->stacks[0] = c->stack;
	f->thread = c->stack.thread;
	f->tid = c->stack.tid;
	f->stdout_path = r->out_stdout;
	f->stderr_path = r->out_stderr;
	return 1;
}

void crash_free(struct crash **cp)
{
	struct crash *c = *cp;

	if (!c)
		return;
	checker_free(c->rec);
	crash_drop_free(c->drop);
	free(c);
	*cp = NULL;
}

/* --- The crash runs ------------------------------------------------------- */

static const char crash_mode[] = "crash";

struct crash_sched {
	struct scheduler s;
	struct runner *r;
	int given;
};

static int cs_next(struct scheduler *s, struct run_request *out)
{
	struct crash_sched *cs = (struct crash_sched *)s;
	int n = cs->r->crash ? cs->r->crash->npoints : 0;

	s->planned = n;
	if (cs->given >= n)
		return SCHED_DONE;
	memset(out, 0, sizeof(*out));
	out->mode = crash_mode;
	out->planned = true;
	out->tag = ++cs->given;
	return SCHED_RUN;
}

static void cs_free(struct scheduler *s)
{
	free(s);
}

int crash_sched_new(struct runner *r, struct scheduler **out)
{
	struct crash_sched *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return -ENOMEM;
	cs->s = (struct scheduler){ .name = "crash", .next = cs_next, .free = cs_free };
	cs->r = r;
	*out = &cs->s;
	return 0;
}

int crash_request_point(const struct run_request *req)
{
	return req->mode == crash_mode ? (int)req->tag : 0;
}
