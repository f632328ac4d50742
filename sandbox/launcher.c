/* launcher.c - the sandbox as the tracer's launcher (tracer/tracer.h): the
 * jail's namespaces and first process, the rlimits, the cgroup, and which
 * inherited descriptors the target keeps. The tracer clones, stdio-
 * redirects, filters and execs; everything here between clone and exec is
 * async-signal-safe (no allocation: the plans were made by sandbox_new and
 * sandbox_rlimits_plan in the parent). */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"
#include "tracer/tracer.h"

/* The tracer carries a failed step back through its error pipe as an
 * opaque {step, errno, path}. */
static int to_tracer(const struct sandbox_err *se, struct tracer_setup_err *e)
{
	size_t n = sizeof(e->path) < sizeof(se->path) ? sizeof(e->path) : sizeof(se->path);

	e->step = se->step;
	e->err = se->err;
	memcpy(e->path, se->path, n);
	e->path[sizeof(e->path) - 1] = 0;
	return -se->err;
}

/* close(2) every descriptor above 2 but keep (the error pipe, close-on-exec
 * already). close_range where the kernel has it (5.9), else one close per
 * possible descriptor. */
static void close_fds_but(int keep)
{
	struct rlimit rl;
	int max;

#ifdef SYS_close_range
	if ((keep <= 3 || syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, keep < 3 ? 3U : (unsigned)keep + 1, ~0U, 0U) == 0)
		return;
#endif
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max < (1U << 20) ? (int)rl.rlim_max : 1 << 20;
	for (int fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* The jail's namespaces are made by the tracer's clone; the run's idmapped
 * trees are made just before it (the child inherits them). */
static int prepare(void *ctx, struct tracer_setup_err *e)
{
	const struct sandbox_launch *l = ctx;
	struct sandbox_err se = { 0 };

	if (l->sb && sandbox_run_begin(l->sb, &se) < 0)
		return to_tracer(&se, e);
	return 0;
}

static unsigned long clone_flags(void *ctx)
{
	const struct sandbox_launch *l = ctx;

	return l->sb ? sandbox_clone_flags(l->sb) : 0;
}

static void cloned(void *ctx, pid_t pid)
{
	const struct sandbox_launch *l = ctx;

	(void)pid;
	if (l->sb)
		sandbox_run_end(l->sb);
}

static int after_clone(void *ctx, pid_t pid, struct tracer_setup_err *e)
{
	const struct sandbox_launch *l = ctx;
	struct sandbox_err se = { 0 };

	/* Only a process outside the jail's user namespace can map its ids
	 * (user_namespaces(7)). */
	if (l->sb && sandbox_map_ids(l->sb, pid, &se) < 0)
		return to_tracer(&se, e);
	/* Before the child runs anything: nothing it starts escapes the
	 * cgroup's limits (the tracer itself stays outside). */
	if (l->cg && sandbox_cgroup_attach(l->cg, pid, &se) < 0)
		return to_tracer(&se, e);
	return 0;
}

/* The target, on the plan's stack in the init's memory (vfork-like):
 * its own set-up, then the tracer's finish, which execs. */
struct target_start {
	const struct sandbox_launch *l;
	void (*finish)(void *arg, const struct tracer_setup_err *e);
	void *finish_arg;
	sigset_t mask;		/* the signal mask before the init blocked SIGCHLD */
};

/* AFL++'s edge map, made by the target itself in the jail's IPC
 * namespace (fzsandbox outside cannot setns into it unprivileged), owned
 * by the ids it execs with; its id in decimal into the environment. The
 * namespace goes with the jail, and the segment with it
 * (kernel-facts.md#ipcns-shm). */
static int make_shm(const struct sandbox_launch *l, struct sandbox_err *se)
{
	char digits[SANDBOX_SHM_ID_LEN];
	int id = shmget(IPC_PRIVATE, l->shm_size, IPC_CREAT | 0600), n = 0;

	if (id < 0)
		return sb_fail(se, SB_SHM, NULL, errno);
	do
		digits[n++] = (char)('0' + id % 10);
	while ((id /= 10) && n < SANDBOX_SHM_ID_LEN - 1);
	for (int i = 0; i < n; i++)
		l->shm_id[i] = digits[n - 1 - i];
	l->shm_id[n] = 0;
	return 0;
}

static int target_main(void *arg)
{
	const struct target_start *ts = arg;
	struct sandbox_err se = { 0 };
	struct tracer_setup_err e;

	/* The program gets the mask fzsandbox was started with, not the
	 * init's blocked SIGCHLD. */
	sigprocmask(SIG_SETMASK, &ts->mask, NULL);

	if (sandbox_drop(ts->l->sb, &se) < 0 ||
	    (ts->l->rl && sandbox_rlimits_apply(ts->l->rl, &se) < 0) ||
	    (ts->l->shm_size && make_shm(ts->l, &se) < 0)) {
		to_tracer(&se, &e);
		ts->finish(ts->finish_arg, &e);
	}
	ts->finish(ts->finish_arg, NULL);
	return 127;	/* not reached: finish execs or exits */
}

/* The jail's first process (sandbox.h): build the jail, start the target
 * below it and stay as the jail's pid 1. Never returns: the target runs
 * the tracer's finish. */
static int jail(const struct sandbox_launch *l, int errfd, struct sandbox_err *se,
		void (*finish)(void *arg, const struct tracer_setup_err *e), void *finish_arg)
{
	const struct sandbox *sb = l->sb;
	struct target_start ts = { .l = l, .finish = finish, .finish_arg = finish_arg };
	sigset_t chld;
	pid_t pid;

	if (sandbox_enter(sb, se) < 0)
		return -se->err;
	/* After the jail is built (its idmapped trees were descriptors) and
	 * before the clone, so its init holds none either. */
	close_fds_but(errfd);
	/* CLONE_VM|CLONE_VFORK on a stack of the plan's: a fork would copy
	 * fzsandbox's whole address space (every library's page tables) only
	 * for the exec to drop it, a millisecond or more per run. This
	 * process waits in the clone until the target has exec'd or exited,
	 * so the target may use its memory (ts, the plan) meanwhile. glibc's
	 * clone is a bare syscall wrapper: no fork handlers, no malloc locks
	 * (we are a raw clone of a possibly multi-threaded fzsandbox). */
	/* SIGCHLD blocked before the target exists, not once the init gets
	 * to run (sandbox_init): on a loaded machine a snapshot run could end
	 * first, and the init, a tracee outside any episode then, would stop
	 * to deliver it (kernel-facts.md#init-sigchld). */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &ts.mask) < 0)
		return sb_fail(se, SB_FORK, NULL, errno);
	pid = clone(target_main, sandbox_target_stack(sb), CLONE_VM | CLONE_VFORK | SIGCHLD, &ts);
	if (pid < 0)
		return sb_fail(se, SB_FORK, NULL, errno);
	close(errfd);	/* the target's copy reports its own failures */
	close(0);
	close(1);
	close(2);
	_exit(sandbox_init(sb, pid));
}

