/* spawn.c - start the target: fork, wait for the tracer to seize us, then
 * stdio, seccomp filter and exec. The child only makes async-signal-safe
 * syscalls (the filter is compiled in the parent), because fzsandbox may
 * have other threads (the service driver) holding locks at fork time. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "tracer/tracer_int.h"

static const char *const stage_names[] = {
	[STAGE_NONE] = "start",
	[STAGE_SYNC] = "synchronise with the tracer",
	[STAGE_STDIN] = "open standard input",
	[STAGE_STDIO] = "redirect standard streams",
	[STAGE_CWD] = "change directory",
	[STAGE_NNP] = "set no_new_privs",
	[STAGE_SECCOMP] = "install the seccomp filter",
	[STAGE_EXEC] = "execute the program",
	[STAGE_SANDBOX] = "set up the sandbox",
};

const char *spawn_stage_name(int stage)
{
	if (stage < 0 || stage > STAGE_SANDBOX)
		return "unknown stage";
	return stage_names[stage];
}

/* Compile the filter: TRACE (with the syscall number as data, so the stop
 * says which rule fired) for the selected syscalls, ALLOW for the rest, so
 * untouched syscalls pay only the seccomp floor. With a jail, the deny
 * policy's own TRACE rules (sandbox/policy.h) are added. */
static int build_filter(const uint8_t *set, const struct sandbox_policy *policy,
			struct sock_fprog *prog)
{
	scmp_filter_ctx ctx;
	int fd = -1, r = 0, any = 0;
	off_t len;

	/* Nothing to stop on: no filter at all, so untouched syscalls run at
	 * native speed (an ALLOW-only filter still costs ~40 ns a call). */
	for (int i = 0; set && i < SYSCALL_MAX / 8; i++)
		any |= set[i];
	if (!any && !policy)
		return 0;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* A binary tree over the syscall numbers instead of libseccomp's
	 * default linear chain: with the jail's ~45 deny rows every untouched
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
	if (policy) {
		r = sandbox_policy_add_rules(policy, ctx, set);
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

static void report_err(int errfd, int stage, int err, const struct sandbox_err *se)
{
	struct spawn_err e = { .stage = stage, .err = err };

	if (se) {
		e.step = se->step;
		memcpy(e.path, se->path, sizeof(e.path) < sizeof(se->path) ? sizeof(e.path) : sizeof(se->path));
		e.path[sizeof(e.path) - 1] = 0;
	}
	if (write(errfd, &e, sizeof(e)) < 0) {
		/* nothing left to report through */
	}
}

/* The filter depends only on the trace set, the same for every run of a
 * campaign: compile it once (libseccomp's compile and export cost more
 * than the rest of a tiny run's set-up). */
static struct {
	bool valid;
	uint8_t set[SYSCALL_MAX / 8];
	unsigned long policy;	/* sandbox_policy_serial */
	struct sock_fprog prog;
} filter_cache;

static int filter_for(const uint8_t *set, const struct sandbox_policy *policy,
		      const struct sock_fprog **prog)
{
	static const uint8_t none[SYSCALL_MAX / 8];
	const uint8_t *s = set ? set : none;
	int r;

	if (!filter_cache.valid || filter_cache.policy != sandbox_policy_serial(policy) ||
	    memcmp(filter_cache.set, s, sizeof(filter_cache.set)) != 0) {
		free(filter_cache.prog.filter);
		memset(&filter_cache, 0, sizeof(filter_cache));
		r = build_filter(s, policy, &filter_cache.prog);
		if (r < 0)
			return r;
		memcpy(filter_cache.set, s, sizeof(filter_cache.set));
		filter_cache.policy = sandbox_policy_serial(policy);
		filter_cache.valid = true;
	}
	*prog = &filter_cache.prog;
	return 0;
}

static void child_fail(int errfd, int stage)
{
	report_err(errfd, stage, errno, NULL);
	_exit(127);
}

static void jail_fail(int errfd, const struct sandbox_err *se)
{
	report_err(errfd, STAGE_SANDBOX, se->err, se);
	_exit(127);
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

/* The jail's first process (sandbox/sandbox.h): build the jail, fork the
 * target below it and stay as the jail's pid 1. Returns in the target
 * only, which then goes on like an unjailed child. */
static void jail(const struct tracer_opts *o, int errfd)
{
	struct sandbox_err se = { 0 };
	pid_t pid;

	if (sandbox_enter(o->sandbox, &se) < 0)
		jail_fail(errfd, &se);
	/* After the jail is built (its idmapped trees were descriptors) and
	 * before the fork, so its init holds none either. */
	close_fds_but(errfd);
	/* Raw clone, as for this process: we are a raw clone of a possibly
	 * multi-threaded fzsandbox, and glibc's fork would take malloc locks
	 * another thread may have held at that moment. */
	pid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		se.step = SB_FORK;
		se.err = errno;
		jail_fail(errfd, &se);
	}
	if (pid > 0) {
		close(errfd);	/* the target's copy reports its own failures */
		close(0);
		close(1);
		close(2);
		_exit(sandbox_init(o->sandbox, pid));
	}
	if (sandbox_drop(o->sandbox, &se) < 0)
		jail_fail(errfd, &se);
}

static void child(const struct tracer_opts *o, const struct sock_fprog *prog, int syncfd, int errfd)
{
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
	if ((o->stdout_fd >= 0 && dup2(o->stdout_fd, 1) < 0) ||
	    (o->stderr_fd >= 0 && dup2(o->stderr_fd, 2) < 0))
		child_fail(errfd, STAGE_STDIO);
	/* Descriptors fzsandbox's caller left open (a shell's 9<file, a make
	 * jobserver's pipe) are host files the jail must not reach and state
	 * every run of a campaign would share. Only --inject=none without
	 * the jail passes them on, like env(1). The jail closes them itself. */
	if (!o->sandbox && !o->passthrough)
		close_fds_but(errfd);
	/* Standard input was opened above, before the jail hides its path. */
	if (o->sandbox)
		jail(o, errfd);
	if (o->rlimits) {
		struct sandbox_err se = { 0 };

		if (sandbox_rlimits_apply(o->rlimits, &se) < 0)
			jail_fail(errfd, &se);
	}
	if (o->cwd && chdir(o->cwd) < 0)
		child_fail(errfd, STAGE_CWD);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, STAGE_NNP);
	if (prog->filter && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) < 0)
		child_fail(errfd, STAGE_SECCOMP);
	/* Handlers reset at exec, but an ignored SIGPIPE would stay: the
	 * program must die of a broken pipe as it would outside. */
	signal(SIGPIPE, o->sigpipe_ignored ? SIG_IGN : SIG_DFL);
	execve(o->sandbox ? sandbox_exec_path(o->sandbox) : o->exec_path ? o->exec_path : o->argv[0],
	       o->argv, o->envp);
	child_fail(errfd, STAGE_EXEC);
}

