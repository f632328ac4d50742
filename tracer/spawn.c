/* spawn.c - start the target: clone (through the launcher), wait for the
 * tracer to seize us, then stdio, the launcher's set-up, seccomp filter and
 * exec. The child only makes async-signal-safe syscalls (the filter is
 * compiled in the parent), because fzsandbox may have other threads (the
 * service driver) holding locks at fork time. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/tracer_int.h"
#include "util/util.h"

static const char *const stage_names[] = {
	[STAGE_NONE] = "start",
	[STAGE_SYNC] = "synchronise with the tracer",
	[STAGE_STDIN] = "open standard input",
	[STAGE_STDIO] = "redirect standard streams",
	[STAGE_CWD] = "change directory",
	[STAGE_NNP] = "set no_new_privs",
	[STAGE_SECCOMP] = "install the seccomp filter",
	[STAGE_EXEC] = "execute the program",
	[STAGE_LAUNCH] = "prepare the target (launcher)",
	[STAGE_PERSONALITY] = "turn address randomization off",
};

const char *spawn_stage_name(int stage)
{
	if (stage < 0 || stage >= (int)(sizeof(stage_names) / sizeof(stage_names[0])))
		return "unknown stage";
	return stage_names[stage];
}

/* Compile the filter: TRACE (with the syscall number as data, so the stop
 * says which rule fired) for the selected syscalls, ALLOW for the rest, so
 * untouched syscalls pay only the seccomp floor. With a gate, its own
 * rules (the jail's deny policy) are added. watch: the calls a run put
 * back in place must not make stop too (TRACER_TAG_WATCH; restore_calls.c),
 * counted as traced for the gate. */
static int build_filter(const uint8_t *set, const struct tracer_cond *conds, int nconds,
			const struct tracer_gate *gate, bool watch, struct sock_fprog *prog)
{
	uint8_t stops[SYSCALL_MAX / 8], watched[SYSCALL_MAX / 8] = { 0 };
	scmp_filter_ctx ctx;
	int fd = -1, r = 0, any = nconds;
	off_t len;

	/* Nothing to stop on: no filter at all, so untouched syscalls run at
	 * native speed (an ALLOW-only filter still costs ~40 ns a call). */
	if (watch)
		restore_calls_watch(watched);
	for (int i = 0; i < SYSCALL_MAX / 8; i++)
		any |= (set ? set[i] : 0) | watched[i];
	if (!any && !(gate && gate->add_rules))
		return 0;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* A binary tree over the syscall numbers instead of libseccomp's
	 * default linear chain: with a gate's ~45 deny rows every untouched
	 * call would otherwise walk most of them. Older libseccomp lacks the
	 * attribute; the chain is then correct, only slower. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (int nr = 0; set && nr < SYSCALL_MAX; nr++) {
		if (!(set[nr / 8] & (1 << (nr % 8))))
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(nr), nr, 0);
		if (r < 0)
			goto out;
	}
	/* A conditional stop: one rule per bit (libseccomp has no "any bit"
	 * compare). Its syscall counts as traced for the gate, which judges
	 * every stop (the gate's own conditions must fall inside these). */
	memcpy(stops, set ? set : (const uint8_t[SYSCALL_MAX / 8]){ 0 }, sizeof(stops));
	for (int i = 0; i < nconds; i++) {
		const struct tracer_cond *c = &conds[i];

		if (c->nr < 0 || c->nr >= SYSCALL_MAX || (stops[c->nr / 8] & (1 << (c->nr % 8))))
			continue;
		for (int b = 0; b < 64 && r == 0; b++)
			if ((c->bits >> b & 1) && (c->arg & TRACER_COND_VALUES))
				/* An int argument: its low 32 bits equal b. */
				r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(c->nr), c->nr, 1,
						     SCMP_CMP(c->arg & ~TRACER_COND_VALUES,
							      SCMP_CMP_MASKED_EQ, 0xffffffffULL,
							      (uint64_t)b));
			else if (c->bits >> b & 1)
				r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(c->nr), c->nr, 1,
						     SCMP_CMP(c->arg, SCMP_CMP_MASKED_EQ, 1ULL << b,
							      1ULL << b));
		if (r < 0)
			goto out;
	}
	for (int i = 0; i < nconds; i++)
		if (conds[i].nr >= 0 && conds[i].nr < SYSCALL_MAX)
			stops[conds[i].nr / 8] |= 1 << (conds[i].nr % 8);
	for (int nr = 0; nr < SYSCALL_MAX && r == 0; nr++) {
		if (!(watched[nr / 8] & (1 << (nr % 8))) || (stops[nr / 8] & (1 << (nr % 8))))
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(TRACER_TAG_WATCH | nr), nr, 0);
		stops[nr / 8] |= 1 << (nr % 8);
	}
	if (r < 0)
		goto out;
	if (gate && gate->add_rules) {
		r = gate->add_rules(gate->ctx, ctx, stops);
		if (r < 0)
			goto out;
	}
	fd = memfd_create("fz-bpf", MFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		goto out;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(struct sock_filter)) {
		r = -EINVAL;
		goto out;
	}
	prog->filter = malloc(len);
	prog->len = len / sizeof(struct sock_filter);
	if (!prog->filter) {
		r = -ENOMEM;
		goto out;
	}
	if (pread(fd, prog->filter, len, 0) != len) {
		r = errno ? -errno : -EIO;
		free(prog->filter);
		prog->filter = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return r;
}

