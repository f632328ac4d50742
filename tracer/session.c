/* session.c - sessions and episodes: a session's state on the heap, an
 * episode's wait loop with its own thread's timer (tracer.h says why), and
 * the two process-wide entry points a signal handler needs. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracer/tracer_int.h"
#include "util/util.h"

/* Process-wide by nature: SIGINT/SIGTERM stop every session's episode. */
static volatile sig_atomic_t interrupted_sig;

void tracer_interrupt(int sig)
{
	interrupted_sig = sig;
}

/* The episodes running now, for tracer_kill_all from a signal handler:
 * slots claimed and released with atomic exchanges, no lock. */
#define LIVE_SLOTS 64
static struct tracer_state *volatile live[LIVE_SLOTS];

static int live_add(struct tracer_state *st)
{
	for (int i = 0; i < LIVE_SLOTS; i++)
		if (__sync_bool_compare_and_swap(&live[i], NULL, st))
			return i;
	return -1;	/* more episodes than slots: not reachable from there */
}

void tracer_kill_all(void)
{
	for (int i = 0; i < LIVE_SLOTS; i++) {
		struct tracer_state *st = live[i];

		if (st)
			episode_kill(st);
	}
}

/* Ticks of the thread's timer: a sample (sample.c) is taken at a tick,
 * at a moment the program does not choose. */
static __thread volatile sig_atomic_t ticks;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

/* The episode's 10 ms tick (tracer.h): a POSIX timer signalling only this
 * thread, so the blocking waitpid returns EINTR to look at the clock, the
 * service's stop request and interrupts. Made once per session and thread
 * (four calls a run fewer: a fuzz run is a few hundred microseconds),
 * disarmed between episodes, where no call of ours may see EINTR. */
static int ticker_start(struct tracer_session *s)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = TRACER_TICK_SIGNAL };
	struct itimerspec its = { { 0, 10000000 }, { 0, 10000000 } };
	pid_t tid = gettid();
	struct sigaction sa;

	if (s->tick_tid != tid) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_tick;	/* no SA_RESTART: wake waitpid */
		if (sigaction(TRACER_TICK_SIGNAL, &sa, NULL) < 0)
			return -errno;
		/* glibc before 2.35 names the field only as _sigev_un._tid. */
		ev._sigev_un._tid = tid;
		if (timer_create(CLOCK_MONOTONIC, &ev, &s->tick) < 0)
			return -errno;
		s->tick_tid = tid;
	}
	if (timer_settime(s->tick, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

static void ticker_stop(struct tracer_session *s)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };

	timer_settime(s->tick, 0, &off, NULL);
}

/* Snapshot mode: the episode's main process is a child of the template,
 * made where the template stopped, after the snapshot's own restoring. */
static int episode_begin_fork(struct tracer_session *s, int *errfd)
{
	struct tracer_state *st = &s->st;
	const struct tracer_snapshot *sn = s->opts.snapshot;
	struct tracer_mm *mm;
	struct tracer_task *t;
	pid_t pid;
	int r;

	*errfd = -1;
	if (sn && sn->before_fork && (r = sn->before_fork(sn->ctx)) < 0)
		return r;
	pid = snaprestore_fork(s);
	if (pid < 0)
		return pid;
	mm = mm_copy(st, s->tmpl.mm);
	if (mm)
		mm->pokes = 0;	/* this run's writes into it, from here */
	t = mm ? task_add(st, pid, pid, mm) : NULL;
	if (!t) {
		free(mm);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return -ENOMEM;
	}
	st->main_pid = pid;
	t->ordinal = st->next_ordinal++;
	t->started = true;
	if (s->opts.hooks && s->opts.hooks->on_task)
		s->opts.hooks->on_task(s->opts.hooks->ctx, t);
	if (s->opts.hooks && s->opts.hooks->on_fork_start &&
	    (r = s->opts.hooks->on_fork_start(s->opts.hooks->ctx, t)) < 0)
		return r;	/* its death is reaped by the loop */
	st->deadline_ms = mono_ms() + s->opts.timeout_ms;
	st->next_sample_ms = 0;
	task_invalidate(t);
	if (ptrace(PTRACE_CONT, pid, 0, 0) < 0)
		return -errno;	/* its death is reaped by the loop */
	return 0;
}

