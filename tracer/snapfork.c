/* snapfork.c - snapshot mode's template: parked at the snapshot point,
 * then made to fork one child per episode (tracer.h, tracer_snapshot).
 *
 * The template is stopped at the point's seccomp stop, its call skipped
 * and left at that call's exit stop. A fork sets its registers back to the
 * syscall insn with clone(CLONE_PARENT | SIGCHLD) in them: CLONE_PARENT
 * makes the child the jail's init's (or, without the jail, our own), so
 * it is reaped as the target always was and never becomes a zombie of the
 * template ([kernel-facts.md](../docs/kernel-facts.md#fork-snapshots)).
 * The child is auto-attached (TRACEFORK) and first stops in
 * PTRACE_EVENT_STOP just after the insn: it gets the point's registers
 * with rip back on the insn, so it makes the point's call itself, and the
 * hooks see it as its run's first call there. At its first fork the
 * template maps a page of its own with a stub, `mov eax, SYS_clone;
 * syscall; int3`: each fork then resumes it at the stub, and it stays in
 * that fork's event stop until the next one, one stop a fork. Where the
 * page cannot be mapped it single-steps the point's insn instead (its
 * only stop before the child runs is the fork event) and its step trap
 * is waited for while the child runs: after a fork it is parked in that
 * SIGTRAP stop, not at a syscall's exit (kernel-facts.md#fork-snapshots).
 * A point at a trap (a
 * function's entry, tracer_snapshot.on_trap) is parked the same way after
 * a getpid of its own; its children start at the trap's registers.
 * Between episodes the parked template can be made to run one call more
 * the same way (tracer_template_syscall: snapshot/ puts back epoll
 * entries a child changed, keyed by the template's own numbers). */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer_int.h"
#include "util/util.h"

#define SYSCALL_INSN_LEN 2	/* 0f 05 */

static int wait_stop(pid_t tid, int *status)
{
	for (;;) {
		pid_t r = waitpid(tid, status, __WALL);

		if (r == tid)
			return WIFSTOPPED(*status) ? 0 : -ESRCH;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* Any task of the episode beside t and the jail's init: a thread, or a
 * process t started. They cannot be forked with it. */
static int others(struct tracer_state *st, struct tracer_task *t)
{
	size_t len = 0;
	int n = 0;

	EACH_TASK(st, u) {
		char path[64], comm[32] = "?";
		FILE *f;

		if (u == t || u->ordinal < 0)
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)u->tid);
		if ((f = fopen(path, "re"))) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = 0;
			fclose(f);
		}
		if (st->why && len < st->whylen) {
			int w = snprintf(st->why + len, st->whylen - len, "%s%s %d '%s'",
					 len ? ", " : "", u->pid == t->pid ? "thread" : "process",
					 (int)u->tid, comm);

			len += w > 0 ? (size_t)w : 0;
		}
	}
	return n;
}

/* t, at a stop outside any syscall, runs getpid at a syscall insn of its
 * text and stops at its exit: parked as at a seccomp point, tp->regs
 * there (each fork replaces that call with its clone). */
static int park_at_syscall(struct tracer_template *tp, struct tracer_task *t)
{
	struct user_regs_struct r = tp->start;
	uint64_t insn;
	int status, e, stops = 0;

	if ((e = remote_find_syscall_insn(t, &insn)) < 0)
		return e;
	r.rip = insn;
	r.rax = SYS_getpid;
	task_invalidate(t);
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &r) < 0)
		return -errno;
	/* Its entry stop, maybe a seccomp stop, its exit stop; the SIGTRAP
	 * of the trap is not delivered. */
	while (stops < 2) {
		if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0)
			return -errno;
		if ((e = wait_stop(t->tid, &status)) < 0)
			return e;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			stops++;
		else if ((unsigned)status >> 16 != PTRACE_EVENT_SECCOMP)
			return -EPROTO;
	}
	return ptrace(PTRACE_GETREGS, t->tid, 0, &tp->regs) < 0 ? -errno : 0;
}

/* t at its point: parked at a syscall-exit stop. trap: a trap stop, whose
 * registers are where every child starts. */
