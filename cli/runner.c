/* runner.c - one run: start the driver and the tracer, then turn what
 * happened into a finding (or not). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/aflmap.h"
#include "cli/checker.h"
#include "cli/die.h"
#include "cli/hotstack.h"
#include "cli/outcheck.h"
#include "cli/relay.h"
#include "cli/runner.h"
#include "cli/svcnote.h"
#include "cli/target.h"
#include "harnesses/service.h"
#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/outputs.h"
#include "sandbox/workdir.h"
#include "symbols/symbols.h"
#include "util/redact.h"
#include "util/util.h"

volatile int runner_interrupted;

static void on_stop_signal(int sig)
{
	runner_interrupted = sig;
	tracer_interrupt(sig);
}

/* What the program gets: fzsandbox's own SIGPIPE as it was started. */
static bool runner_sigpipe_ignored;

void runner_install_signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: wake the loop */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old);	/* a service closing on the driver */
	runner_sigpipe_ignored = old.sa_handler == SIG_IGN;
}

void runner_die(const struct runner *r)
{
	if (r->err.status)
		die_with(r->err.status, "%s", r->err.msg);
	die("%s", r->err.msg);
}

void runner_prepare_out(const char *out_dir, bool fresh)
{
	int e = report_prepare_dir(out_dir);

	if (e == 0 && fresh)
		e = report_clear_previous(out_dir);
	if (e < 0)
		die_errno(e, "--out: cannot write to '%s'", out_dir);
}

static void collect_stacks(void *arg, pid_t pid, const pid_t *tids, const int *ords, int n);
static void on_violation(void *arg, pid_t pid, pid_t tid, int ordinal, const char *line);
static void on_caught(void *arg, pid_t pid, pid_t tid, int ordinal, int sig);

/* The tracer's session, once per runner: every run is an episode of it.
 * The sandbox reaches the tracer only as a launcher (jail, rlimits,
 * cgroup) and, with the jail, a gate (the deny policy). */
static void session_init(struct runner *r)
{
	struct tracer_opts to = {
		.argv = r->argv,
		.exec_path = r->exec_path[0] ? r->exec_path : NULL,
		.envp = aflmap_env(r->afl, r->env),
		.cwd = !r->wd ? r->cwd : r->sb ? r->wd_dir : workdir_copy_path(r->wd),
		.stdin_path = r->stdin_path,
		.passthrough = r->passthrough,
		.sigpipe_ignored = runner_sigpipe_ignored,
		.no_aslr = !r->passthrough && !r->o->keep_aslr,
		.trace_set = r->trace_set,
		.from_exec = r->o->from_exec,
		.timeout_ms = r->o->timeout_ms,
		.grace_ms = r->o->grace_ms,
		.cpu = r->o->cpu,
		.hooks = inject_hooks(r->inj),
		.on_stacks = collect_stacks,
		.stack_arg = r,
		.launcher = &r->launcher,
		.gate = r->policy ? &r->gate : NULL,
		.on_violation = on_violation,
		.on_caught = on_caught,
	};
	int e;

	r->launch = (struct sandbox_launch){
		.sb = r->sb, .rl = r->rl.n ? &r->rl : NULL, .cg = r->cg, .keep_fds = r->passthrough,
	};
	aflmap_launch(r->afl, &r->launch);
	sandbox_launcher(&r->launch, &r->launcher);
	runner_snap_init(r, &to);
	if (r->policy)
		sandbox_policy_gate(r->policy, &r->gate);
	e = tracer_session_new(&to, &r->ts);
	if (e < 0)
		die_errno(e, "cannot set up the tracer");
}

/* Run directories. Each run writes its output in a directory of its own,
 * taken when it starts and recycled when the next one starts: by then the
 * campaign is done with the output (a finding's is copied to findings/ID).
 * Runs follow one another, so one directory, RUN_DIR/episode-1, serves
 * them all and a run costs two truncating opens, as with shared files
 * (a fresh directory and renames cost ms on ext4); runs at the same time
 * would each take their own. At runner_fini the last run's files become
 * RUN_DIR/stdout and RUN_DIR/stderr, and the directory goes. */