/* Set up the episode's state and start the target. 0 or -errno. */
static int episode_begin(struct tracer_session *s, const struct tracer_episode *ep,
			 const struct tracer_service *svc, struct run_result *res, int *errfd)
{
	struct tracer_state *st = &s->st;
	const struct tracer_opts *opts = &s->opts;
	struct tracer_task *t;
	pid_t pid;

	memset(st, 0, sizeof(*st));
	st->opts = opts;
	st->ep = ep;
	st->svc = svc;
	st->res = res;
	memset(res, 0, sizeof(*res));
	res->end = RUN_EXITED;
	if (opts->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(opts->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			return -errno;
	}
	if (s->tmpl.parked && !ep->exec) {
		st->forked = true;
		return episode_begin_fork(s, errfd);
	}
	pid = spawn_target(s, ep, errfd);
	if (pid < 0)
		return pid;
	st->main_pid = pid;
	t = task_add(st, pid, pid, mm_new_empty());
	if (!t || !t->mm) {
		if (t)
			task_remove(st, t);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		close(*errfd);
		*errfd = -1;
		return -ENOMEM;
	}
	/* The launcher's init is traced (its fork brings the target in) but
	 * is not a thread of the program: ordinals start at the target, as
	 * without one, so plans and findings mean the same thing. */
	st->main_is_init = opts->launcher && opts->launcher->first_is_init;
	t->ordinal = st->main_is_init ? -1 : st->next_ordinal++;
	t->started = true;
	st->deadline_ms = mono_ms() + opts->timeout_ms;
	st->next_sample_ms = 0;
	return 0;
}

/* A service's child of a parked template, which ends at its wait. */
static bool snap_child(struct tracer_state *st)
{
	return session_of(st)->tmpl.parked && !st->taking && st->opts->snapshot &&
	       st->opts->snapshot->is_idle;
}

/* Dispatch stops until the tree is empty, the deadline, the grace period
 * or an interrupt. */
static void episode_loop(struct tracer_state *st, int *errfd)
{
	const struct tracer_service *svc = st->svc;
	struct run_result *res = st->res;
	int status;

	while (st->ntasks > 0) {
		long long now = mono_ms();
		pid_t tid;

		if (interrupted_sig) {
			res->end = RUN_INTERRUPTED;
			episode_kill(st);
			episode_drain(st);
			break;
		}
		/* Once fzsandbox itself asked the service to stop, the run ends
		 * by --grace, never as a hang of the program's making. */
		if (now >= st->deadline_ms && !st->kill_sent && !st->term_sent) {
			struct tracer_task *m = task_find(st, st->main_pid);

			if (!st->fatal_seen)
				res->end = RUN_TIMEOUT;
			/* Out of time before the program's own code ran: the
			 * timeout is too short, not the program stuck. */
			res->in_loader = m && (!m->mm || !m->mm->exec_seen || m->mm->loader);
			episode_dump_and_kill(st);
			break;
		}
		if (svc && svc->stop_requested && *svc->stop_requested && !st->term_sent) {
			st->term_sent = true;
			res->stopped = true;
			/* A template's child: killed once back at its wait
			 * (below), within --grace. */
			if (!snap_child(st))
				kill(st->main_pid, SIGTERM);
			if (!st->grace_ms)
				st->grace_ms = now + st->opts->grace_ms;
		}
		if (st->term_sent && st->idle && snap_child(st) && !st->kill_sent) {
			episode_kill(st);
			episode_drain(st);
			/* It served its requests and waits again: a service
			 * stopped as it would end on SIGTERM, not a death. */
			if (res->end == RUN_EXITED)
				res->exit_status = 0;
			break;
		}
		if (st->grace_ms && now >= st->grace_ms && !st->kill_sent) {
			episode_kill(st);
			episode_drain(st);
			break;
		}
		episode_release_held(st, now);
		if (ticks != st->seen_tick) {
			st->seen_tick = ticks;
			sample_tick(st, now);
			if (st->ep && st->ep->on_tick)
				st->ep->on_tick(st->ep->tick_arg);
		}
		tid = waitpid(-1, &status, WAIT_OWN);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;	/* ECHILD: nothing left */
		}
		episode_dispatch(st, tid, status, errfd);
	}
}

/* One episode; taking: until the snapshot point (tracer_session_template). */
static int session_run(struct tracer_session *s, const struct tracer_episode *ep,
		       const struct tracer_service *svc, struct run_result *res, bool taking,
		       char *why, size_t whylen)
{
	struct tracer_state *st = &s->st;
	int errfd = -1, slot, r;

	s->making_template = taking;
	r = episode_begin(s, ep, svc, res, &errfd);
	s->making_template = false;
	if (r < 0) {
		snaprestore_episode_end(s);	/* an armed process's restore */
		return r;
	}
	st->taking = taking;
	st->why = why;
	st->whylen = whylen;
	slot = live_add(st);
	r = ticker_start(s);
	if (r == 0) {
		episode_loop(st, &errfd);
		ticker_stop(s);
	}
	/* Leftovers the loop did not see die (should not happen), or a
	 * ticker that could not start. */
	if (st->ntasks > 0) {
		episode_kill(st);
		episode_drain(st);
	}
	snaprestore_episode_end(s);
	if (slot >= 0)
		live[slot] = NULL;
	res->tasks_seen = st->next_ordinal;
	if (errfd >= 0)
		read_setup_error(&s->err, res, &errfd);
	/* Tasks drain could not reap in time (abandoned to EXITKILL). */
	EACH_TASK(st, t)
		task_remove(st, t);
	if (r == 0 && taking)
		r = st->parked ? 0 : st->take_err ? st->take_err : 1;
	return r;
}

int tracer_session_run(struct tracer_session *s, const struct tracer_episode *ep,
		       const struct tracer_service *svc, struct run_result *res)
{
	return session_run(s, ep, svc, res, false, NULL, 0);
}

int tracer_session_template(struct tracer_session *s, const struct tracer_episode *ep,
			    struct run_result *res, char *why, size_t whylen)
{
	if (!s->opts.snapshot || s->tmpl.parked)
		return -EINVAL;
	if (why && whylen)
		why[0] = 0;
	return session_run(s, ep, NULL, res, true, why, whylen);
}

bool tracer_session_has_template(const struct tracer_session *s)
{
	return s->tmpl.parked;
}

void tracer_session_drop_template(struct tracer_session *s)
{
	snaprestore_kill(s);	/* its spare first */
	template_kill(s);
}

int tracer_session_new(const struct tracer_opts *opts, struct tracer_session **out)
{
	struct tracer_session *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->opts = *opts;
	*out = s;
	return 0;
}

void tracer_session_free(struct tracer_session *s)
{
	if (!s)
		return;
	snaprestore_kill(s);	/* its spare first */
	template_kill(s);
	/* Only this thread's own: a forked copy of the session has none. */
	if (s->tick_tid == gettid())
		timer_delete(s->tick);
	for (int i = 0; i < FILTER_CACHE_N; i++)
		filter_cache_free(&s->filter[i]);
	free(s);
}
