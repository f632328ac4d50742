/* untraced.c - run a command in the jail without the tracer (untraced.h).
 * The shape of tracer/spawn.c without ptrace: a sync pipe lets the child
 * go once the launcher's parent side (id maps) is done, an error pipe
 * (close-on-exec) carries a failed step back, and the child side makes
 * only async-signal-safe calls (fzsandbox may have other threads). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/policy.h"
#include "sandbox/untraced.h"
#include "tracer/tracer.h"
#include "util/util.h"

struct sandbox_cmd {
	const struct sandbox_launch *l;
	struct sandbox_cmd_opts o;
	struct tracer_launcher launcher;
	struct sock_fprog prog;		/* .filter NULL: none */
	/* The child's side, set before each clone. */
	int errfd, out_fd, err_fd;
};

/* What the error pipe carries: exec is set when execve itself failed. */
struct cmd_err {
	bool exec;
	struct tracer_setup_err e;
};

/* The deny policy as a filter of its own: ALLOW, and the policy's rules
 * (TRACE: ENOSYS here, with no tracer). */
static int compile(const struct sandbox_policy *p, struct sock_fprog *prog)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int fd = -1, r;
	off_t len;

	if (!ctx)
		return -ENOMEM;
	r = sandbox_policy_add_rules(p, ctx, NULL);
	if (r == 0 && (fd = memfd_create("fz-cmd-bpf", MFD_CLOEXEC)) < 0)
		r = -errno;
	if (r == 0)
		r = seccomp_export_bpf(ctx, fd);
	if (r == 0 && ((len = lseek(fd, 0, SEEK_END)) <= 0 || len % sizeof(struct sock_filter)))
		r = -EINVAL;
	if (r == 0 && !(prog->filter = malloc(len)))
		r = -ENOMEM;
	if (r == 0 && pread(fd, prog->filter, len, 0) != len) {
		r = errno ? -errno : -EIO;
		free(prog->filter);
		prog->filter = NULL;
	}
	if (r == 0)
		prog->len = len / sizeof(struct sock_filter);
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return r;
}

int sandbox_cmd_new(const struct sandbox_launch *l, const struct sandbox_cmd_opts *o,
		    struct sandbox_cmd **out)
{
	struct sandbox_cmd *c = calloc(1, sizeof(*c));
	int r;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->l = l;
	c->o = *o;
	sandbox_launcher(l, &c->launcher);
	r = o->policy ? compile(o->policy, &c->prog) : 0;
	if (r < 0) {
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

void sandbox_cmd_free(struct sandbox_cmd *c)
{
	if (!c)
		return;
	free(c->prog.filter);
	free(c);
}

TRACER_ON_OWN_STACK __attribute__((noreturn)) static void child_fail(int errfd, bool exec, int step,
								    const char *path, int err)
{
	struct cmd_err ce = { .exec = exec, .e = { .step = step, .err = err } };

	for (int i = 0; path && path[i] && i < (int)sizeof(ce.e.path) - 1; i++)
		ce.e.path[i] = path[i];
	if (write(errfd, &ce, sizeof(ce)) < 0) {
		/* nothing left to report through */
	}
	_exit(127);
}

/* The launcher's finish: in the process that is to exec (in the jail,
 * its target, on the plan's stack). */
TRACER_ON_OWN_STACK __attribute__((noreturn)) static void finish(void *arg,
								 const struct tracer_setup_err *e)
{
	const struct sandbox_cmd *c = arg;
	const struct tracer_launcher *l = &c->launcher;
	const char *exe = l->exec_path ? l->exec_path(l->ctx) : NULL;

	if (e)
		child_fail(c->errfd, false, e->step, e->path, e->err);
	if (c->o.cwd && chdir(c->o.cwd) < 0)
		child_fail(c->errfd, false, SB_CHDIR, c->o.cwd, errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(c->errfd, false, SB_NO_NEW_PRIVS, NULL, errno);
	if (c->prog.filter && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &c->prog) < 0)
		child_fail(c->errfd, false, 0, "seccomp", errno);
	signal(SIGPIPE, SIG_DFL);	/* fzsandbox ignores it; an exec keeps that */
	execve(exe ? exe : c->o.argv[0], c->o.argv, c->o.envp);
	child_fail(c->errfd, true, 0, c->o.argv[0], errno);
}

__attribute__((noreturn)) static void child(struct sandbox_cmd *c, int syncfd)
{
	const struct tracer_launcher *l = &c->launcher;
	struct tracer_setup_err se = { 0 };
	char go;
	int in;

	if (read(syncfd, &go, 1) != 1 || go != 'g')
		_exit(127);	/* the parent failed and says why */
	close(syncfd);
	setpgid(0, 0);	/* a timeout kills the group (without the jail) */
	in = open("/dev/null", O_RDONLY);
	if (in < 0 || dup2(in, 0) < 0 || dup2(c->out_fd, 1) < 0 || dup2(c->err_fd, 2) < 0)
		child_fail(c->errfd, false, 0, "standard streams", errno);
	if (in > 2)
		close(in);
	/* The jail's first process never returns from it: its target runs
	 * finish. Without the jail it returns here. */
	if (l->child_setup && l->child_setup(l->ctx, c->errfd, &se, finish, c) < 0)
		child_fail(c->errfd, false, se.step, se.path, se.err);
	finish(c, NULL);
}

/* Wait for pid until the deadline; kill it (the jail's init takes its
 * whole pid namespace along; else its process group) on timeout or
 * interrupt. */
static int wait_bounded(struct sandbox_cmd *c, pid_t pid, struct sandbox_cmd_result *res)
{
	long long end = mono_ms() + c->o.timeout_ms;
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), status;
	pid_t w;

	for (;;) {
		long long left = end - mono_ms();
		struct pollfd p = { .fd = pfd, .events = POLLIN };

		if (c->o.interrupted && *c->o.interrupted) {
			res->interrupted = true;
			break;
		}
		if (left <= 0) {
			res->timed_out = true;
			break;
		}
		/* No pidfd (before 5.3): poll the child every 10 ms. */
		if (pfd < 0) {
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				goto done;
			if (w < 0 && errno != EINTR)
				return -errno;
			usleep(10000);
			continue;
		}
		if (poll(&p, 1, left > 1000 ? 1000 : (int)left) > 0)
			break;
	}
	if (res->timed_out || res->interrupted) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0) {
		int e = -errno;

		if (pfd >= 0)
			close(pfd);
		return e;
	}
done:
	if (pfd >= 0)
		close(pfd);
	if (res->timed_out || res->interrupted)
		return 0;
	res->exited = WIFEXITED(status);
	res->status = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	return 0;
}

