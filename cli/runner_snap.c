/* runner_snap.c - snapshot mode's part of a run (--snapshot): the
 * template is made before the first run and parked by the tracer; every
 * run is then a child it forks (snapshot/snapshot.h, tracer.h).
 *
 * The template's stdout and stderr are pipes of ours made once (each
 * child inherits them, so a run cannot get fresh ones): after each run,
 * every task of it gone, what is in them is that run's output and is
 * drained into the run's capture files; during the run too, at each tick
 * of the tracer's 10 ms timer (tracer_episode.on_tick), so a run writing
 * more than the pipe holds (1 MiB) waits a tick at most, never until
 * --timeout (the template's set-up output is drained that way and
 * dropped). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/runner.h"
#include "harnesses/service.h"
#include "snapshot/snapshot.h"
#include "symbols/symbols.h"

#define SNAP_PIPE_SIZE (1 << 20)

static int snap_wr[2] = { -1, -1 };	/* the write ends, until the template has them */

static void snap_close(struct runner *r)
{
	for (int i = 0; i < 2; i++) {
		if (r->snap_out[i] >= 0)
			close(r->snap_out[i]);
		if (snap_wr[i] >= 0)
			close(snap_wr[i]);
		r->snap_out[i] = snap_wr[i] = -1;
	}
}

static const char *spec(const struct runner *r)
{
	return r->snap_at[0] ? r->snap_at : r->o->snapshot_at;
}

void runner_snap_forget(struct runner *r, const char *input, const char *copy)
{
	const char *at = r->o->snapshot_at;

	if (input && copy && at && strncmp(at, "file:", 5) == 0 && strcmp(at + 5, input) == 0)
		snprintf(r->snap_at, sizeof(r->snap_at), "file:%s", copy);
	snap_close(r);
	r->snap = NULL;		/* the campaign's, parked there: not ours to free */
	/* snap_gave_up stays: a template the campaign's clean run could not
	 * make (--snapshot=auto, said once) is not tried again per worker. */
}

void runner_snap_init(struct runner *r, struct tracer_opts *to)
{
	char why[128];

	r->snap_out[0] = r->snap_out[1] = -1;
	if (!r->o->snapshot || r->passthrough || r->snap_gave_up)
		return;
	if (snapshot_new(spec(r), &r->snap, why, sizeof(why)) < 0)
		r->snap_gave_up = true;	/* checked by the options already */
	else
		to->snapshot = snapshot_tracer(r->snap);
	if (r->snap)
		snapshot_set_opener(r->snap, unwind_open_module);
	if (r->snap)
		snapshot_in_place(r->snap, !r->o->restore_off);
	if (r->snap && r->o->service)
		snapshot_for_service(r->snap);
}

int runner_snap_service(struct runner *r, struct service_driver *drv)
{
	pid_t pid;
	int fd;

	/* A start-up run execs the program: it listens, as in exec mode. */
	if (!runner_snap_forks(r) || !drv)
		return 0;
	fd = snapshot_listen_fd(r->snap, &pid);
	if (fd == -ENOENT)
		return 0;	/* the child listens: the driver sees it */
	return fd < 0 ? fd : service_ready(drv, fd, pid);
}

bool runner_snap_parked(const struct runner *r)
{
	return r->snap && !r->snap_gave_up && tracer_session_has_template(r->ts);
}

void runner_restores(const struct runner *r, struct tracer_restores *out)
{
	memset(out, 0, sizeof(*out));
	if (r->ts)
		tracer_session_restores(r->ts, out);
}

bool runner_snap_forks(const struct runner *r)
{
	return runner_snap_parked(r) && !r->exec_run;
}

pid_t runner_snap_template(const struct runner *r)
{
	return runner_snap_forks(r) ? snapshot_template_pid(r->snap) : 0;
}

/* What the runner reports (runner_fail's shape: a line and a status). */
static int snap_fail(struct runner *r, int status, int err, const char *msg)
{
	snprintf(r->err.msg, sizeof(r->err.msg), "%s%s%s", msg, err ? ": " : "",
		 err ? strerror(-err) : "");
	r->err.status = status;
	return err ? err : -EINVAL;
}

static int open_pipes(struct runner *r)
{
	for (int i = 0; i < 2; i++) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		r->snap_out[i] = p[0];
		snap_wr[i] = p[1];
		/* Best effort: the default 64 KiB is the limit then. */
		fcntl(p[0], F_SETPIPE_SZ, SNAP_PIPE_SIZE);
		if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
			return -errno;
	}
	return 0;
}

/* Exec mode after all: --snapshot=auto, or the program never got there
 * because it could not start (the exec-mode run says why). */
static int give_up(struct runner *r, const char *why)
{
	if (why && !r->o->quiet)
		fprintf(stderr, "fzsandbox: note: --snapshot=auto: %s; every run execs the program\n",
			why);
	r->snap_gave_up = true;
	snap_close(r);
	return 0;
}

/* What the pipes hold now, into the capture files (keep) or dropped. */
static void drain(struct runner *r, bool keep)
{
	char buf[65536];

	for (int i = 0; i < 2; i++) {
		ssize_t n;

		while (r->snap_out[i] >= 0 && (n = read(r->snap_out[i], buf, sizeof(buf))) > 0)
			if (keep && r->cap[i] >= 0 && write(r->cap[i], buf, n) != n)
				break;
	}
}

void runner_snap_tick(void *arg)
{
	drain(arg, true);
}