static void episodes_fini(struct runner *r)
{
	static const char *const names[] = { "stdout", "stderr" };

	runner_episode_done(r);
	if (!r->episode_dir[0])
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char from[PATH_MAX + 16], to[PATH_MAX + 16];

		snprintf(from, sizeof(from), "%s/%s", r->episode_dir, names[i]);
		snprintf(to, sizeof(to), "%s/%s", r->run_dir, names[i]);
		if (rename(from, to) < 0 && errno != ENOENT)
			unlink(from);
	}
	rmdir(r->episode_dir);
	r->episode_dir[0] = 0;
	/* The last run's output stays in OUT/run: masked like the rest. */
	if (redact_dir_files(r->run_dir, NULL) < 0)
		fprintf(stderr, "fzsandbox: warning: --redact: cannot mask the files in '%s'\n",
			r->run_dir);
}

/* die() exits from anywhere: the runner's files in $TMPDIR (the work
 * copy, the jail's hosts file) and its cgroup must not outlive it. */
static struct runner *live_runner;
static pid_t live_pid;	/* a forked child exiting must not clean up */

static void runner_at_exit(void)
{
	if (live_runner && getpid() == live_pid)
		runner_fini(live_runner);
}

/* The engine's on_fault: the stack of the fault just logged, taken
 * while its task is stopped there (the first FINDING_MAX_THREADS). */
static void runner_on_fault(void *arg, pid_t pid, pid_t tid, int index)
{
	struct runner *r = arg;
	struct thread_stack *s;
	int n;

	if (!r->inj || index < 0 || index >= FINDING_MAX_THREADS || (!r->chk && !r->stacks_now))
		return;
	s = &r->fault_stacks[index];
	n = inject_stack(r->inj, pid, tid, s->frames, FRAME_MAX);
	s->tid = tid;
	s->nframes = n > 0 ? n : 0;
}

static void checker_make(struct runner *r)
{
	struct check_setup cs = {
		.o = r->o, .env = r->env, .jail = r->sb != NULL, .wd = r->wd, .wd_dir = r->wd_dir,
		.run_dir = r->run_dir[0] ? r->run_dir : NULL, .policy = r->policy,
		.rl = r->rl.n ? &r->rl : NULL, .interrupted = &runner_interrupted,
		.fault_stacks = r->fault_stacks,
	};

	if (r->o->nchecks)
		r->chk = checker_new(&cs);
}