pid_t spawn_target(const struct tracer_opts *o, int *errfd)
{
	const struct sock_fprog *prog;
	struct sandbox_err se = { 0 };
	int sync[2], err[2], r;
	char go = 'g';
	pid_t pid;
	long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
		    PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |
		    PTRACE_O_TRACESYSGOOD;

	r = filter_for(o->trace_set, o->policy, &prog);
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
	/* The jail's namespaces are created by the clone itself: unshare
	 * would need a single-threaded caller, and the clone is the jail's
	 * pid 1 directly. */
	if (o->sandbox && sandbox_run_begin(o->sandbox, &se) < 0) {
		r = -se.err;
		close(sync[0]);
		close(sync[1]);
		close(err[0]);
		close(err[1]);
		return r;
	}
	if (o->sandbox)
		pid = (pid_t)syscall(SYS_clone, sandbox_clone_flags(o->sandbox) | SIGCHLD, NULL, NULL, NULL, 0);
	else
		pid = fork();
	if (pid == 0) {
		close(sync[1]);
		close(err[0]);
		child(o, prog, sync[0], err[1]);
	}
	r = pid < 0 ? -errno : 0;
	if (o->sandbox)
		sandbox_run_end(o->sandbox);
	close(sync[0]);
	/* Only a process outside the jail's user namespace can map its ids
	 * (user_namespaces(7)). A failure is reported through the error pipe
	 * like the child's own, so it ends the run as a set-up failure. */
	if (r == 0 && o->sandbox && sandbox_map_ids(o->sandbox, pid, &se) < 0) {
		report_err(err[1], STAGE_SANDBOX, se.err, &se);
		go = 'x';
	}
	/* Before the child runs anything: nothing it starts escapes the
	 * cgroup's limits (the tracer itself stays outside). */
	if (r == 0 && go == 'g' && o->cgroup && sandbox_cgroup_attach(o->cgroup, pid, &se) < 0) {
		report_err(err[1], STAGE_SANDBOX, se.err, &se);
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
