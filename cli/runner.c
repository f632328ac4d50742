/* runner.c - one run: start the driver and the tracer, then turn what
 * happened into a finding (or not). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/runner.h"
#include "harnesses/service.h"
#include "reporters/sanitizer.h"
#include "sandbox/sandbox.h"

volatile int runner_interrupted;

static void on_stop_signal(int sig)
{
	runner_interrupted = sig;
	tracer_interrupt(sig);
}

void runner_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: wake the loop */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);	/* a service closing on the driver */
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* --sandbox: one clear line when the jail cannot work here, and the jail's
 * plan, built once for every run. */
static void jail_init(struct runner *r, const struct options *o, char **argv)
{
	struct sandbox_opts so = { argv[0], r->cwd, o->uid, o->gid };
	const char *why;
	int e;

	if (o->uid_set && !o->sandbox)
		die("--uid needs --sandbox");
	if (!o->sandbox)
		return;
	if (o->uid_set && geteuid() != 0)
		die("--uid: only root can map the jail to another host user");
	e = sandbox_probe(&why);
	if (e < 0)
		die_errno(e, "%s", why);
	e = sandbox_new(&so, &r->sb);
	if (e < 0)
		die_errno(e, "sandbox: cannot prepare the jail for '%s'", argv[0]);
}

void runner_init(struct runner *r, const struct options *o, char **argv, char **env,
		 const char *run_dir)
{
	struct inject_config cfg = {
		.classes = o->classes, .occurrences = o->occurrences, .service = o->service,
	};
	int e;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->argv = argv;
	r->env = env;
	r->stdin_path = o->stdin_path;
	if (!getcwd(r->cwd, sizeof(r->cwd)))
		die_errno(errno, "cannot get the current directory");
	if (o->stdin_path && access(o->stdin_path, R_OK) < 0)
		die_errno(errno, "--stdin: cannot read '%s'", o->stdin_path);
	jail_init(r, o, argv);
	e = mkdir_p(run_dir);
	if (e < 0)
		die_errno(e, "cannot create '%s'", run_dir);
	snprintf(r->out_stdout, sizeof(r->out_stdout), "%s/stdout", run_dir);
	snprintf(r->out_stderr, sizeof(r->out_stderr), "%s/stderr", run_dir);
	e = inject_new(&cfg, &r->inj);
	if (e < 0)
		die_errno(e, "cannot set up the fault engine");
	inject_trace_set(r->inj, r->trace_set);
}

void runner_fini(struct runner *r)
{
	inject_free(r->inj);
	r->inj = NULL;
	sandbox_free(r->sb);
	r->sb = NULL;
}

/* Called by the tracer while the tasks are stopped. */
static void collect_stacks(void *arg, pid_t pid, const pid_t *tids, const int *ords, int n)
{
	struct runner *r = arg;

	for (int i = 0; i < n && r->cur.nthreads < FINDING_MAX_THREADS; i++) {
		struct thread_stack *ts = &r->cur.stacks[r->cur.nthreads];
		int k = inject_stack(r->inj, pid, tids[i], ts->frames, FRAME_MAX);

		ts->tid = tids[i];
		ts->thread = ords[i];
		ts->nframes = k > 0 ? k : 0;
		if (r->cur.nthreads == 0) {
			r->cur.pid = pid;
			r->cur.tid = tids[i];
			r->cur.thread = ords[i];
		}
		r->cur.nthreads++;
	}
}

static int open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		die_errno(errno, "cannot write '%s'", path);
	return fd;
}

static bool is_resource_signal(int sig)
{
	return sig == SIGKILL || sig == SIGXCPU || sig == SIGXFSZ;
}