void runner_init(struct runner *r, const struct options *o, char **argv, char **env,
		 const char *run_dir)
{
	static bool registered;

	struct inject_config cfg = {
		.classes = o->classes, .occurrences = o->occurrences, .service = o->service,
		.captured_stderr = run_dir != NULL,
		/* --check, --slowdown: the stack at each fault. */
		.on_fault = o->nchecks || o->check_output || o->slowdown > 0 ? runner_on_fault : NULL,
		.fault_arg = r,
		.only_exe = o->only_exe, .only_path = o->only_path, .only_fd = o->only_fd,
	};
	int e;

	if (!registered && atexit(runner_at_exit) == 0)
		registered = true;
	live_runner = r;
	live_pid = getpid();
	r->cap[0] = r->cap[1] = -1;
	r->interrupted = &runner_interrupted;
	r->o = o;
	r->argv = argv;
	r->env = env;
	r->stdin_path = o->stdin_path;
	if (!getcwd(r->cwd, sizeof(r->cwd)))
		die_errno(errno, "cannot get the current directory");
	/* "./prog" names a file here, not in --workdir's copy, where the
	 * target starts without the jail. */
	if (argv[0][0] != '/' && strchr(argv[0], '/') &&
	    snprintf(r->exec_path, sizeof(r->exec_path), "%s/%s", r->cwd, argv[0]) >= (int)sizeof(r->exec_path))
		die("program path too long: '%s'", argv[0]);
	if (o->stdin_path && access(o->stdin_path, R_OK) < 0)
		die_errno(errno, "--stdin: cannot read '%s'", o->stdin_path);
	if (run_dir && snprintf(r->run_dir, sizeof(r->run_dir), "%s", run_dir) >= (int)sizeof(r->run_dir))
		die("--out: path too long: '%s'", run_dir);
	runner_setup_jail(r, o, argv, false);
	r->passthrough = !run_dir;
	if (run_dir) {
		e = mkdir_p(run_dir, 0755);
		if (e < 0)
			die_errno(e, "cannot create '%s'", run_dir);
	}
	/* --check: before the engine, which calls it back at each fault. */
	checker_make(r);
	if (o->check_output && run_dir)
		r->oc = outcheck_new(o);
	slowdown_init(&r->slow, run_dir ? o->slowdown : 0);
	if (o->fuzz) {
		char *path = target_resolve(argv[0]);

		r->afl = aflmap_new(o, path, env, r->sb != NULL);
		free(path);
	}
	aflmap_inject(r->afl, &cfg);
	e = inject_new(&cfg, &r->inj);
	if (e < 0)
		die_errno(e, "cannot set up the fault engine");
	if (r->slow.factor && !(r->hot = hotstack_new(r->inj)))
		die_errno(-ENOMEM, "cannot set up --slowdown");
	inject_trace_set(r->inj, r->trace_set);
	refusals_init(&r->refusals, r->sb, r->rl.n ? &r->rl : NULL, !r->passthrough);
	checker_set_inject(r->chk, r->inj);
	session_init(r);
}

void runner_rehome(struct runner *r, const char *run_dir, const char *input)
{
	int e;

	if (snprintf(r->run_dir, sizeof(r->run_dir), "%s", run_dir) >= (int)sizeof(r->run_dir))
		die("--out: path too long: '%s'", run_dir);
	e = mkdir_p(run_dir, 0755);
	if (e < 0)
		die_errno(e, "cannot create '%s'", run_dir);
	runner_episode_done(r);
	r->episode_dir[0] = 0;
	r->sb = NULL;
	r->policy = NULL;
	r->wd = NULL;
	r->wd_auto[0] = 0;
	r->wd_used = false;
	r->cg = NULL;
	r->chk = NULL;
	r->ts = NULL;
	runner_snap_forget(r, r->fuzz_input, input);
	if (r->fuzz_input && input) {
		for (int i = 0; r->argv[i]; i++)
			if (r->argv[i] == r->fuzz_input)
				r->argv[i] = (char *)input;
		if (r->stdin_path == r->fuzz_input)
			r->stdin_path = input;
		runner_set_input(r, input);
	}
	runner_setup_jail(r, r->o, r->argv, true);
	aflmap_rehome(r->afl);
	checker_make(r);
	checker_set_inject(r->chk, r->inj);
	session_init(r);
	live_runner = r;
	live_pid = getpid();
}

void runner_fini(struct runner *r)
{
	if (live_runner == r)
		live_runner = NULL;
	episodes_fini(r);
	checker_free(r->chk);
	r->chk = NULL;
	crash_free(&r->crash);
	outcheck_free(r->oc);
	hotstack_free(r->hot);
	r->hot = NULL;
	r->oc = NULL;
	tracer_session_free(r->ts);
	r->ts = NULL;
	runner_snap_fini(r);
	aflmap_free(r->afl);
	r->afl = NULL;
	inject_free(r->inj);
	r->inj = NULL;
	sandbox_free(r->sb);
	r->sb = NULL;
	sandbox_policy_free(r->policy);
	r->policy = NULL;
	workdir_free(r->wd);
	r->wd = NULL;
	if (r->wd_auto[0])
		rmdir(r->wd_auto);
	r->wd_auto[0] = 0;
	sandbox_cgroup_free(r->cg);
	r->cg = NULL;
}