static void take(struct tracer_state *st, struct tracer_task *t, bool trap)
{
	struct tracer_session *s = session_of(st);
	struct tracer_template *tp = &s->tmpl;
	const struct tracer_snapshot *sn = st->opts->snapshot;
	int status, r;

	st->taking = false;
	if (others(st, t) > 0) {
		st->take_err = -EMLINK;
		return;	/* the caller ends the episode */
	}
	tp->at_trap = trap;
	if (trap) {
		if ((r = tracer_getregs(t, &tp->start)) < 0 || (r = park_at_syscall(tp, t)) < 0)
			goto fail_r;
		goto parked;
	}
	if ((r = tracer_getregs(t, &tp->regs)) < 0)
		goto fail_r;
	/* Skip the call and stop at its exit: the parking place every fork
	 * starts from. */
	task_invalidate(t);
	if (ptrace(PTRACE_POKEUSER, t->tid, offsetof(struct user_regs_struct, orig_rax), -1L) < 0 ||
	    ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0) {
		r = -errno;
		goto fail_r;
	}
	if ((r = wait_stop(t->tid, &status)) < 0)
		goto fail_r;
	if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
		r = -EPROTO;
		goto fail_r;
	}
parked:
	if (sn->taken && (r = sn->taken(sn->ctx, t)) < 0)
		goto fail_r;
	if (st->opts->hooks && st->opts->hooks->on_park &&
	    (r = st->opts->hooks->on_park(st->opts->hooks->ctx, t)) < 0)
		goto fail_r;
	tp->tid = t->tid;
	tp->mm = t->mm;
	tp->mm->refs++;
	tp->init = 0;
	EACH_TASK(st, u)
		if (u != t)
			tp->init = u->tid;	/* others() left only the init */
	tp->parked = true;
	st->parked = true;
	/* Out of the episode, alive: the loop ends with an empty table. */
	EACH_TASK(st, u)
		task_remove(st, u);
	return;
fail_r:
	st->take_err = r;
}

void template_take(struct tracer_state *st, struct tracer_task *t)
{
	take(st, t, false);
}

void template_take_trap(struct tracer_state *st, struct tracer_task *t)
{
	take(st, t, true);
}

/* One wait status of the template while unsettled: its step trap settles
 * it; another stop (a signal for it, dropped) steps on. */
static int template_stopped(struct tracer_template *tp, int status)
{
	if (!WIFSTOPPED(status)) {
		tp->gone = true;
		tp->unsettled = false;
		return -ESRCH;
	}
	if (WSTOPSIG(status) == SIGTRAP && (unsigned)status >> 16 == 0) {
		tp->unsettled = false;
		return 0;
	}
	return ptrace(PTRACE_SINGLESTEP, tp->tid, 0, 0) < 0 ? -errno : 0;
}

/* The template's step trap after the last fork's clone (or its death),
 * if the episode's loop has not seen it; after a fork from the stub, the
 * clone's exit stop: from there it runs a call as from any call's exit
 * (in the fork's event stop, a new rip would run with clone's return
 * value in rax). */
