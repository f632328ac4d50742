/* snaprestore.c - snapshot mode's in-place restore: a batch child of the
 * template is armed at its first stop (tracer/restore.h), and at its
 * exit_group, if its run did nothing that cannot be undone, it is put
 * back where it started instead of exiting and kept as the spare: the
 * next episode runs in it, with no fork and no exit.
 *
 * Not restorable, and then the run ends as in a fork (the process makes
 * its exit_group and is reaped): a call outside restore_calls.c's table
 * (the snapshot's filter stops at those, TRACER_TAG_WATCH), a signal, a
 * second task, any write of the tracer into its memory (a breakpoint put
 * back for an allocation fault), and what restore_apply refuses. An armed
 * child that is not put back cost its arming for nothing: after
 * MISS_LIMIT of them in a row only one fork in RETRY_EVERY is armed,
 * until one is put back (a fuzz campaign's inputs differ: one that
 * cannot be, calibrated, makes several in a row). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tracer/restore.h"
#include "tracer/syscalls.h"
#include "tracer/tracer_int.h"
#include "util/util.h"

#define MISS_LIMIT 8
#define RETRY_EVERY 8

bool snaprestore_wanted(const struct tracer_session *s)
{
	return s->opts.snapshot && s->opts.snapshot->restore && !s->opts.snapshot->is_idle;
}

static bool arm_now(struct tracer_session *s)
{
	struct tracer_template *tp = &s->tmpl;

	if (!snaprestore_wanted(s) || tp->restore_off)
		return false;
	return tp->misses < MISS_LIMIT || ++tp->since % RETRY_EVERY == 0;
}

/* The template's pid as its children see it (the last of NStgid: the
 * jail's pid namespace, or ours without one): where a process put back
 * takes a descriptor of the snapshot again. 0 when unknown. */
static pid_t donor_of(pid_t tid)
{
	struct proc_status ps;

	return proc_status_read(tid, &ps) < 0 || ps.ns_tgid < 0 ? 0 : ps.ns_tgid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

pid_t snaprestore_fork(struct tracer_session *s)
{
	struct tracer_template *tp = &s->tmpl;
	struct tracer_restores *rs = &tp->restores;
	struct tracer_restore_from from;
	char why[sizeof(rs->off)];
	pid_t pid;
	int e;

	if (tp->spare) {
		pid = tp->spare;
		s->st.restore = tp->spare_r;
		tp->spare = 0;
		tp->spare_r = NULL;
		rs->restored++;
		return pid;
	}
	pid = template_fork(s);
	if (pid < 0)
		return pid;
	rs->forked++;
	if (!arm_now(s)) {
		fz_debug("restore: not armed (wanted %d, off %d, misses %d)\n", snaprestore_wanted(s),
			 tp->restore_off, tp->misses);
		return pid;
	}
	why[0] = 0;
	if (!tp->donor)
		tp->donor = donor_of(tp->tid);
	from = (struct tracer_restore_from){ .mem = tp->tid, .fds = tp->donor };
	e = tracer_restore_arm(pid, &tp->child_start, tp->regs.rip - 2, &from, &s->st.restore, why,
			       sizeof(why));
	if (e == 0)
		return pid;
	/* Half armed, maybe: not to be run. Where the kernel cannot, never
	 * again this session. */
	s->st.restore = NULL;
	if (e == -ENOTSUP) {
		tp->restore_off = true;
		snprintf(rs->off, sizeof(rs->off), "%s", why);
	} else {
		tp->misses++;
		snprintf(rs->last, sizeof(rs->last), "arming: %s", why[0] ? why : strerror(-e));
	}
	reap(pid);
	return template_fork(s);
}

void snaprestore_note(struct tracer_state *st, struct tracer_task *t)
{
	const struct syscall_ent *e;

	switch (restore_call_class(&t->sc)) {
	case RESTORE_CALL_OK:
		return;
	case RESTORE_CALL_BRK:
		st->brk_moved = true;
		tracer_restore_note(st->restore, t->sc.nr, t->sc.args);
		return;
	case RESTORE_CALL_NOTE:
		if (tracer_restore_note(st->restore, t->sc.nr, t->sc.args) == 0)
			return;
		break;
	case RESTORE_CALL_NO:
		break;
	}
	if (st->restore_taint)
		return;
	e = syscall_by_nr(t->sc.nr);
	st->restore_taint = true;
	snprintf(session_of(st)->tmpl.restores.last, sizeof(session_of(st)->tmpl.restores.last),
		 "it called %s", e ? e->name : "an unknown syscall");
}

/* Exit as it asked after all: its exit_group again, from its exit stop
 * (the hooks saw it once; the loop lets the second one run). */
static bool exit_after_all(struct tracer_session *s, struct tracer_task *t, int code)
{
	struct user_regs_struct r = s->tmpl.child_start;

	r.rip = s->tmpl.regs.rip - 2;
	r.rax = SYS_exit_group;
	r.rdi = (uint64_t)code;
	r.orig_rax = (uint64_t)-1;
	task_invalidate(t);
	t->exiting = true;
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &r) < 0 || ptrace(PTRACE_CONT, t->tid, 0, 0) < 0)
		kill(t->tid, SIGKILL);	/* the loop reaps it; its status is set */
	return true;
}