void runner_keep_workdir(struct runner *r, const char *out_dir, int id)
{
	char dir[PATH_MAX], dst[PATH_MAX + 16];
	int e;

	snprintf(dir, sizeof(dir), "%s/findings/%d", out_dir, id);
	/* What the run wrote in the named outputs' directories, too. */
	snprintf(dst, sizeof(dst), "%s/outputs", dir);
	e = r->sb ? sandbox_outputs_keep(r->sb, dst) : 0;
	if (e < 0)
		fprintf(stderr, "fzsandbox: warning: cannot keep what the run wrote beside its "
			"outputs in '%s': %s\n", dst, strerror(-e));
	if (!r->wd)
		return;
	snprintf(dst, sizeof(dst), "%s/workdir", dir);
	e = mkdir_p(dir, 0755);
	if (e == 0)
		e = workdir_keep(r->wd, dst);
	if (e < 0)
		fprintf(stderr, "fzsandbox: warning: cannot keep the work directory in '%s': %s\n", dst,
			strerror(-e));
}

/* Called by the tracer while the tasks are stopped. */
static void collect_stacks(void *arg, pid_t pid, const pid_t *tids, const int *ords, int n)
{
	struct runner *r = arg;

	aflmap_read_from(r->afl, pid);	/* a crash's or hang's edges too */

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
			r->deliberate = inject_deliberate(r->inj, pid, tids[i]) == 1;
		}
		r->cur.nthreads++;
	}
}

/* Called by the tracer with the refused call's task stopped at it: the
 * first violation of a run is kept (with its stack) for classify. */
static void on_violation(void *arg, pid_t pid, pid_t tid, int ordinal, const char *line)
{
	struct runner *r = arg;
	int k;

	if (r->viol.seen)
		return;
	r->viol.seen = true;
	r->viol.pid = pid;
	r->viol.tid = tid;
	r->viol.thread = ordinal;
	snprintf(r->viol.line, sizeof(r->viol.line), "%s", line);
	k = inject_stack(r->inj, pid, tid, r->viol.stack.frames, FRAME_MAX);
	r->viol.stack.tid = tid;
	r->viol.stack.thread = ordinal;
	r->viol.stack.nframes = k > 0 ? k : 0;
}

/* Called by the tracer at the delivery of a fault the program's handler
 * is about to catch: the stack of the fault itself, before the handler
 * adds its own frames or crashes. */
static void on_caught(void *arg, pid_t pid, pid_t tid, int ordinal, int sig)
{
	struct runner *r = arg;
	int k = inject_stack(r->inj, pid, tid, r->first.frames, FRAME_MAX);

	(void)sig;
	r->first.tid = tid;
	r->first.thread = ordinal;
	r->first.nframes = k > 0 ? k : 0;
	r->first_deliberate = inject_deliberate(r->inj, pid, tid) == 1;
}

/* Turn the run into a finding (reporters/classify.c); returns 1 if it
 * is one. The tracer's result goes over as plain fields. */
static int classify(struct runner *r, const struct run_result *res, struct run_finding *f)
{
	const struct fault_rec *log;
	struct run_facts run = {
		.ending = res->end == RUN_EXITED ? ENDED_EXIT :
			  res->end == RUN_SIGNALED ? ENDED_SIGNAL :
			  res->end == RUN_TIMEOUT ? ENDED_TIMEOUT : ENDED_OTHER,
		.exit_status = res->exit_status,
		.signal = res->signal,
		.si_code = res->si_code,
		.fault_addr = res->fault_addr,
		.fault_pid = res->fault_pid,
		.fault_tid = res->fault_tid,
		.fault_ordinal = res->fault_ordinal,
		.in_loader = res->in_loader,
		.collected = &r->cur,
		.violation = &r->viol,
		.stdout_path = r->passthrough ? NULL : r->out_stdout,
		.stderr_path = r->passthrough ? NULL : r->out_stderr,
		.sanitized = inject_run_sanitized(r->inj),
		.nfaults = inject_run_log(r->inj, &log),
		.check_exit = r->o->fail_on_exit && r->have_baseline,
		.baseline_exit = r->baseline_exit,
		.deliberate = r->deliberate,
		.first_signal = res->first_signal,
		.first_si_code = res->first_si_code,
		.first_addr = res->first_addr,
		.first_pid = res->first_pid,
		.first_tid = res->first_tid,
		.first_ordinal = res->first_ordinal,
		.first_stack = res->first_signal ? &r->first : NULL,
		.first_deliberate = r->first_deliberate,
	};

	run.deliberate_exit = inject_deliberate_exit(r->inj, &run.deliberate_status) == 1;

	return report_classify(&run, f);
}

