/* loop.c - one episode's ptrace stops: what each kind of stop means and
 * how the tracer answers it; the end of a run (kill, drain, the timeout's
 * stack dump). The wait loop around it is in session.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <linux/audit.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer_int.h"
#include "util/util.h"

static void resume(struct tracer_task *t, int req, int sig)
{
	task_invalidate(t);
	sample_resumed(t);
	/* ESRCH: the task was killed meanwhile; its exit is reported next. */
	ptrace(req, t->tid, 0, sig);
}

static const struct tracer_hooks *hooks(struct tracer_state *st)
{
	return st->opts->hooks;
}

/* The jail's init under a parked template is in no episode: a stop of
 * its (a signal sent to pid 1, which ignores what it does not handle) is
 * passed over, never held as a new task or killed as one (which would end
 * the jail and the template with it). */
void episode_kill(struct tracer_state *st)
{
	EACH_TASK(st, t)
		kill(t->tid, SIGKILL);
	st->kill_sent = true;
}

/* After SIGKILL: reap until the tree is empty (bounded: a task that cannot
 * be reaped in 5 s is abandoned with EXITKILL as the last resort). */
void episode_drain(struct tracer_state *st)
{
	long long end = mono_ms() + 5000;
	int status;

	while (st->ntasks > 0 && mono_ms() < end) {
		pid_t tid = waitpid(-1, &status, WAIT_OWN);
		struct tracer_task *t;

		if (tid < 0) {
			if (errno == EINTR) {
				episode_kill(st);
				continue;
			}
			break;
		}
		t = task_find(st, tid);
		if (!t && template_saw(st, tid, status))
			continue;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (t)
				task_remove(st, t);
		} else if (!t) {
			kill(tid, SIGKILL);	/* a task born during the kill */
		}
	}
}

static bool sig_default_fatal(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	}
	return true;
}

/* Would delivering sig now kill the process? A caught signal runs its
 * handler; an ignored synchronous fault is still forced fatal by the
 * kernel. */
static bool signal_kills(pid_t tid, int sig, int si_code)
{
	unsigned long long bit = 1ULL << (sig - 1);
	struct proc_status ps;

	if (!sig_default_fatal(sig))
		return false;
	if (proc_status_read(tid, &ps) < 0)
		return true;
	if (ps.sig_cgt & bit)
		return false;
	if (ps.sig_ign & bit)
		return si_code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
				       sig == SIGFPE || sig == SIGTRAP);
	return true;
}

/* The task's process id as seen inside its own pid namespace, which is how
 * siginfo names a sender (from outside a jail it reads as 0). */
static pid_t ns_tgid(pid_t tid)
{
	struct proc_status ps;

	return proc_status_read(tid, &ps) < 0 ? -1 : ps.ns_tgid;
}

static void record_fatal(struct tracer_state *st, struct tracer_task *t, int sig,
			 const siginfo_t *si)
{
	struct run_result *res = st->res;

	if (st->fatal_seen)
		return;
	st->fatal_seen = true;
	res->end = RUN_SIGNALED;
	res->signal = sig;
	res->fault_pid = t->pid;
	res->fault_tid = t->tid;
	res->fault_ordinal = t->ordinal;
	res->si_code = si->si_code;
	res->fault_addr = (uint64_t)si->si_addr;
	res->in_loader = t->mm && t->mm->loader;
	if (st->opts->on_stacks)
		st->opts->on_stacks(st->opts->stack_arg, t->pid, &t->tid, &t->ordinal, 1);
}

/* The first synchronous fault the program's own handler is about to
 * catch: reported (on_caught) while the task still stands at the fault,
 * before the handler's frames cover it. Should the process die in that
 * handler (a re-raise, a crash of its own), the reporter makes this fault
 * the finding; a handler that recovers leaves it unused. */
static void record_caught(struct tracer_state *st, struct tracer_task *t, int sig,
			  const siginfo_t *si)
{
	struct run_result *res = st->res;
	bool sync = sig == SIGABRT ? si->si_code <= 0 :
		    (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL) &&
		    si->si_code > 0;

	if (!sync || res->first_signal || st->fatal_seen)
		return;
	res->first_signal = sig;
	res->first_si_code = si->si_code;
	res->first_addr = (uint64_t)si->si_addr;
	res->first_pid = t->pid;
	res->first_tid = t->tid;
	res->first_ordinal = t->ordinal;
	if (st->opts->on_caught)
		st->opts->on_caught(st->opts->stack_arg, t->pid, t->tid, t->ordinal, sig);
}