int sandbox_cmd_run(struct sandbox_cmd *c, int out_fd, int err_fd, struct sandbox_cmd_result *res)
{
	const struct tracer_launcher *l = &c->launcher;
	struct tracer_setup_err se = { 0 };
	struct cmd_err ce;
	int sync[2], errp[2], r;
	unsigned long flags;
	char go = 'g';
	ssize_t n;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		r = -errno;
		close(sync[0]);
		close(sync[1]);
		return r;
	}
	c->errfd = errp[1];
	c->out_fd = out_fd;
	c->err_fd = err_fd;
	r = l->prepare ? l->prepare(l->ctx, &se) : 0;
	if (r < 0) {
		close(sync[0]);
		close(sync[1]);
		close(errp[0]);
		close(errp[1]);
		res->setup_failed = true;
		res->step = se.step;
		res->err = se.err;
		memcpy(res->path, se.path, sizeof(res->path) - 1);
		return 0;
	}
	flags = l->clone_flags ? l->clone_flags(l->ctx) : 0;
	/* As the tracer does: the clone makes the namespaces (unshare would
	 * need a single-threaded caller), its child is their pid 1. */
	pid = flags ? (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0) : fork();
	if (pid == 0) {
		close(sync[1]);
		close(errp[0]);
		child(c, sync[0]);
	}
	r = pid < 0 ? -errno : 0;
	if (l->cloned)
		l->cloned(l->ctx, pid);
	close(sync[0]);
	if (r == 0 && l->after_clone && l->after_clone(l->ctx, pid, &se) < 0) {
		res->setup_failed = true;
		res->step = se.step;
		res->err = se.err;
		memcpy(res->path, se.path, sizeof(res->path) - 1);
		go = 'x';
	}
	close(errp[1]);
	if (r == 0 && write(sync[1], &go, 1) != 1)
		r = -errno;
	close(sync[1]);
	if (r < 0 || go != 'g') {
		if (pid > 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
		close(errp[0]);
		return r;
	}
	/* EOF: it exec'd (the pipe is close-on-exec); a record: it failed. */
	while ((n = read(errp[0], &ce, sizeof(ce))) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (n == (ssize_t)sizeof(ce)) {
		res->setup_failed = !ce.exec;
		res->exec_failed = ce.exec;
		res->step = ce.e.step;
		res->err = ce.e.err;
		memcpy(res->path, ce.e.path, sizeof(res->path) - 1);
	}
	return wait_bounded(c, pid, res);
}