static int settle(struct tracer_template *tp)
{
	int status, e;

	while (tp->at_event && !tp->gone) {
		if (ptrace(PTRACE_SYSCALL, tp->tid, 0, 0) < 0)
			return -errno;
		if ((e = wait_stop(tp->tid, &status)) < 0) {
			tp->gone = true;
			return e;
		}
		/* A signal for the parked template is dropped (template_fork). */
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			tp->at_event = false;
	}

	while (tp->unsettled && !tp->gone) {
		pid_t r = waitpid(tp->tid, &status, __WALL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if ((e = template_stopped(tp, status)) < 0)
			return e;
	}
	return tp->gone ? -ESRCH : 0;
}

bool template_saw(struct tracer_state *st, pid_t tid, int status)
{
	struct tracer_template *tp = &session_of(st)->tmpl;

	if (!tp->parked || !tid)
		return false;
	if (tid == tp->init) {
		if (WIFSTOPPED(status))
			ptrace(PTRACE_CONT, tid, 0, 0);
		return true;
	}
	if (tid != tp->tid)
		return false;
	if (tp->unsettled)
		template_stopped(tp, status);
	else if (!WIFSTOPPED(status))
		tp->gone = true;
	return true;
}

/* The stub (tracer_template.stub) on an anonymous page of the
 * template's, mapped by a call of its own. Without it (the mapping
 * refused: a policy denying executable memory) every fork steps over the
 * point's syscall insn instead. */
static void make_stub(struct tracer_session *s)
{
	static const uint8_t code[8] = { 0xb8, SYS_clone, 0, 0, 0, 0x0f, 0x05, 0xcc };
	struct tracer_template *tp = &s->tmpl;
	const uint64_t args[6] = { 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
				   (uint64_t)-1, 0 };
	int64_t at = 0;
	uint64_t word;

	tp->stub_tried = true;
	memcpy(&word, code, sizeof(word));
	if (tracer_template_syscall(s, SYS_mmap, args, -1, NULL, 0, &at) < 0 ||
	    (at < 0 && at > -4096))
		return;
	/* PTRACE_POKEDATA writes through the page's protection. */
	if (ptrace(PTRACE_POKEDATA, tp->tid, at, word) == 0)
		tp->stub = (uint64_t)at;
}

/* A fork from the stub: resumed there, from the last fork's event stop
 * or from a call's exit, the template's next stop is this fork's event
 * (a seccomp stop first if the filter traces clone); it stays there. A
 * failed clone ends in the stub's int3. */
static pid_t fork_from_stub(struct tracer_template *tp)
{
	struct user_regs_struct r = tp->regs;
	int status, e;

	r.rip = tp->stub;
	r.orig_rax = -1;
	r.rdi = CLONE_PARENT | SIGCHLD;
	r.rsi = r.rdx = r.r10 = r.r8 = 0;
	if (ptrace(PTRACE_SETREGS, tp->tid, 0, &r) < 0 || ptrace(PTRACE_CONT, tp->tid, 0, 0) < 0)
		return -errno;
	tp->at_event = false;
	for (;;) {
		struct user_regs_struct now;

		if ((e = wait_stop(tp->tid, &status)) < 0) {
			tp->gone = true;
			return e;
		}
		if ((unsigned)status >> 16 == PTRACE_EVENT_FORK) {
			unsigned long msg = 0;

			if (ptrace(PTRACE_GETEVENTMSG, tp->tid, 0, &msg) < 0)
				return -errno;
			tp->at_event = true;
			return (pid_t)msg;
		}
		if (WSTOPSIG(status) == SIGTRAP && (unsigned)status >> 16 == 0 &&
		    ptrace(PTRACE_GETREGS, tp->tid, 0, &now) == 0 && now.rip == tp->stub + 8)
			return (long long)now.rax < 0 && (long long)now.rax > -4096 ? (int)now.rax
										       : -EIO;
		/* A signal for the parked template is dropped. */
		if (ptrace(PTRACE_CONT, tp->tid, 0, 0) < 0)
			return -errno;
	}
}

pid_t template_fork(struct tracer_session *s)
{
	struct tracer_template *tp = &s->tmpl;
	struct user_regs_struct r = tp->regs;
	uint64_t after = r.rip;
	pid_t child = 0;
	int status, e;

	if (!tp->stub_tried)
		make_stub(s);
	/* From the stub, the last fork's event stop is where to resume. */
	if ((!tp->stub || !tp->at_event) && (e = settle(tp)) < 0)
		return e;
	if (tp->stub && (child = fork_from_stub(tp)) < 0)
		return child;
	r.rip -= SYSCALL_INSN_LEN;
	r.rax = SYS_clone;
	r.orig_rax = -1;
	r.rdi = CLONE_PARENT | SIGCHLD;
	r.rsi = r.rdx = r.r10 = r.r8 = 0;
	/* Stepped over the insn, not PTRACE_SYSCALL: its only stop before the
	 * child can run is the fork event (and a seccomp stop if the filter
	 * traces clone); the step trap after it is waited for later, while
	 * the child runs (settle, template_saw). A failed clone, with no
	 * event, ends in that trap all the same: the template never runs
	 * on. The SIGTRAP of the last park is not delivered (signal 0). */
	if (!child && (ptrace(PTRACE_SETREGS, tp->tid, 0, &r) < 0 ||
		       ptrace(PTRACE_SINGLESTEP, tp->tid, 0, 0) < 0))
		return -errno;
	while (!child) {
		struct user_regs_struct now;

		if ((e = wait_stop(tp->tid, &status)) < 0)
			return e;
		if ((unsigned)status >> 16 == PTRACE_EVENT_FORK) {
			unsigned long msg = 0;

			if (ptrace(PTRACE_GETEVENTMSG, tp->tid, 0, &msg) < 0)
				return -errno;
			child = (pid_t)msg;
		} else if (WSTOPSIG(status) == SIGTRAP && (unsigned)status >> 16 == 0 &&
			   ptrace(PTRACE_GETREGS, tp->tid, 0, &now) == 0 && now.rip == after) {
			/* Past the insn without a fork: clone failed. */
			return (long long)now.rax < 0 && (long long)now.rax > -4096 ? (int)now.rax
										       : -EIO;
		}
		/* A signal for the parked template is dropped: nothing of the
		 * program runs in it any more. */
		if (ptrace(PTRACE_SINGLESTEP, tp->tid, 0, 0) < 0)
			return -errno;
	}
	tp->unsettled = !tp->at_event;
	if ((e = wait_stop(child, &status)) < 0)
		return e;
	if (tp->at_trap) {
		r = tp->start;
	} else {
		r = tp->regs;
		r.rip -= SYSCALL_INSN_LEN;
		r.rax = r.orig_rax;
	}
	r.orig_rax = -1;
	tp->child_start = r;
	if (ptrace(PTRACE_SETREGS, child, 0, &r) < 0) {
		e = -errno;
		kill(child, SIGKILL);
		waitpid(child, &status, __WALL);
		return e;
	}
	return child;
}

void template_kill(struct tracer_session *s)
{
	struct tracer_template *tp = &s->tmpl;
	int status;

	if (!tp->parked)
		return;
	kill(tp->tid, SIGKILL);
	if (tp->init)
		kill(tp->init, SIGKILL);
	while (waitpid(tp->tid, &status, __WALL) < 0 && errno == EINTR)
		;
	if (tp->init)
		while (waitpid(tp->init, &status, __WALL) < 0 && errno == EINTR)
			;
	tp->parked = false;
	tp->donor = 0;
	tp->unsettled = tp->gone = tp->at_event = false;
	tp->stub = 0;
	tp->stub_tried = false;
	if (--tp->mm->refs <= 0) {
		if (tp->mm->data && s->opts.hooks && s->opts.hooks->mm_free)
			s->opts.hooks->mm_free(s->opts.hooks->ctx, tp->mm->data);
		free(tp->mm);
	}
	tp->mm = NULL;
}

int tracer_template_syscall(struct tracer_session *s, long nr, const uint64_t args[6],
			    int data_arg, const void *data, size_t len, int64_t *ret)
{
	struct tracer_template *tp = &s->tmpl;
	struct user_regs_struct r = tp->regs;
	unsigned long long *argr[6] = { &r.rdi, &r.rsi, &r.rdx, &r.r10, &r.r8, &r.r9 };
	int status, e, stops = 0;
	long rax;

	if (!tp->parked)
		return -ESRCH;
	if (remote_refused(nr) || data_arg >= 6 || (data && data_arg < 0))
		return -EINVAL;
	/* After a fork it is parked in its step trap, maybe not seen yet;
	 * PTRACE_SYSCALL from there runs the insn as from a call's exit. */
	if ((e = settle(tp)) < 0)
		return e;
	for (int i = 0; i < 6; i++)
		*argr[i] = args[i];
	if (data) {
		/* Below the red zone: nothing of the program lives there. */
		uint64_t at = (tp->regs.rsp - 128 - len) & ~15ULL;
		struct iovec l = { (void *)data, len }, rm = { (void *)at, len };

		if (process_vm_writev(tp->tid, &l, 1, &rm, 1, 0) != (ssize_t)len)
			return -EFAULT;
		*argr[data_arg] = at;
	}
	r.rip -= SYSCALL_INSN_LEN;
	r.rax = nr;
	r.orig_rax = -1;
	if (ptrace(PTRACE_SETREGS, tp->tid, 0, &r) < 0 || ptrace(PTRACE_SYSCALL, tp->tid, 0, 0) < 0)
		return -errno;
	/* Entry stop, maybe a seccomp stop, exit stop, where it stays parked
	 * (the next fork steps from there); a signal for the parked template
	 * is dropped (template_fork). */
	while (stops < 2) {
		if ((e = wait_stop(tp->tid, &status)) < 0)
			return e;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			stops++;
		if (stops < 2 && ptrace(PTRACE_SYSCALL, tp->tid, 0, 0) < 0)
			return -errno;
	}
	errno = 0;
	rax = ptrace(PTRACE_PEEKUSER, tp->tid, offsetof(struct user_regs_struct, rax), 0);
	if (errno)
		return -errno;
	*ret = rax;
	/* Back as parked: each fork starts from these registers. */
	return ptrace(PTRACE_SETREGS, tp->tid, 0, &tp->regs) < 0 ? -errno : 0;
}