static int child_setup(void *ctx, int errfd, struct tracer_setup_err *e,
		       void (*finish)(void *arg, const struct tracer_setup_err *e), void *finish_arg)
{
	const struct sandbox_launch *l = ctx;
	struct sandbox_err se = { 0 };

	/* Descriptors fzsandbox's caller left open (a shell's 9<file, a make
	 * jobserver's pipe) are host files the jail must not reach and state
	 * every run of a campaign would share. Only keep_fds without the jail
	 * passes them on, like env(1). The jail closes them itself. */
	if (!l->sb && !l->keep_fds)
		close_fds_but(errfd);
	if (l->sb && jail(l, errfd, &se, finish, finish_arg) < 0)
		return to_tracer(&se, e);
	if (l->rl && sandbox_rlimits_apply(l->rl, &se) < 0)
		return to_tracer(&se, e);
	return 0;
}

static const char *exec_path(void *ctx)
{
	const struct sandbox_launch *l = ctx;

	return l->sb ? sandbox_exec_path(l->sb) : NULL;
}

void sandbox_launcher(const struct sandbox_launch *l, struct tracer_launcher *out)
{
	*out = (struct tracer_launcher){
		.ctx = (void *)l,
		.first_is_init = l->sb != NULL,
		.prepare = prepare,
		.clone_flags = clone_flags,
		.cloned = cloned,
		.after_clone = after_clone,
		.child_setup = child_setup,
		.exec_path = exec_path,
	};
}
