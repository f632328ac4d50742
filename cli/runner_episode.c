/* runner_episode.c - a run's streams: the capture files of a campaign's
 * run (OUT/run/episode-1/stdout, stderr) and the pipes relayed into them,
 * and the one way the runner says a run could not be made (runner_fail). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/relay.h"
#include "cli/runner.h"
#include "util/util.h"

/* A run that cannot be made: r->err gets die()'s line (with ": strerror"
 * when err is nonzero, > 0 or -errno) and its exit status (0: die's own).
 * Returns -errno (-EIO without one). */
int runner_fail(struct runner *r, int status, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->err.msg, sizeof(r->err.msg), fmt, ap);
	va_end(ap);
	if (err && n >= 0 && (size_t)n < sizeof(r->err.msg))
		snprintf(r->err.msg + n, sizeof(r->err.msg) - n, ": %s", strerror(err < 0 ? -err : err));
	r->err.status = status;
	return err ? -(err < 0 ? -err : err) : -EIO;
}

/* As root the jail runs as --uid, which may not open a descriptor of ours
 * again (/dev/stdout is /proc/self/fd/1, checked against the inode's
 * owner and mode): such a stream of fzsandbox's own, under --inject=none,
 * is relayed. One the jail's user may open is passed as it is (the
 * caller's own terminal, unprivileged, stays a terminal). */
static bool jail_cannot_reopen(const struct runner *r, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return false;	/* closed: the target gets it closed too */
	return geteuid() == 0 && st.st_uid != r->o->uid && !(st.st_mode & S_IWOTH);
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The target's stdout and stderr (cli/relay.h): pipes owned by the jail's
 * user, relayed to the run's capture files in a campaign (with the jail or
 * without: a program reopening /dev/stdout must not truncate them), to
 * fzsandbox's own under --inject=none with the jail when needed. Without
 * the jail --inject=none passes its descriptors on, like env(1). */
static int episode_streams(struct runner *r, struct tracer_episode *ep)
{
	struct relay_opts ro = { .dst = { r->cap[0], r->cap[1] }, .uid = (uid_t)-1,
				 .gid = (gid_t)-1, .close_on_epipe = r->passthrough };
	int out[2], e;

	if (r->passthrough) {
		ro.dst[0] = r->sb && jail_cannot_reopen(r, 1) ? 1 : -1;
		ro.dst[1] = r->sb && jail_cannot_reopen(r, 2) ? 2 : -1;
		/* 2>&1 or one terminal: one pipe keeps the two in order. */
		if (ro.dst[0] >= 0 && ro.dst[1] >= 0 && same_file(1, 2))
			ro.dst[1] = 1;
		if (ro.dst[0] < 0 && ro.dst[1] < 0)
			return 0;
	}
	if (r->sb && geteuid() == 0) {
		ro.uid = r->o->uid;
		ro.gid = r->o->gid;
	}
	e = relay_start(&ro, &r->relay, out);
	if (e < 0)
		return runner_fail(r, 0, e, "cannot relay the program's output");
	ep->stdout_fd = out[0];
	ep->stderr_fd = out[1];
	return 0;
}

int runner_episode_open(struct runner *r, struct tracer_episode *ep)
{
	int fd;

	ep->stdout_fd = ep->stderr_fd = -1;
	r->relay = NULL;
	if (r->passthrough)
		return episode_streams(r, ep);
	if (!r->episode_dir[0]) {
		if (snprintf(r->episode_dir, sizeof(r->episode_dir), "%s/episode-1", r->run_dir) >=
			    (int)sizeof(r->episode_dir) ||
		    snprintf(r->out_stdout, sizeof(r->out_stdout), "%s/stdout", r->episode_dir) >=
			    (int)sizeof(r->out_stdout) ||
		    snprintf(r->out_stderr, sizeof(r->out_stderr), "%s/stderr", r->episode_dir) >=
			    (int)sizeof(r->out_stderr)) {
			r->episode_dir[0] = 0;
			return runner_fail(r, 0, ENAMETOOLONG, "cannot create a run directory in '%s'",
					   r->run_dir);
		}
		if (mkdir(r->episode_dir, 0755) < 0 && errno != EEXIST) {
			int e = errno;

			r->episode_dir[0] = 0;
			return runner_fail(r, 0, e, "cannot create '%s/episode-1'", r->run_dir);
		}
	}
	/* Made once, then written again from 0 every run and cut where the
	 * run's output ends (runner_episode_close): neither truncated to 0
	 * nor made anew each run (util.h, fs_cut). */
	for (int i = 0; i < 2; i++) {
		const char *path = i ? r->out_stderr : r->out_stdout;

		if (r->cap[i] >= 0 && lseek(r->cap[i], 0, SEEK_SET) < 0) {
			close(r->cap[i]);
			r->cap[i] = -1;
		}
		if (r->cap[i] >= 0)
			continue;
		if ((fd = fs_create_fresh(path, 0644)) < 0)
			return runner_fail(r, 0, -fd, "cannot write '%s'", path);
		r->cap[i] = fd;
	}
	/* A child of the template writes where the template does. */
	return runner_snap_forks(r) ? 0 : episode_streams(r, ep);
}

/* After the run, no process of it left: everything it wrote reaches the
 * capture files before anyone reads them (classify, notes, findings). */
void runner_episode_close(struct runner *r, struct tracer_episode *ep)
{
	int e = relay_finish(r->relay);

	r->relay = NULL;
	/* A reader of ours gone (--inject=none) is the program's business. */
	if (e < 0 && !r->passthrough)
		fprintf(stderr, "fzsandbox: warning: the program's output was not all captured: %s\n",
			strerror(-e));
	for (int i = 0; i < 2; i++) {
		const char *path = i ? r->out_stderr : r->out_stdout;

		if (r->cap[i] >= 0 && (e = fs_cut(&r->cap[i], path, 0644)) < 0) {
			fprintf(stderr, "fzsandbox: warning: cannot cut '%s' to this run's output: %s\n",
				path, strerror(-e));
			if (r->cap[i] >= 0)
				close(r->cap[i]);
			r->cap[i] = -1;
		}
	}
	ep->stdout_fd = ep->stderr_fd = -1;
}

void runner_episode_done(struct runner *r)
{
	for (int i = 0; i < 2; i++) {
		if (r->cap[i] >= 0)
			close(r->cap[i]);
		r->cap[i] = -1;
	}
}