/* Making the template, at a stop of the main process past its loader. */
static bool snap_taking(const struct tracer_state *st, const struct tracer_task *t)
{
	return st->taking && t->pid == st->main_pid && t->mm && t->mm->exec_seen;
}

static void handle_signal(struct tracer_state *st, struct tracer_task *t, int sig)
{
	const struct tracer_snapshot *sn = st->opts->snapshot;
	siginfo_t si;
	bool ours;

	/* A signal stays pending or handled in a process put back: not one. */
	if (st->restore && t->pid == st->main_pid)
		st->restore_taint = true;
	if (sig == SIGTRAP) {
		int r = entry_check(t);

		if (r == 1) {
			if (hooks(st) && hooks(st)->on_entry)
				hooks(st)->on_entry(hooks(st)->ctx, t);
			if (snap_taking(st, t) && sn->on_entry && (r = sn->on_entry(sn->ctx, t)) < 0) {
				st->taking = false;
				st->take_err = r;
				episode_kill(st);
				return;
			}
			resume(t, PTRACE_CONT, 0);
			return;
		}
		if (snap_taking(st, t) && sn->on_trap && sn->on_trap(sn->ctx, t) == 1) {
			template_take_trap(st, t);	/* parks it: no resume here */
			if (!st->parked)
				episode_kill(st);
			return;
		}
		if (hooks(st) && hooks(st)->on_trap && hooks(st)->on_trap(hooks(st)->ctx, t) == 1) {
			resume(t, PTRACE_CONT, 0);
			return;
		}
	}
	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) < 0)
		si.si_code = 0;
	if (sig != SIGTRAP && hooks(st) && hooks(st)->on_signal &&
	    hooks(st)->on_signal(hooks(st)->ctx, t, sig, &si) == 1) {
		resume(t, PTRACE_CONT, 0);
		return;
	}
	/* A signal another process sent on purpose (fzsandbox ending a run, a
	 * parent killing its worker, a shell) is never a finding; one a
	 * process sends itself (abort, raise) or the kernel raises is. */
	ours = si.si_code <= 0 && si.si_pid != ns_tgid(t->tid);
	/* Re-raised after fzsandbox delivered it (a handler's "clean up and
	 * die of the same signal"): the program's answer to our request. */
	if (!ours && t->mm && (t->mm->delivered & (1ULL << (sig - 1))))
		ours = true;
	/* The writer of a pipeline dying of SIGPIPE when its reader is done
	 * (yes | head) is how Unix pipelines end. The main process dying of
	 * it (a service killed by a vanished client) is still a finding. */
	if (!ours && sig == SIGPIPE && t->pid != st->main_pid)
		ours = true;
	if (!ours && signal_kills(t->tid, sig, si.si_code))
		record_fatal(st, t, sig, &si);
	else if (!ours)
		record_caught(st, t, sig, &si);
	resume(t, PTRACE_CONT, sig);
}

struct tracer_mm *mm_copy(struct tracer_state *st, struct tracer_mm *parent)
{
	struct tracer_mm *mm = mm_new_empty();

	if (!mm)
		return NULL;
	*mm = *parent;
	mm->refs = 0;
	mm->data = NULL;
	if (parent->data && hooks(st) && hooks(st)->mm_fork &&
	    hooks(st)->mm_fork(hooks(st)->ctx, parent->data, &mm->data) < 0)
		mm->data = NULL;
	return mm;
}

static void handle_new_task(struct tracer_state *st, struct tracer_task *t, int event)
{
	unsigned long msg = 0;
	struct tracer_task *c;
	bool thread = false;
	pid_t ctid;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) < 0)
		goto out;
	ctid = (pid_t)msg;
	if (event == PTRACE_EVENT_CLONE)
		thread = task_tgid_of(ctid) == t->pid;
	c = task_find(st, ctid);
	if (!c) {
		c = task_add(st, ctid, ctid, NULL);
		if (!c) {
			kill(ctid, SIGKILL);
			goto out;
		}
	}
	c->ordinal = st->next_ordinal++;
	c->pid = thread ? t->pid : ctid;
	if (thread || event == PTRACE_EVENT_VFORK) {
		c->mm = t->mm;
	} else {
		c->mm = mm_copy(st, t->mm);
		if (!c->mm) {
			kill(ctid, SIGKILL);
			goto out;
		}
	}
	c->mm->refs++;
	if (hooks(st) && hooks(st)->on_task)
		hooks(st)->on_task(hooks(st)->ctx, c);
	if (c->started)		/* its first stop came first and was held */
		resume(c, PTRACE_CONT, 0);