static void tick_setup(void *arg)
{
	drain(arg, false);
}

static const char *point_name(const struct runner *r)
{
	return spec(r) ? spec(r) :
	       r->o->service ? "its first wait for a connection" : "its first call on stdin";
}

int runner_snap_ensure(struct runner *r, bool record)
{
	uint8_t set[SYSCALL_MAX / 8];
	struct tracer_episode ep = { .stdout_fd = -1, .stderr_fd = -1 };
	struct run_result res;
	char why[512], msg[2048];
	bool is_auto = r->o->snapshot == SNAPSHOT_AUTO;
	int e, n;

	if (!r->snap || r->snap_gave_up || tracer_session_has_template(r->ts))
		return 0;
	if ((e = open_pipes(r)) < 0) {
		snap_close(r);
		return snap_fail(r, 0, e, "--snapshot: cannot make the template's output pipes");
	}
	memcpy(set, r->trace_set, sizeof(set));
	snapshot_trace_set(r->snap, set);
	ep.trace_set = set;
	ep.stdout_fd = snap_wr[0];
	ep.stderr_fd = snap_wr[1];
	ep.on_tick = tick_setup;
	ep.tick_arg = r;
	/* The set-up runs once, with no fault; the clean run records its
	 * sites: the start-up's plan, tried in exec-mode runs. */
	inject_begin_template(r->inj, record);
	e = tracer_session_template(r->ts, &ep, &res, why, sizeof(why));
	for (int i = 0; i < 2; i++) {
		close(snap_wr[i]);	/* the template has its own */
		snap_wr[i] = -1;
	}
	/* Its counts cleared whatever happened: the clean run counts again
	 * (from the point, or from the start in exec mode after all). */
	if (record && (n = inject_plan_startup(r->inj, r->o->exclude, &r->startup)) < 0) {
		snap_close(r);
		return snap_fail(r, 0, n, "--snapshot: cannot plan the start-up");
	}
	if (record && e == 0)
		r->nstartup = n;
	else if (record) {
		free(r->startup);
		r->startup = NULL;
	}
	if (e == 0) {
		char buf[4096];

		/* What the set-up printed is no run's. */
		for (int i = 0; i < 2; i++)
			while (read(r->snap_out[i], buf, sizeof(buf)) > 0)
				;
		return 0;
	}
	if (e == 1 && res.end == RUN_SETUP_FAILED)
		return give_up(r, NULL);
	if (e == 1 && res.end == RUN_TIMEOUT) {
		snprintf(msg, sizeof(msg), "'%.512s' did not reach its snapshot point (%.512s) within "
			 "--timeout", r->argv[0], point_name(r));
	} else if (e == 1) {
		snprintf(msg, sizeof(msg), "'%.512s' ended before its snapshot point (%.512s, %s %d)",
			 r->argv[0], point_name(r),
			 res.end == RUN_SIGNALED ? "signal" : "status",
			 res.end == RUN_SIGNALED ? res.signal : res.exit_status);
	} else if (e < 0 && *snapshot_why(r->snap)) {
		/* The point named is not there: bad input, auto or not. */
		snap_close(r);
		snprintf(r->err.msg, sizeof(r->err.msg), "%s", snapshot_why(r->snap));
		r->err.status = 2;
		r->err.fatal = true;
		return -EINVAL;
	} else if (e == -EMLINK) {
		snprintf(msg, sizeof(msg), "'%.512s' is not single-threaded at its snapshot point (%s): "
			 "a fork copies one thread; take the snapshot before they start "
			 "(--snapshot-at=syscall:NAME[@N])", r->argv[0], why);
	} else {
		snap_close(r);
		return snap_fail(r, 0, e, "--snapshot: cannot make the template");
	}
	if (is_auto)
		return give_up(r, msg);
	snap_close(r);
	snprintf(r->err.msg, sizeof(r->err.msg), "--snapshot: %s, or --snapshot=auto to run it in "
		 "exec mode", msg);
	r->err.status = 2;
	r->err.fatal = true;
	return -EINVAL;
}

void runner_snap_drain(struct runner *r)
{
	if (runner_snap_forks(r))
		drain(r, true);
}

int runner_snap_restore(struct runner *r)
{
	char why[512];
	int e;

	if (!runner_snap_forks(r))
		return 0;
	e = snapshot_restore(r->snap, r->ts, why, sizeof(why));
	if (e == -ENOTRECOVERABLE && r->o->snapshot == SNAPSHOT_AUTO) {
		/* This run was the program's; the next child's template would
		 * not be: exec mode from here on. */
		tracer_session_drop_template(r->ts);
		if (!r->o->quiet)
			fprintf(stderr, "fzsandbox: note: --snapshot=auto: %s; the runs after this "
				"one exec the program\n", why);
		give_up(r, NULL);
		return 0;
	}
	if (e == -ENOTRECOVERABLE) {
		/* The next child would find another template: refused, never
		 * run from it. */
		snprintf(r->err.msg, sizeof(r->err.msg), "--snapshot: %s; run it with "
			 "--snapshot=off", why);
		r->err.status = 2;
		r->err.fatal = true;
		return -EINVAL;
	}
	return e < 0 ? snap_fail(r, 0, e, "--snapshot: cannot put back the template's descriptors") :
	       0;
}

void runner_snap_fini(struct runner *r)
{
	free(r->startup);
	r->startup = NULL;
	r->nstartup = 0;
	snap_close(r);
	snapshot_free(r->snap);
	r->snap = NULL;
}