/* Turn the run into a finding; returns 1 if it is one. */
static int classify(struct runner *r, const struct run_result *res, struct run_finding *f)
{
	struct thread_stack san;
	char kind[64];
	int s;

	s = sanitizer_scan(r->out_stderr, kind, sizeof(kind), &san);
	/* Most runs are not findings: decide before copying the stacks. */
	if (s != 1 && (res->end == RUN_SETUP_FAILED || res->end == RUN_INTERRUPTED ||
		       (res->end == RUN_EXITED &&
			!(r->o->fail_on_exit && r->have_baseline &&
			  res->exit_status != r->baseline_exit))))
		return 0;
	*f = r->cur;
	f->stdout_path = r->out_stdout;
	f->stderr_path = r->out_stderr;
	f->loader = res->in_loader;
	if (s == 1) {
		f->kind = FIND_SANITIZER;
		snprintf(f->sanitizer, sizeof(f->sanitizer), "%s", kind);
		snprintf(f->detail, sizeof(f->detail), "sanitizer report: %s", kind);
		/* The sanitizer's own stack is where the bug is. */
		memmove(&f->stacks[1], &f->stacks[0], sizeof(f->stacks[0]) * (FINDING_MAX_THREADS - 1));
		f->stacks[0] = san;
		if (f->nthreads < FINDING_MAX_THREADS)
			f->nthreads++;
		f->exit_status = res->exit_status;
		return 1;
	}
	switch (res->end) {
	case RUN_SIGNALED:
		f->kind = is_resource_signal(res->signal) ? FIND_RESOURCE : FIND_SIGNAL;
		f->signal = res->signal;
		f->pid = res->fault_pid;
		f->tid = res->fault_tid;
		f->thread = res->fault_ordinal;
		snprintf(f->detail, sizeof(f->detail), "%s (si_code %d, address %#" PRIx64 ")",
			 strsignal(res->signal), res->si_code, res->fault_addr);
		return 1;
	case RUN_TIMEOUT:
		f->kind = FIND_HANG;
		snprintf(f->detail, sizeof(f->detail), "no progress within --timeout");
		return 1;
	case RUN_EXITED:
		if (r->o->fail_on_exit && r->have_baseline && res->exit_status != r->baseline_exit) {
			f->kind = FIND_EXIT;
			f->exit_status = res->exit_status;
			snprintf(f->detail, sizeof(f->detail), "exit status %d (clean run: %d)",
				 res->exit_status, r->baseline_exit);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

int runner_run(struct runner *r, bool record, const struct plan_fault *plan, int nplan,
	       struct run_result *res, struct run_finding *f)
{
	struct tracer_opts to = {
		.argv = r->argv,
		.envp = r->env,
		.cwd = r->cwd,
		.stdin_path = r->stdin_path,
		.trace_set = r->trace_set,
		.from_exec = r->o->from_exec,
		.timeout_ms = r->o->timeout_ms,
		.grace_ms = r->o->grace_ms,
		.cpu = r->o->cpu,
		.hooks = inject_hooks(r->inj),
		.on_stacks = collect_stacks,
		.stack_arg = r,
		.sandbox = r->sb,
	};
	struct service_opts so = { r->o->requests, r->o->reply_timeout_ms,
				   r->sb ? sandbox_socket_beside : NULL };
	struct tracer_service svc;
	struct service_driver *drv = NULL;
	const struct fault_rec *log;
	int e, nlog;

	/* The stacks (~200 KiB) are only read up to nthreads: clear the rest. */
	memset(&r->cur, 0, offsetof(struct run_finding, stacks));
	memset(&r->cur.nfaults, 0, sizeof(r->cur) - offsetof(struct run_finding, nfaults));
	to.stdout_fd = open_out(r->out_stdout);
	to.stderr_fd = open_out(r->out_stderr);
	inject_begin_run(r->inj, record, plan, nplan);
	if (r->random)
		inject_set_random(r->inj, r->o->probability, r->random_seed, r->o->exclude);
	if (r->o->service) {
		e = service_start(&so, &drv, &svc);
		if (e < 0)
			die_errno(e, "cannot start the service driver");
	}
	e = tracer_run(&to, drv ? &svc : NULL, res);
	if (drv)
		service_finish(drv, NULL);
	close(to.stdout_fd);
	close(to.stderr_fd);
	if (e < 0)
		die_errno(e, "cannot trace '%s'", r->argv[0]);
	if (res->end == RUN_SETUP_FAILED && res->setup_step)
		die("sandbox: %s%s%s: %s", sandbox_step_name(res->setup_step),
		    res->setup_path[0] ? ": " : "", res->setup_path, strerror(res->setup_errno));
	if (res->end == RUN_SETUP_FAILED)
		die("cannot start '%s': %s failed: %s", r->argv[0], spawn_stage_name(res->setup_stage),
		    strerror(res->setup_errno));
	if (res->end == RUN_INTERRUPTED)
		return 0;
	if (record && res->end == RUN_EXITED) {
		r->baseline_exit = res->exit_status;
		r->have_baseline = true;
	}
	if (!classify(r, res, f))
		return 0;
	nlog = inject_run_log(r->inj, &log);
	f->nfaults = nlog < FINDING_MAX_FAULTS ? nlog : FINDING_MAX_FAULTS;
	memcpy(f->faults, log, f->nfaults * sizeof(*log));
	return 1;
}