out:
	resume(t, PTRACE_CONT, 0);
}

static void handle_exec(struct tracer_state *st, struct tracer_task *t, int *errfd)
{
	unsigned long former = 0;
	struct tracer_mm *mm = mm_new_empty();

	/* A non-leader thread that execs takes over the leader's tid. */
	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former) == 0 && (pid_t)former != t->tid) {
		struct tracer_task *old = task_find(st, (pid_t)former);

		if (old)
			task_remove(st, old);
	}
	/* In a jail the main process is the first to exec the program,
	 * not the jail's init that was spawned. */
	if (st->main_is_init) {
		st->main_pid = t->tid;
		st->main_is_init = false;
	}
	if (t->tid == st->main_pid && *errfd >= 0) {
		close(*errfd);	/* exec succeeded: no set-up error to read */
		*errfd = -1;
	}
	if (!mm) {
		kill(t->tid, SIGKILL);
		return;
	}
	if (t->mm)
		mm_put(st, t->mm);
	t->mm = mm;
	mm->refs = 1;
	mm->exec_seen = true;
	mm->loader = true;
	if (hooks(st) && hooks(st)->mm_new && hooks(st)->mm_new(hooks(st)->ctx, t, &mm->data) < 0)
		mm->data = NULL;
	if (entry_plant(t) < 0)
		mm->loader = false;	/* no boundary known: treat as the program */
	resume(t, PTRACE_CONT, 0);
}

/* The gate (the jail's deny policy), before any hook and in the loader
 * phase too: a refused call that is a violation is reported while its task
 * is stopped at it (so it can be unwound), then failed; the program goes
 * on. */
static bool refuse(struct tracer_state *st, struct tracer_task *t)
{
	const struct tracer_opts *o = st->opts;
	char line[192] = "";
	int err = o->gate->check(o->gate->ctx, &t->sc, line, sizeof(line));

	if (err <= 0)
		return false;
	if (line[0] && o->on_violation)
		o->on_violation(o->stack_arg, t->pid, t->tid, t->ordinal, line);
	tracer_fail_syscall(t, err);
	return true;
}

/* Does the episode's observer want this call's result? */
static bool observed(const struct tracer_state *st, const struct tracer_task *t)
{
	const struct tracer_observer *ob = st->ep ? st->ep->observer : NULL;
	int nr = t->sc.nr;

	return ob && ob->on_exit && ob->exit_set && t->sc.arch == AUDIT_ARCH_X86_64 && nr >= 0 &&
	       nr < SYSCALL_MAX && ((ob->exit_set[nr / 8] >> (nr % 8)) & 1);
}