bool snaprestore_end(struct tracer_state *st, struct tracer_task *t)
{
	struct tracer_session *s = session_of(st);
	struct tracer_template *tp = &s->tmpl;
	struct tracer_restores *rs = &tp->restores;
	int code = (int)(t->sc.args[0] & 0xff), e;
	char why[sizeof(rs->last)] = "";

	if (st->restore_taint || st->ntasks != 1 || !t->mm || t->mm->pokes) {
		if (!st->restore_taint)
			snprintf(rs->last, sizeof(rs->last), "%s",
				 st->ntasks != 1 ? "another task" : "the tracer wrote into it");
		fz_debug("restore: not put back: %s\n", rs->last);
		return false;	/* it exits as in a fork */
	}
	task_invalidate(t);
	if ((e = tracer_restore_park(st->restore)) == -ESRCH)
		return true;	/* gone: the loop reaps it */
	if (e == 0)
		e = tracer_restore_apply(st->restore,
					 (st->brk_moved ? TRACER_RESTORE_BRK : 0) | TRACER_RESTORE_NOTED,
					 why, sizeof(why));
	if (e < 0) {
		rs->refused++;
		snprintf(rs->last, sizeof(rs->last), "%s", why[0] ? why : strerror(-e));
		fz_debug("restore: not put back: %s\n", rs->last);
		st->res->exit_status = code;
		return exit_after_all(s, t, code);
	}
	/* The run ended as an exit with its code; its process is kept. */
	st->res->exit_status = code;
	st->main_gone = true;
	tp->spare = t->tid;
	tp->spare_r = st->restore;
	tp->misses = 0;
	st->restore = NULL;
	task_remove(st, t);
	return true;
}

void snaprestore_episode_end(struct tracer_session *s)
{
	if (!s->st.restore)
		return;
	tracer_restore_free(s->st.restore);
	s->st.restore = NULL;
	s->tmpl.misses++;
}

void snaprestore_kill(struct tracer_session *s)
{
	struct tracer_template *tp = &s->tmpl;

	if (tp->spare)
		reap(tp->spare);
	tracer_restore_free(tp->spare_r);
	tp->spare = 0;
	tp->spare_r = NULL;
}

void tracer_session_restores(const struct tracer_session *s, struct tracer_restores *out)
{
	*out = s->tmpl.restores;
}

void tracer_session_live_usage(const struct tracer_session *s, uint64_t *cpu_us, uint64_t *rss_kb)
{
	*cpu_us = *rss_kb = 0;
	if (s->tmpl.spare_r)
		tracer_restore_usage(s->tmpl.spare_r, cpu_us, rss_kb);
}
