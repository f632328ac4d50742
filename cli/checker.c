/* checker.c - --check=CMD: after each run, CMD judges the state the run
 * left in its work directory (`git fsck`, `sqlite3 db 'PRAGMA
 * integrity_check'`, `journal verify log`).
 *
 * CMD runs as `/bin/sh -c CMD` (quotes as users write them), `{}` replaced
 * by the work directory's path (shell-quoted), cwd there. What a run left
 * is untrusted: fzsandbox never follows a path in it on the host.
 *
 * The checker runs untraced (sandbox/untraced.h) in a jail of its own
 * (sandbox_new: the work copy bound at the work directory's path, no
 * network, the same deny policy, rlimits and --uid as the program):
 * nothing of it stops or is failed. Exit 0 passes; 126/127 (the shell's
 * "cannot execute"/"not found"), a signal (or 129-192, the shell's and
 * the jail init's 128+N for one), --check-timeout or a jail that cannot
 * start are errors naming the checker, never findings; any other status
 * fails. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/checker.h"
#include "cli/die.h"
#include "cli/duration.h"
#include "cli/options.h"
#include "inject/inject.h"
#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/untraced.h"
#include "sandbox/workdir.h"
#include "util/redact.h"
#include "util/util.h"

/* One --check: its shell command line, its jail, the command. */
struct check_one {
	char *argv[4];		/* /bin/sh -c CMD ({} expanded) */
	struct sandbox *sb;
	struct sandbox_launch launch;
	struct sandbox_cmd *cmd;
};

struct checker {
	struct check_setup s;
	struct inject *inj;
	int n;
	struct check_one *c;
	bool interrupted;	/* a checker's run was (SIGINT/SIGTERM) */
	char out[2][PATH_MAX];	/* the last checker's stdout, stderr */
};

/* The work directory's path as the checker sees it: in the jail, the
 * original's path (the copy is bound there); without it, the copy. */
static const char *check_dir(const struct check_setup *s)
{
	return s->jail ? s->wd_dir : workdir_copy_path(s->wd);
}