static void report_err(int errfd, int stage, int err, const struct tracer_setup_err *se)
{
	struct spawn_err e = { .stage = stage };

	if (se)
		e.e = *se;
	e.e.err = err;
	e.e.path[sizeof(e.e.path) - 1] = 0;
	if (write(errfd, &e, sizeof(e)) < 0) {
		/* nothing left to report through */
	}
}

/* The filter depends only on the trace set and the gate's rules: compile
 * each pair once per session (a few sets alternate: tracer_episode). */
static int filter_for(struct tracer_session *s, const uint8_t *set, const struct tracer_cond *conds,
		      int nconds, const struct tracer_gate *gate, const struct sock_fprog **prog)
{
	static const uint8_t none[SYSCALL_MAX / 8];
	const uint8_t *want = set ? set : none;
	unsigned long id = gate && gate->add_rules ? gate->rules_id : 0;
	bool watch = s->making_template && snaprestore_wanted(s);
	struct filter_cache *c;
	int r;

	for (int i = 0; i < FILTER_CACHE_N; i++) {
		c = &s->filter[i];
		if (c->valid && c->rules_id == id && c->watch == watch &&
		    memcmp(c->set, want, sizeof(c->set)) == 0 &&
		    c->nconds == nconds &&
		    (!nconds || !memcmp(c->conds, conds, (size_t)nconds * sizeof(*conds)))) {
			*prog = &c->prog;
			return 0;
		}
	}
	c = &s->filter[s->filter_next++ % FILTER_CACHE_N];
	filter_cache_free(c);
	if (fz_debug_on()) {
		int n = 0;

		for (int nr = 0; nr < SYSCALL_MAX; nr++)
			n += (want[nr / 8] >> (nr % 8)) & 1;
		fz_debug("filter: compiled for a trace set of %d syscalls\n", n);
	}
	if ((r = build_filter(want, conds, nconds, gate, watch, &c->prog)) < 0)
		return r;
	memcpy(c->set, want, sizeof(c->set));
	if (nconds)
		memcpy(c->conds, conds, (size_t)nconds * sizeof(*conds));
	c->nconds = nconds;
	c->rules_id = id;
	c->watch = watch;
	c->valid = true;
	*prog = &c->prog;
	return 0;
}

void filter_cache_free(struct filter_cache *c)
{
	free(c->prog.filter);
	memset(c, 0, sizeof(*c));
}

TRACER_ON_OWN_STACK __attribute__((noreturn)) static void child_fail(int errfd, int stage)
{
	report_err(errfd, stage, errno, NULL);
	_exit(127);
}

/* What the rest of the child needs, for a launcher's finish. */
struct child_tail {
	const struct tracer_opts *o;
	const struct sock_fprog *prog;
	int errfd;
};

static void child_rest(const struct tracer_opts *o, const struct sock_fprog *prog, int errfd)
	__attribute__((noreturn)) TRACER_ON_OWN_STACK;
static void child_finish(void *arg, const struct tracer_setup_err *se)
	__attribute__((noreturn)) TRACER_ON_OWN_STACK;

static void child(const struct tracer_opts *o, const struct tracer_episode *ep,
		  const struct sock_fprog *prog, int syncfd, int errfd)
{
	const struct tracer_launcher *l = o->launcher;
	char c;
	int in;

	if (read(syncfd, &c, 1) != 1)
		child_fail(errfd, STAGE_SYNC);
	if (c != 'g')
		_exit(127);	/* the parent failed and reported why */
	close(syncfd);
	/* Out of the terminal's foreground group: a ^C meant for fzsandbox
	 * must not reach the target as if it were the program's own signal.
	 * Passthrough keeps the caller's group and, without --stdin, its
	 * standard input (like bwrap). */
	if (!o->passthrough)
		setpgid(0, 0);
	if (!o->passthrough || o->stdin_path) {
		in = open(o->stdin_path ? o->stdin_path : "/dev/null", O_RDONLY);
		if (in < 0)
			child_fail(errfd, STAGE_STDIN);
		if (dup2(in, 0) < 0)
			child_fail(errfd, STAGE_STDIO);
		if (in != 0)
			close(in);
	}
	if ((ep->stdout_fd >= 0 && dup2(ep->stdout_fd, 1) < 0) ||
	    (ep->stderr_fd >= 0 && dup2(ep->stderr_fd, 2) < 0))
		child_fail(errfd, STAGE_STDIO);
	/* Standard input was opened above, before a jail hides its path. */
	if (l && l->child_setup) {
		struct tracer_setup_err se = { 0 };
		struct child_tail tail = { o, prog, errfd };

		if (l->child_setup(l->ctx, errfd, &se, child_finish, &tail) < 0) {
			report_err(errfd, STAGE_LAUNCH, se.err, &se);
			_exit(127);
		}
	}
	child_rest(o, prog, errfd);
}