/* The run without faults: its named outputs reach the host (a faulted
 * run's may be cut short on purpose; sandbox/outputs.h). */
static void copy_outputs(const struct runner *r)
{
	char msg[1024];
	int n = r->sb ? sandbox_outputs_copy(r->sb, msg, sizeof(msg)) : 0;

	if (n > 0)
		fprintf(stderr, "fzsandbox: warning: %d path%s at or under the named outputs not copied to the host: %s\n", n,
			n == 1 ? "" : "s", msg);
}

/* --check: the run is no other finding; is the state it left sound?
 * 1 and *f a state-corruption finding when a checker fails after it. A
 * checker that cannot run, or fails after the run without faults, ends
 * the invocation (fatal): no later verdict of it could be trusted. */
static int check_state(struct runner *r, bool record, struct run_finding *f)
{
	char why[sizeof(r->err.msg)];
	int e;

	if (!r->chk)
		return 0;
	memset(f, 0, offsetof(struct run_finding, stacks));
	memset(&f->nfaults, 0, sizeof(*f) - offsetof(struct run_finding, nfaults));
	e = checker_run(r->chk, record, f, why, sizeof(why));
	if (e < 0) {
		r->err.fatal = true;
		return runner_fail(r, 0, 0, "%s", why);
	}
	f->stdout_path = r->passthrough ? NULL : r->out_stdout;
	f->stderr_path = r->passthrough ? NULL : r->out_stderr;
	return e;
}

/* --check=output: a faulted run, no other finding (runner_output.c
 * judges). As for a slowdown, the stacks come from the same faults run
 * again, which must lose output too: taking them in every run costs more
 * than the runs (docs/performance.md#checks). */
static int check_output(struct runner *r, bool record, const struct plan_fault *plan, int nplan,
			struct run_result *res, struct run_finding *f)
{
	int e = runner_output_judge(r, record, res, f);

	if (e != 1 || r->chk || r->stacks_now)
		return e;
	r->stacks_now = true;
	e = runner_run(r, record, plan, nplan, res, f);
	r->stacks_now = false;
	return e;
}

void runner_output_baseline(struct runner *r)
{
	struct run_result res;
	struct run_finding f;

	if (!r->oc || runner_interrupted)
		return;
	if (runner_run(r, false, NULL, 0, &res, &f) < 0 && !runner_interrupted)
		runner_die(r);
	if (!runner_interrupted)
		runner_output_same(r);
}

/* --slowdown: a faulted run, no other finding, against the runs without
 * faults. 1 and *f a slowdown finding, with the stacks where its faults
 * were injected and the hottest stack sampled while it ran (hotstack.h).
 * Both come from the same faults run again, which must be slow too:
 * taking them in every run would cost more than the runs. */
static int check_slowdown(struct runner *r, bool record, const struct plan_fault *plan,
			  int nplan, struct run_result *res, struct run_finding *f)
{
	const struct fault_rec *log;
	int nlog = inject_run_log(r->inj, &log), e;

	if (record || nlog == 0)
		return 0;
	memset(f, 0, offsetof(struct run_finding, stacks));
	memset(&f->nfaults, 0, sizeof(*f) - offsetof(struct run_finding, nfaults));
	if (!slowdown_judge(&r->slow, res, r->run_set, r->cpu_us, r->wall_us, f))
		return 0;
	if (!r->chk && !r->stacks_now) {
		r->stacks_now = true;
		r->hot_on = r->hot != NULL;
		r->hot_stops = strcmp(f->slow.measure, "syscalls") == 0;
		e = runner_run(r, record, plan, nplan, res, f);
		r->stacks_now = r->hot_on = false;
		return e;
	}
	f->nthreads = nlog < FINDING_MAX_THREADS ? nlog : FINDING_MAX_THREADS;
	for (int j = 0; j < f->nthreads; j++) {
		f->stacks[j] = r->fault_stacks[j];
		f->stacks[j].thread = log[j].thread;
	}
	f->thread = log[0].thread;
	f->tid = r->fault_stacks[0].tid;
	if (r->hot_on)
		hotstack_put(r->hot, f);
	f->stdout_path = r->passthrough ? NULL : r->out_stdout;
	f->stderr_path = r->passthrough ? NULL : r->out_stderr;
	return 1;
}