static void handle_seccomp(struct tracer_state *st, struct tracer_task *t)
{
	const struct tracer_hooks *h = hooks(st);
	bool hooked, watch_only;

	task_invalidate(t);
	t->in_seccomp = true;
	t->skip = t->want_exit = t->hook_exit = t->watch_exit = t->observe_exit = false;
	if (task_read_syscall(t) < 0) {
		/* Fail closed: a call the gate might refuse does not run. */
		if (st->opts->gate)
			tracer_fail_syscall(t, EPERM);
		t->in_seccomp = false;
		resume(t, PTRACE_CONT, 0);
		return;
	}
	/* Made to exit after a restore that could not be (snaprestore.c):
	 * the hooks saw this exit_group already. */
	if (t->exiting) {
		t->in_seccomp = false;
		resume(t, PTRACE_CONT, 0);
		return;
	}
	watch_only = (t->ret_data & TRACER_TAG_MASK) == TRACER_TAG_WATCH;
	if (!watch_only && t->sc.arch == AUDIT_ARCH_X86_64 && t->sc.nr >= 0 && t->sc.nr < SYSCALL_MAX)
		st->res->syscalls[t->sc.nr]++;
	if (st->opts->gate && st->opts->gate->check && refuse(st, t)) {
		t->in_seccomp = false;
		resume(t, PTRACE_CONT, 0);
		return;
	}
	if (st->restore && t->pid == st->main_pid)
		snaprestore_note(st, t);
	/* Stopped for the restore alone: not the program's traced calls
	 * (an exit_group the trace set has not: the restore's end). */
	if (watch_only) {
		t->in_seccomp = false;
		if (st->restore && t->pid == st->main_pid && t->sc.nr == SYS_exit_group &&
		    snaprestore_end(st, t))
			return;
		resume(t, PTRACE_CONT, 0);
		return;
	}
	if (st->svc && st->svc->on_exit && !st->watch_done && t->sc.nr == st->svc->watch_nr &&
	    t->sc.arch == AUDIT_ARCH_X86_64) {
		t->want_exit = true;
		t->watch_exit = true;
	}
	if (observed(st, t))
		t->want_exit = t->observe_exit = true;
	hooked = t->mm && t->mm->exec_seen && (!t->mm->loader || st->opts->from_exec);
	if (st->taking && t->pid == st->main_pid && t->mm && t->mm->exec_seen && !t->mm->loader &&
	    st->opts->snapshot->is_point &&
	    st->opts->snapshot->is_point(st->opts->snapshot->ctx, t, &t->sc) == 1) {
		t->in_seccomp = false;
		template_take(st, t);	/* parks it: no resume here */
		if (!st->parked)
			episode_kill(st);
		return;
	}
	if (!st->taking && t->pid == st->main_pid && session_of(st)->tmpl.parked &&
	    st->opts->snapshot->is_idle)
		st->idle = st->opts->snapshot->is_idle(st->opts->snapshot->ctx, t, &t->sc) == 1;
	if (st->forked && st->opts->snapshot->on_child_call && t->sc.arch == AUDIT_ARCH_X86_64)
		st->opts->snapshot->on_child_call(st->opts->snapshot->ctx, t, &t->sc);
	if (hooked && h && h->on_syscall && t->sc.ent)
		h->on_syscall(h->ctx, t, &t->sc);
	t->in_seccomp = false;
	/* Put back in place instead of exiting: the episode is over. */
	if (st->restore && t->pid == st->main_pid && t->sc.nr == SYS_exit_group && !t->skip &&
	    snaprestore_end(st, t))
		return;
	if (t->hold_until_ms > 0 && !t->skip) {
		/* Held: not resumed now; the run's deadline moves on with it. */
		st->deadline_ms += t->hold_until_ms - mono_ms();
		return;
	}
	t->hold_until_ms = 0;
	resume(t, t->want_exit ? PTRACE_SYSCALL : PTRACE_CONT, 0);
}

void episode_release_held(struct tracer_state *st, long long now)
{
	EACH_TASK(st, t)
		if (t->hold_until_ms > 0 && now >= t->hold_until_ms) {
			t->hold_until_ms = 0;
			resume(t, t->want_exit ? PTRACE_SYSCALL : PTRACE_CONT, 0);
		}
}

static void handle_syscall_exit(struct tracer_state *st, struct tracer_task *t)
{
	const struct tracer_hooks *h = hooks(st);
	long ret;

	task_invalidate(t);
	task_restore_arg(t);
	errno = 0;
	ret = ptrace(PTRACE_PEEKUSER, t->tid, offsetof(struct user_regs_struct, rax), 0);
	if (t->hook_exit && h && h->on_syscall_exit)
		h->on_syscall_exit(h->ctx, t, &t->sc, ret);
	if (t->watch_exit && !st->watch_done && st->svc->on_exit(st->svc->arg, t, &t->sc, ret) == 1)
		st->watch_done = true;
	if (t->observe_exit)
		st->ep->observer->on_exit(st->ep->observer->arg, t, &t->sc, ret);
	t->want_exit = t->hook_exit = t->watch_exit = t->observe_exit = false;
	resume(t, PTRACE_CONT, 0);
}

void read_setup_error(struct spawn_err *e, struct run_result *res, int *errfd)
{
	if (*errfd < 0)
		return;
	if (read(*errfd, e, sizeof(*e)) == (ssize_t)sizeof(*e)) {
		res->end = RUN_SETUP_FAILED;
		res->setup_stage = e->stage;
		res->setup_errno = e->e.err;
		res->setup_step = e->stage == STAGE_LAUNCH ? e->e.step : 0;
		memcpy(res->setup_path, e->e.path, sizeof(res->setup_path));
		res->setup_path[sizeof(res->setup_path) - 1] = 0;
	}
	close(*errfd);
	*errfd = -1;
}