/* The launcher's finish (tracer.h): in the process that is to exec,
 * possibly on a stack of the launcher's. */
static void child_finish(void *arg, const struct tracer_setup_err *se)
{
	const struct child_tail *t = arg;

	if (se) {
		report_err(t->errfd, STAGE_LAUNCH, se->err, se);
		_exit(127);
	}
	child_rest(t->o, t->prog, t->errfd);
}

/* Working directory, no_new_privs, personality, filter, exec. */
static void child_rest(const struct tracer_opts *o, const struct sock_fprog *prog, int errfd)
{
	const struct tracer_launcher *l = o->launcher;
	const char *exe = NULL;
	int persona;

	if (o->cwd && chdir(o->cwd) < 0)
		child_fail(errfd, STAGE_CWD);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, STAGE_NNP);
	/* 0xffffffff reads the persona; the flag outlives the exec. */
	if (o->no_aslr && ((persona = personality(0xffffffff)) < 0 ||
			   personality((unsigned long)persona | ADDR_NO_RANDOMIZE) < 0))
		child_fail(errfd, STAGE_PERSONALITY);
	if (prog->filter && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) < 0)
		child_fail(errfd, STAGE_SECCOMP);
	/* Handlers reset at exec, but an ignored SIGPIPE would stay: the
	 * program must die of a broken pipe as it would outside. */
	signal(SIGPIPE, o->sigpipe_ignored ? SIG_IGN : SIG_DFL);
	if (l && l->exec_path)
		exe = l->exec_path(l->ctx);
	execve(exe ? exe : o->exec_path ? o->exec_path : o->argv[0], o->argv, o->envp);
	child_fail(errfd, STAGE_EXEC);
}

/* The first process: a raw clone with the launcher's namespaces, or a
 * plain fork. */
static pid_t clone_first(const struct tracer_launcher *l)
{
	unsigned long flags = l && l->clone_flags ? l->clone_flags(l->ctx) : 0;

	/* The namespaces are created by the clone itself: unshare would need
	 * a single-threaded caller, and the clone is the namespace's pid 1
	 * directly. */
	if (flags)
		return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	return fork();
}

pid_t spawn_target(struct tracer_session *s, const struct tracer_episode *ep, int *errfd)
{
	const struct tracer_opts *o = &s->opts;
	const struct tracer_launcher *l = o->launcher;
	const struct sock_fprog *prog;
	struct tracer_setup_err se = { 0 };
	int sync[2], err[2], r;
	char go = 'g';
	pid_t pid;
	long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
		    PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |
		    PTRACE_O_TRACESYSGOOD;

	if (ep->nconds < 0 || ep->nconds > TRACER_MAX_CONDS)
		return -EINVAL;
	r = filter_for(s, ep->trace_set ? ep->trace_set : o->trace_set, ep->conds, ep->nconds,
		       o->gate, &prog);
	if (r < 0)
		return r;
	if (pipe2(sync, O_CLOEXEC) < 0) {
		r = -errno;
		return r;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		close(sync[0]);
		close(sync[1]);
		return r;
	}
	r = l && l->prepare ? l->prepare(l->ctx, &se) : 0;
	if (r < 0) {
		close(sync[0]);
		close(sync[1]);
		close(err[0]);
		close(err[1]);
		return r;
	}
	pid = clone_first(l);
	if (pid == 0) {
		close(sync[1]);
		close(err[0]);
		child(o, ep, prog, sync[0], err[1]);
	}
	r = pid < 0 ? -errno : 0;
	if (l && l->cloned)
		l->cloned(l->ctx, pid);
	close(sync[0]);
	/* A failure is reported through the error pipe like the child's own,
	 * so it ends the run as a set-up failure. Before the child runs
	 * anything: e.g. nothing it starts escapes a cgroup. */
	if (r == 0 && l && l->after_clone && l->after_clone(l->ctx, pid, &se) < 0) {
		report_err(err[1], STAGE_LAUNCH, se.err, &se);
		go = 'x';
	}
	close(err[1]);
	/* SEIZE rather than TRACEME + SIGSTOP: a pid-namespace init ignores
	 * SIGSTOP, and SEIZE reports group-stops distinctly. */
	if (r == 0 && ptrace(PTRACE_SEIZE, pid, 0, opts) < 0)
		r = -errno;
	if (r == 0 && write(sync[1], &go, 1) != 1)
		r = -errno;
	close(sync[1]);
	if (r < 0) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
				;
		}
		close(err[0]);
		return r;
	}
	*errfd = err[0];
	return pid;
}