void runner_slowdown_baseline(struct runner *r, long long deadline_ms)
{
	struct run_result res;
	struct run_finding f;

	/* Their findings (a flaky program) are not the campaign's: only
	 * their times count. Past --budget's deadline the clean run's time
	 * alone is the baseline (a slowdown is confirmed by a second run
	 * anyway): the budget bounds the whole invocation. */
	for (int i = 0; r->slow.factor && i < SLOWDOWN_REPEATS && !runner_interrupted &&
	     (!deadline_ms || mono_ms() < deadline_ms); i++)
		if (runner_run(r, false, NULL, 0, &res, &f) >= 0)
			slowdown_sample(&r->slow, &res, false, r->cpu_us, r->wall_us);
}

/* After the tracer: why the episode could not be made, or must not count,
 * as die() used to say it. 0 when it counts. */
static int check_episode(struct runner *r, bool record, int e, const struct run_result *res,
			 bool listened)
{
	const char *why;

	/* Not traceable here at all (the one-shot path does not probe
	 * first): the probe's line, as if it had. */
	if (e < 0 && tracer_probe(&why) < 0)
		return runner_fail(r, 0, 0, "%s", why);
	/* The jail's clone itself failed: say which namespaces and why. */
	if (e < 0 && r->sb && sandbox_probe(true, &why) < 0)
		return runner_fail(r, 0, e, "%s", why);
	if (e < 0)
		return runner_fail(r, 0, e, "cannot trace '%s'", r->argv[0]);
	if (res->end == RUN_SETUP_FAILED && res->setup_step) {
		/* A run swapped the program under the jail's binds: an escape
		 * attempt, and every later run would meet the same file. */
		r->err.fatal = res->setup_step == SB_PROGRAM;
		return runner_fail(r, 0, 0, "sandbox: %s%s%s: %s", sandbox_step_name(res->setup_step),
				   res->setup_path[0] ? ": " : "", res->setup_path,
				   strerror(res->setup_errno));
	}
	/* --inject=none: env(1)'s codes for a program that cannot run. */
	if (res->end == RUN_SETUP_FAILED && r->passthrough && res->setup_stage == STAGE_EXEC)
		return runner_fail(r, res->setup_errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, 0,
				   "cannot execute '%s': %s", r->argv[0], strerror(res->setup_errno));
	if (res->end == RUN_SETUP_FAILED)
		return runner_fail(r, 0, 0, "cannot start '%s': %s failed: %s", r->argv[0],
				   spawn_stage_name(res->setup_stage), strerror(res->setup_errno));
	if (res->end == RUN_INTERRUPTED)
		return 0;
	if (res->end == RUN_TIMEOUT && res->in_loader && !r->o->from_exec)
		return runner_fail(r, 0, 0, "--timeout: %ld ms is too short: '%s' did not reach its entry point",
				   r->o->timeout_ms, r->argv[0]);
	/* A service that never listened, unfaulted, was never tested: saying
	 * "0 findings" would be a silent pass. */
	if (record && r->o->service && !listened && res->end == RUN_EXITED) {
		char tail[512];

		/* Its own words say why (a port in use, a config it rejects). */
		output_tail(r->passthrough ? NULL : r->out_stderr, 3, tail, sizeof(tail));
		return runner_fail(r, 0, 0, "service mode: '%s' never listened (it exited with status %d%s%s)",
				   r->argv[0], res->exit_status, tail[0] ? "; its stderr ends: " : "", tail);
	}
	return 0;
}