static void handle_gone(struct tracer_state *st, struct tracer_task *t, int status, int *errfd)
{
	if (t->tid == st->main_pid) {
		st->main_gone = true;
		read_setup_error(&session_of(st)->err, st->res, errfd);
		if (WIFEXITED(status) && st->res->end == RUN_EXITED)
			st->res->exit_status = WEXITSTATUS(status);
		else if (WIFSIGNALED(status) && st->res->end == RUN_EXITED)
			st->res->exit_status = 128 + WTERMSIG(status);
		if (st->ntasks > 1 && !st->grace_ms)
			st->grace_ms = mono_ms() + st->opts->grace_ms;
	}
	/* A kill of the main process nobody here asked for (the OOM killer,
	 * RLIMIT_CPU's SIGKILL). Other processes of the tree are often killed
	 * by their own parents, which is no finding. */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !st->kill_sent &&
	    t->pid == st->main_pid &&
	    !st->fatal_seen && st->res->end == RUN_EXITED) {
		st->fatal_seen = true;
		st->res->end = RUN_SIGNALED;
		st->res->signal = SIGKILL;
		st->res->fault_pid = t->pid;
		st->res->fault_tid = t->tid;
		st->res->fault_ordinal = t->ordinal;
		st->res->si_code = SI_KERNEL;
	}
	task_remove(st, t);
}

void episode_dispatch(struct tracer_state *st, pid_t tid, int status, int *errfd)
{
	struct tracer_task *t = task_find(st, tid);
	int sig, event;

	if (!t && template_saw(st, tid, status))
		return;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (t)
			handle_gone(st, t, status, errfd);
		return;
	}
	/* Out of its hold some other way (SIGKILL, an exit stop): the stop
	 * it was held at is over. */
	if (t)
		t->hold_until_ms = 0;
	if (!t) {
		/* A new task's first stop, before its parent's creation event:
		 * hold it until we know its address space. */
		t = task_add(st, tid, tid, NULL);
		if (!t) {
			kill(tid, SIGKILL);
			return;
		}
		t->started = true;
		return;
	}
	sig = WSTOPSIG(status);
	event = (unsigned)status >> 16;
	/* Sampled (sample.c): its stack where this stop finds it. */
	if (t->sample_due && t->started)
		sample_take(st, t);
	if (sig == (SIGTRAP | 0x80))
		handle_syscall_exit(st, t);
	else if (event == PTRACE_EVENT_SECCOMP)
		handle_seccomp(st, t);
	else if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK)
		handle_new_task(st, t, event);
	else if (event == PTRACE_EVENT_EXEC)
		handle_exec(st, t, errfd);
	else if (event == PTRACE_EVENT_STOP) {
		if (!t->started) {
			t->started = true;
			if (t->mm)
				resume(t, PTRACE_CONT, 0);
		} else if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			resume(t, PTRACE_LISTEN, 0);	/* a real group-stop */
		} else {
			resume(t, PTRACE_CONT, 0);
		}
	} else if (event == 0)
		handle_signal(st, t, sig);
	else
		resume(t, PTRACE_CONT, 0);
}

/* Timeout: stop every task where it is, hand their stacks to the reporter,
 * then kill the tree. */
void episode_dump_and_kill(struct tracer_state *st)
{
	long long end = mono_ms() + 500;
	int status;
	pid_t tids[TRACER_MAX_THREADS];
	int ords[TRACER_MAX_THREADS];

	EACH_TASK(st, t) {
		t->regs_valid = false;
		/* reused as "stopped for the dump": a held task already is */
		t->started = t->hold_until_ms > 0;
		if (!t->started)
			ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
	}
	for (;;) {
		int pending = 0;
		pid_t tid;
		struct tracer_task *t;

		EACH_TASK(st, u)
			pending += !u->started;
		if (!pending || mono_ms() > end)
			break;
		tid = waitpid(-1, &status, WAIT_OWN);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		t = task_find(st, tid);
		if (!t) {
			template_saw(st, tid, status);
			continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			task_remove(st, t);
		else
			t->started = true;
	}
	if (st->opts->on_stacks) {
		struct tracer_task *all[256];
		int nall = 0;

		EACH_TASK(st, u)
			if (u->started && nall < 256)
				all[nall++] = u;
		/* One call per process, the main process first. */
		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i < nall; i++) {
				struct tracer_task *lead = all[i];
				int n = 0;

				/* ordinal < 0: the jail's init, not the program */
				if (lead->tid != lead->pid || lead->ordinal < 0 ||
				    (pass == 0) != (lead->pid == st->main_pid))
					continue;
				for (int j = 0; j < nall && n < TRACER_MAX_THREADS; j++)
					if (all[j]->pid == lead->pid) {
						tids[n] = all[j]->tid;
						ords[n++] = all[j]->ordinal;
					}
				st->opts->on_stacks(st->opts->stack_arg, lead->pid, tids, ords, n);
			}
	}
	episode_kill(st);
	episode_drain(st);
}