/* CMD with each {} replaced by dir, single-quoted unless plain. */
static char *expand(const char *cmd, const char *dir)
{
	bool plain = dir[strspn(dir, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789/._-+,:@%")] == 0;
	size_t len = 0;
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		die("out of memory");
	for (const char *p = cmd; *p; p++) {
		if (p[0] != '{' || p[1] != '}') {
			fputc(*p, fp);
			continue;
		}
		p++;
		if (plain) {
			fputs(dir, fp);
			continue;
		}
		fputc('\'', fp);
		for (const char *d = dir; *d; d++)
			fputs(*d == '\'' ? "'\\''" : (char[]){ *d, 0 }, fp);
		fputc('\'', fp);
	}
	if (fclose(fp) != 0)
		die("out of memory");
	return buf;
}

/* The absolute host paths CMD names (its own program, a script), bound
 * read-only by the jail's auto-bind: not the work directory nor anything
 * under it, and only what exists (a missing one would become an output). */
static char **named_paths(const char *cmd, const char *wd)
{
	char *copy = strdup(cmd), *save = NULL, **v = calloc(strlen(cmd) / 2 + 2, sizeof(char *));
	size_t wl = strlen(wd);
	int n = 0;
	struct stat st;

	if (!copy || !v)
		die("out of memory");
	for (char *w = strtok_r(copy, " \t\n'\"", &save); w; w = strtok_r(NULL, " \t\n'\"", &save)) {
		if (w[0] != '/' || (strncmp(w, wd, wl) == 0 && (w[wl] == 0 || w[wl] == '/')))
			continue;
		if (stat(w, &st) == 0 && !(v[n++] = strdup(w)))
			die("out of memory");
	}
	free(copy);
	return v;
}

static void check_jail(const struct check_setup *s, struct check_one *c, const char *cmd)
{
	char **named = named_paths(cmd, s->wd_dir);
	struct sandbox_opts so = {
		.exe = "/bin/sh", .cwd = s->wd_dir, .cwd_src = workdir_copy_path(s->wd),
		.net = SANDBOX_NET_NONE, .envp = s->env, .host_uid = s->o->uid,
		.host_gid = s->o->gid, .tmp_size = s->o->tmp_size, .args = named,
		.outputs_dir = s->run_dir,
	};
	int e = sandbox_new(&so, &c->sb);

	for (int i = 0; named[i]; i++)
		free(named[i]);
	free(named);
	if (e < 0)
		die_errno(e, "--check: cannot prepare the checker's jail for '%s'", cmd);
}

struct checker *checker_new(const struct check_setup *s)
{
	const struct options *o = s->o;
	struct checker *k;

	/* runner_setup made one (--workdir's, or an empty one): never the
	 * caller's own directory, which runs do not start afresh in. */
	if (!s->wd || !s->wd_dir || !s->run_dir)
		die("--check needs a work directory (--workdir=DIR)");
	k = calloc(1, sizeof(*k));
	if (!k || !(k->c = calloc(o->nchecks, sizeof(*k->c))))
		die("out of memory");
	k->s = *s;
	if (snprintf(k->out[0], sizeof(k->out[0]), "%s/check-stdout", s->run_dir) >= PATH_MAX ||
	    snprintf(k->out[1], sizeof(k->out[1]), "%s/check-stderr", s->run_dir) >= PATH_MAX)
		die("--out: path too long: '%s'", s->run_dir);
	for (k->n = 0; k->n < o->nchecks; k->n++) {
		struct check_one *c = &k->c[k->n];
		struct sandbox_cmd_opts co = {
			.argv = c->argv, .envp = s->env, .cwd = check_dir(s),
			.timeout_ms = o->check_timeout_ms, .policy = s->jail ? s->policy : NULL,
			.interrupted = s->interrupted,
		};
		int e;

		c->argv[0] = "/bin/sh";
		c->argv[1] = "-c";
		c->argv[2] = expand(o->checks[k->n], check_dir(s));
		if (s->jail)
			check_jail(s, c, c->argv[2]);
		c->launch = (struct sandbox_launch){ .sb = c->sb, .rl = s->rl };
		e = sandbox_cmd_new(&c->launch, &co, &c->cmd);
		if (e < 0)
			die_errno(e, "--check: cannot prepare '%s'", o->checks[k->n]);
	}
	return k;
}

void checker_set_inject(struct checker *k, struct inject *inj)
{
	if (k)
		k->inj = inj;
}

void checker_free(struct checker *k)
{
	if (!k)
		return;
	for (int i = 0; i < k->n; i++) {
		sandbox_cmd_free(k->c[i].cmd);
		sandbox_free(k->c[i].sb);
		free(k->c[i].argv[2]);
	}
	free(k->c);
	free(k);
}

/* The checker's first line of stderr, else of stdout: what it says. */
static void first_line(const struct checker *k, char *buf, size_t len)
{
	buf[0] = 0;
	for (int i = 1; i >= 0 && !buf[0]; i--) {
		FILE *fp = fopen(k->out[i], "re");

		if (!fp)
			continue;
		while (!buf[0] && fgets(buf, (int)len, fp)) {
			buf[strcspn(buf, "\n")] = 0;
			if (!buf[strspn(buf, " \t")])
				buf[0] = 0;
			(void)redact_line(buf, len);	/* before the detail cuts it */
		}
		fclose(fp);
	}
}

/* One checker on the run's state: its exit status, or -errno with why. */
static int check_once(struct checker *k, int i, char *why, size_t len)
{
	const char *cmd = k->s.o->checks[i];
	struct sandbox_cmd_result res;
	int fd[2], e, sig;
	char line[256], t[32];

	for (int j = 0; j < 2; j++) {
		fd[j] = open(k->out[j], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd[j] < 0) {
			e = -errno;
			snprintf(why, len, "--check: cannot write '%s': %s", k->out[j], strerror(-e));
			if (j)
				close(fd[0]);
			return e;
		}
	}
	e = sandbox_cmd_run(k->c[i].cmd, fd[0], fd[1], &res);
	close(fd[0]);
	close(fd[1]);
	first_line(k, line, sizeof(line));
	/* 128+N: the shell's report of a command killed by signal N, or
	 * the jail init's of the shell itself (no signal is above 64). */
	sig = res.signal ? res.signal : res.exited && res.status > 128 && res.status <= 128 + 64 ?
	      res.status - 128 : 0;
	if (e < 0)
		snprintf(why, len, "--check: cannot run '%s': %s", cmd, strerror(-e));
	else if (res.interrupted)
		k->interrupted = true;
	else if (res.setup_failed)
		snprintf(why, len, "--check: '%s': sandbox: %s%s%s: %s", cmd,
			 res.step ? sandbox_step_name(res.step) : "start", res.path[0] ? ": " : "",
			 res.path, strerror(res.err));
	else if (res.exec_failed)
		snprintf(why, len, "--check: cannot execute '%s' for '%s': %s", res.path, cmd,
			 strerror(res.err));
	else if (res.timed_out)
		snprintf(why, len, "--check: '%s' did not finish within %s (--check-timeout)", cmd,
			 format_duration(k->s.o->check_timeout_ms, t, sizeof(t)));
	else if (sig && k->s.signal_fails)
		return 128 + sig;
	else if (sig)
		snprintf(why, len, "--check: '%s' was killed by SIG%s%s%s", cmd,
			 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", line[0] ? ": " : "", line);
	else if (res.exited && (res.status == 126 || res.status == 127))
		snprintf(why, len, "--check: '%s' could not run (status %d)%s%s", cmd, res.status,
			 line[0] ? ": " : "", line);
	else
		return res.status;
	if (e < 0)
		return e;
	return res.interrupted ? 0 : -EIO;
}

int checker_run(struct checker *k, bool clean, struct run_finding *f, char *why, size_t len)
{
	char *const *checks = k->s.o->checks;
	const struct fault_rec *log;
	char line[256];
	int i, st = 0, nlog;

	k->interrupted = false;
	for (i = 0; i < k->n && st == 0 && !k->interrupted; i++)
		st = check_once(k, i, why, len);
	if (st <= 0)
		return st;
	i--;
	first_line(k, line, sizeof(line));
	if (clean) {
		snprintf(why, len, "--check: '%s' fails on the run without faults (status %d)%s%s",
			 checks[i], st, line[0] ? ": " : "", line);
		return -EINVAL;
	}
	f->kind = FIND_STATE;
	f->exit_status = st;
	/* Truncated at the detail's size: the whole output is kept. */
	if (snprintf(f->detail, sizeof(f->detail), "'%s' exited with status %d%s%s",
		     checks[i], st, line[0] ? ": " : "", line) < 0)
		f->detail[0] = 0;
	snprintf(f->check, sizeof(f->check), "%s", checks[i]);
	f->check_stdout_path = k->out[0];
	f->check_stderr_path = k->out[1];
	/* The stacks: where each fault was injected, in the log's order. */
	nlog = inject_run_log(k->inj, &log);
	f->nthreads = nlog < FINDING_MAX_THREADS ? nlog : FINDING_MAX_THREADS;
	for (int j = 0; j < f->nthreads; j++) {
		f->stacks[j] = k->s.fault_stacks[j];
		f->stacks[j].thread = log[j].thread;
	}
	if (nlog > 0) {
		f->thread = log[0].thread;
		f->tid = k->s.fault_stacks[0].tid;
	}
	return 1;
}
