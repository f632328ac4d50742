/* check_tracer.c - the tracer's session interface (tracer/tracer.h) with
 * real programs: episodes of one session, two sessions at once in two
 * threads (each waits only for its own tracees, and a timeout in one does
 * not disturb the other), no process-wide SIGALRM or interval timer, a
 * launcher's failures carried back, a gate, and a syscall-exit observer.
 * Needs ptrace: skipped (77) where the probe says it is not permitted. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "tracer/services.h"
#include "tracer/tracer.h"
#include "util/util.h"

static char *sh_argv(const char *script, char **argv)
{
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = (char *)script;
	argv[3] = NULL;
	return argv[0];
}

static void opts_init(struct tracer_opts *o, char **argv, long timeout_ms)
{
	static char *envp[] = { "PATH=/usr/bin:/bin", NULL };

	memset(o, 0, sizeof(*o));
	o->argv = argv;
	o->envp = envp;
	o->timeout_ms = timeout_ms;
	o->grace_ms = 200;
	o->cpu = -1;
}

/* One episode of a fresh session; returns 0 and *res. */
static int run_once(const struct tracer_opts *o, struct run_result *res)
{
	struct tracer_episode ep = { .stdout_fd = -1, .stderr_fd = -1 };
	struct tracer_session *s;
	int r = tracer_session_new(o, &s);

	if (r < 0)
		return r;
	r = tracer_session_run(s, &ep, NULL, res);
	tracer_session_free(s);
	return r;
}

START_TEST(test_episodes)
{
	char *argv[4];
	struct tracer_opts o;
	struct tracer_session *s;
	struct tracer_episode ep = { .stdout_fd = -1, .stderr_fd = -1 };
	struct run_result res;
	struct sigaction sa0, sa;
	struct itimerval it;

	/* (Check itself may have a SIGALRM handler for its own timeout.) */
	ck_assert_int_eq(sigaction(SIGALRM, NULL, &sa0), 0);
	sh_argv("exit 3", argv);
	opts_init(&o, argv, 10000);
	ck_assert_int_eq(tracer_session_new(&o, &s), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(tracer_session_run(s, &ep, NULL, &res), 0);
		ck_assert_int_eq(res.end, RUN_EXITED);
		ck_assert_int_eq(res.exit_status, 3);
	}
	tracer_session_free(s);
	/* Nothing process-wide was used: SIGALRM as it was, no interval
	 * timer. */
	ck_assert_int_eq(sigaction(SIGALRM, NULL, &sa), 0);
	ck_assert(sa.sa_handler == sa0.sa_handler);
	ck_assert_int_eq(getitimer(ITIMER_REAL, &it), 0);
	ck_assert(!it.it_interval.tv_sec && !it.it_interval.tv_usec);
}
END_TEST

struct worker {
	const char *script;
	long timeout_ms;
	int runs;
	int ok;			/* episodes that ended as expected */
	enum run_end want;
	int want_status;
	long long ms;		/* how long the worker took */
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	char *argv[4];
	struct tracer_opts o;
	struct tracer_session *s;
	struct tracer_episode ep = { .stdout_fd = -1, .stderr_fd = -1 };
	struct run_result res;
	long long t0 = mono_ms();

	sh_argv(w->script, argv);
	opts_init(&o, argv, w->timeout_ms);
	if (tracer_session_new(&o, &s) < 0)
		return NULL;
	for (int i = 0; i < w->runs; i++)
		if (tracer_session_run(s, &ep, NULL, &res) == 0 && res.end == w->want &&
		    (w->want != RUN_EXITED || res.exit_status == w->want_status))
			w->ok++;
	tracer_session_free(s);
	w->ms = mono_ms() - t0;
	return NULL;
}

/* Two sessions in one process at the same time: a waitpid(-1) without
 * __WNOTHREAD in one would steal the other's stops, and a timer of the
 * process would wake (or time out) the wrong one. */