/* User + system time of the reaped children of fzsandbox (the traced
 * trees; a checker runs after the run), -1 if unknown. */
static int64_t children_cpu_us(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		return -1;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec +
	       ru.ru_stime.tv_usec;
}

int runner_run(struct runner *r, bool record, const struct plan_fault *plan, int nplan,
	       struct run_result *res, struct run_finding *f)
{
	/* --fuzz: a service's one request ("@@") is the run's input file. */
	char *fuzz_req[] = { (char *)r->fuzz_input, NULL };
	struct service_opts so = { r->fuzz_input ? fuzz_req : r->o->requests, r->o->reply_timeout_ms,
				   r->sb && r->o->net != SANDBOX_NET_HOST ? sandbox_socket_beside : NULL,
				   r->sb != NULL, record && r->o->show_replies };
	struct tracer_episode ep = { .stdout_fd = -1, .stderr_fd = -1 };
	struct tracer_cond conds[TRACER_MAX_CONDS];
	struct tracer_service svc;
	struct service_driver *drv = NULL;
	struct service_result *sres = &r->svc;
	const struct fault_rec *log;
	long oom0;
	int64_t cpu0, cpu1, wall0;
	int e, nlog, nconds, back;

	memset(res, 0, sizeof(*res));
	memset(sres, 0, sizeof(*sres));
	r->cpu_us = -1;
	r->err.msg[0] = 0;
	r->err.status = 0;
	r->err.fatal = false;
	r->viol.seen = false;
	r->deliberate = r->first_deliberate = false;
	r->first.nframes = 0;
	if (r->snap && !r->exec_run && (e = runner_snap_ensure(r, record)) < 0)
		return e;
	/* The stacks (~200 KiB) are only read up to nthreads: clear the rest. */
	memset(&r->cur, 0, offsetof(struct run_finding, stacks));
	memset(&r->cur.nfaults, 0, sizeof(r->cur) - offsetof(struct run_finding, nfaults));
	/* Every run starts from the same files (the first copy is fresh). */
	/* A parked template's cwd (and the jail's bind) is the copy: reset
	 * in place, from DIR for every run, the first included. */
	if (r->wd && (r->wd_used || runner_snap_parked(r))) {
		e = runner_snap_parked(r) ? workdir_refill(r->wd) : workdir_reset(r->wd);
		if (e < 0)
			return runner_fail(r, 0, e, "--workdir: cannot copy '%s'", r->wd_dir);
	}
	r->wd_used = true;
	/* Fresh upper directories: no run sees what an earlier one wrote
	 * beside the named outputs. */
	e = r->sb ? sandbox_outputs_begin(r->sb) : 0;
	if (e < 0)
		return runner_fail(r, 0, e, "cannot prepare the upper directories of the outputs");
	inject_begin_run(r->inj, record, plan, nplan);
	if (r->random)
		inject_set_random(r->inj, r->o->probability, r->random_seed, r->o->exclude);
	inject_set_sites(r->inj, r->random && r->sites);
	inject_run_trace_set(r->inj, r->run_set);
	if (r->o->service) {
		e = service_start(&so, &drv, &svc);
		if (e < 0)
			return runner_fail(r, 0, e, "cannot start the service driver");
		if ((e = runner_snap_service(r, drv)) < 0) {
			service_finish(drv, NULL);
			return runner_fail(r, 0, e, "--snapshot: cannot hand the listening socket to the driver");
		}
	}
	/* Last, so that a run directory always holds a run's output. */
	e = runner_episode_open(r, &ep);
	if (e < 0) {
		runner_episode_close(r, &ep);
		if (drv)
			service_finish(drv, NULL);
		return e;
	}
	ep.trace_set = r->run_set;
	ep.exec = r->exec_run;
	ep.sample_ms = r->hot_on ? HOT_SAMPLE_MS : 0;
	ep.sample_stops = r->hot_stops;
	ep.on_sample = hotstack_on_sample;
	ep.sample_arg = r->hot;
	ep.on_tick = runner_snap_forks(r) ? runner_snap_tick : NULL;
	ep.tick_arg = r;
	if (r->hot_on)
		hotstack_reset(r->hot);
	/* Syscalls stopped at only for some argument values (clock ids). */
	nconds = inject_run_conds(r->inj, r->run_set, conds, TRACER_MAX_CONDS);
	/* Only the run without faults watches what the jail refuses. */
	ep.conds = NULL;
	ep.nconds = 0;
	ep.observer = record ? refusals_begin(&r->refusals, r->run_set, &ep.conds, &ep.nconds) : NULL;
	ep.observer = crash_observe(r, record, ep.observer);
	for (int i = 0; i < ep.nconds && nconds < TRACER_MAX_CONDS; i++)
		conds[nconds++] = ep.conds[i];
	ep.conds = conds;
	ep.nconds = nconds;
	oom0 = sandbox_cgroup_oom_kills(r->cg);
	cpu0 = children_cpu_us();
	wall0 = mono_us();
	aflmap_begin(r->afl, runner_snap_template(r));
	e = tracer_session_run(r->ts, &ep, drv ? &svc : NULL, res);
	r->wall_us = mono_us() - wall0;
	aflmap_end(r->afl, runner_snap_template(r));
	/* Every task of the run is reaped by now: its parent took its
	 * children's times, and the tracer (its first task's parent) them. */
	cpu1 = children_cpu_us();
	r->cpu_us = cpu0 >= 0 && cpu1 >= cpu0 ? cpu1 - cpu0 : -1;
	/* A template's child is the jail's init's, which never ends while
	 * the template lives: its time never reaches us. A process put back
	 * in place is reaped runs later, its time theirs. */
	if (runner_snap_forks(r) && (r->sb || !r->o->restore_off))
		r->cpu_us = -1;
	if (drv)
		service_finish(drv, sres);
	runner_snap_drain(r);
	runner_episode_close(r, &ep);
	if (e >= 0 && (back = runner_snap_restore(r)) < 0)
		return back;
	e = check_episode(r, record, e, res, sres->ready);
	if (e < 0 || res->end == RUN_INTERRUPTED)
		return e;
	if (record) {
		copy_outputs(r);
		refusals_quote(&r->refusals, r->passthrough ? NULL : r->out_stderr);
	}
	if (record && res->end == RUN_EXITED) {
		r->baseline_exit = res->exit_status;
		r->have_baseline = true;
	}
	if (record && drv && sres->ready && r->o->nrequests && sres->sent == 0)
		fprintf(stderr, "fzsandbox: warning: '%s' listened but no request could be sent to it\n",
			r->argv[0]);
	if (record)
		slowdown_sample(&r->slow, res, true, r->cpu_us, r->wall_us);
	if ((e = crash_judge(r, record, f)) < 0 || e == 2)	/* killed at a point */
		return e < 0 ? e : 0;
	if (e != 1 && !classify(r, res, f) && (e = check_state(r, record, f)) <= 0 &&
	    (e < 0 || (e = check_output(r, record, plan, nplan, res, f)) <= 0) &&
	    (e < 0 || (e = check_slowdown(r, record, plan, nplan, res, f)) <= 0))
		return e;
	/* A SIGKILL nobody here sent: say so when it was the memory cgroup. */
	if (f->kind == FIND_RESOURCE && f->signal == SIGKILL && oom0 >= 0 &&
	    sandbox_cgroup_oom_kills(r->cg) > oom0)
		snprintf(f->detail, sizeof(f->detail),
			 "killed by the memory cgroup's OOM killer (--memory-limit)");
	nlog = inject_run_log(r->inj, &log);
	f->nfaults = nlog < FINDING_MAX_FAULTS ? nlog : FINDING_MAX_FAULTS;
	memcpy(f->faults, log, f->nfaults * sizeof(*log));
	return 1;
}