START_TEST(test_two_sessions)
{
	struct worker quick = { "exit 5", 10000, 20, 0, RUN_EXITED, 5, 0 };
	struct worker slow = { "sleep 5", 300, 2, 0, RUN_TIMEOUT, 0, 0 };
	pthread_t a, b;

	ck_assert_int_eq(pthread_create(&a, NULL, worker, &quick), 0);
	ck_assert_int_eq(pthread_create(&b, NULL, worker, &slow), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	ck_assert_int_eq(quick.ok, quick.runs);
	ck_assert_int_eq(slow.ok, slow.runs);
	/* Each timeout came on time, not at the other's pace. */
	ck_assert_int_lt(slow.ms, 2 * 300 + 2000);
}
END_TEST

/* A launcher that fails in the child, then one that fails after the
 * clone: both come back as RUN_SETUP_FAILED with their step and path. */
static int child_fails(void *ctx, int errfd, struct tracer_setup_err *e,
		       void (*finish)(void *arg, const struct tracer_setup_err *e), void *finish_arg)
{
	(void)ctx;
	(void)errfd;
	(void)finish;
	(void)finish_arg;
	e->step = 7;
	e->err = EROFS;
	memcpy(e->path, "/some/path", sizeof("/some/path"));
	return -EROFS;
}

static int after_fails(void *ctx, pid_t pid, struct tracer_setup_err *e)
{
	(void)ctx;
	(void)pid;
	e->step = 9;
	e->err = EPERM;
	return -EPERM;
}

static int prepared, cloned_calls;

static int prepare_counts(void *ctx, struct tracer_setup_err *e)
{
	(void)ctx;
	(void)e;
	prepared++;
	return 0;
}

static void cloned_counts(void *ctx, pid_t pid)
{
	(void)ctx;
	ck_assert_int_gt(pid, 0);
	cloned_calls++;
}

START_TEST(test_launcher)
{
	char *argv[4];
	struct tracer_opts o;
	struct run_result res;
	struct tracer_launcher l = { .prepare = prepare_counts, .cloned = cloned_counts,
				     .child_setup = child_fails };

	sh_argv("exit 0", argv);
	opts_init(&o, argv, 10000);
	o.launcher = &l;
	ck_assert_int_eq(run_once(&o, &res), 0);
	ck_assert_int_eq(res.end, RUN_SETUP_FAILED);
	ck_assert_int_eq(res.setup_stage, STAGE_LAUNCH);
	ck_assert_int_eq(res.setup_step, 7);
	ck_assert_int_eq(res.setup_errno, EROFS);
	ck_assert_str_eq(res.setup_path, "/some/path");
	ck_assert_int_eq(prepared, 1);
	ck_assert_int_eq(cloned_calls, 1);

	l.child_setup = NULL;
	l.after_clone = after_fails;
	ck_assert_int_eq(run_once(&o, &res), 0);
	ck_assert_int_eq(res.end, RUN_SETUP_FAILED);
	ck_assert_int_eq(res.setup_step, 9);
	ck_assert_int_eq(res.setup_errno, EPERM);
	ck_assert_str_eq(res.setup_path, "");
}
END_TEST

/* The gate refuses chdir with EACCES as a violation: the shell's `cd`
 * fails, and the violation is reported with the gate's line. */
static int gate_nr, violations;
static char violation_line[192];

static int gate_check(void *ctx, const struct syscall_stop *s, char *line, size_t len)
{
	(void)ctx;
	if (s->nr != gate_nr)
		return 0;
	snprintf(line, len, "%s(...)", s->ent ? s->ent->name : "?");
	return EACCES;
}

static void on_violation(void *arg, pid_t pid, pid_t tid, int ordinal, const char *line)
{
	(void)arg;
	(void)pid;
	(void)tid;
	(void)ordinal;
	violations++;
	snprintf(violation_line, sizeof(violation_line), "%s", line);
}

START_TEST(test_gate)
{
	uint8_t set[SYSCALL_MAX / 8] = { 0 };
	struct tracer_gate g = { .check = gate_check };
	char *argv[4];
	struct tracer_opts o;
	struct run_result res;

	gate_nr = syscall_by_name("chdir")->nr;
	set[gate_nr / 8] |= 1 << (gate_nr % 8);
	sh_argv("cd / 2>/dev/null || exit 7; exit 0", argv);
	opts_init(&o, argv, 10000);
	o.trace_set = set;
	o.gate = &g;
	o.on_violation = on_violation;
	ck_assert_int_eq(run_once(&o, &res), 0);
	ck_assert_int_eq(res.end, RUN_EXITED);
	ck_assert_int_eq(res.exit_status, 7);
	ck_assert_int_ge(violations, 1);
	ck_assert_str_eq(violation_line, "chdir(...)");
}
END_TEST

/* The exit observer: called with the result until it says it is done. */
static int observed;
static int64_t observed_ret;

static int observe(void *arg, struct tracer_task *t, const struct syscall_stop *s, int64_t ret)
{
	int fd;

	(void)arg;
	(void)s;
	observed++;
	observed_ret = ret;
	/* The task is stopped: its standard input can be taken. */
	fd = tracer_grab_fd(t, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return 1;
}

START_TEST(test_observer)
{
	uint8_t set[SYSCALL_MAX / 8] = { 0 };
	struct tracer_service svc = { .on_exit = observe };
	struct tracer_episode ep = { .stdout_fd = -1, .stderr_fd = -1 };
	struct tracer_session *s;
	char *argv[4];
	struct tracer_opts o;
	struct run_result res;

	svc.watch_nr = syscall_by_name("chdir")->nr;
	set[svc.watch_nr / 8] |= 1 << (svc.watch_nr % 8);
	sh_argv("cd /nonexistent-dir 2>/dev/null; cd /; cd /; exit 0", argv);
	opts_init(&o, argv, 10000);
	o.trace_set = set;
	ck_assert_int_eq(tracer_session_new(&o, &s), 0);
	ck_assert_int_eq(tracer_session_run(s, &ep, &svc, &res), 0);
	tracer_session_free(s);
	ck_assert_int_eq(res.end, RUN_EXITED);
	ck_assert_int_eq(observed, 1);	/* done after the first */
	ck_assert_int_eq(observed_ret, -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tracer");
	TCase *tc = tcase_create("tracer");
	const char *why;
	SRunner *sr;
	int failed;

	if (tracer_probe(&why) < 0) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_episodes);
	tcase_add_test(tc, test_two_sessions);
	tcase_add_test(tc, test_launcher);
	tcase_add_test(tc, test_gate);
	tcase_add_test(tc, test_observer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
