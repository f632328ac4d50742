/* sample.c - where a running episode spends its CPU. Every
 * tracer_episode.sample_ms, at a tick of the loop's timer (session.c: a
 * moment the program does not choose), each task of the program that is
 * on a CPU (or ready for one) is stopped with PTRACE_INTERRUPT; on_sample
 * sees it at its next stop, which the loop then answers as usual
 * (episode_dispatch). Only at a tick: sampling at the first loop turn
 * past the interval would find the program, again and again, just
 * resumed from a stop (a loop spinning between two reads would look like
 * it lives in read).
 *
 * A task waiting at a ptrace stop is not sampled: that time is the
 * tracer's (on a loaded machine, half a busy wait's samples were its
 * reads' stops). Nor is one the tracer resumed that has not been on a
 * CPU since (its run count in /proc/TID/schedstat unchanged): it waits
 * for one where its stop left it, again the tracer's doing. Unless the
 * run is a storm of calls (sample_stops): then the stops are its time,
 * and such a task is taken at its next stop, with no interrupt. Nor is a
 * sleeping one: it spends no CPU, and waking it
 * would restart its call at best (docs/kernel-facts.md#ptrace-interrupt-sample).
 * Not while a snapshot template is being taken (its stops are counted). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "tracer/tracer_int.h"
#include "util/util.h"

/* The state letter of /proc/TID/stat ('R' on a CPU or ready for one, 'S'
 * asleep, 't' at a ptrace stop...); 0 if it cannot be read. */
static char task_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');	/* the name may hold spaces and parentheses */
	return p && p[1] == ' ' ? p[2] : 0;
}

/* How many times tid was put on a CPU (the third field of
 * /proc/TID/schedstat, counted as it arrives on one); -1 unknown. */
static long long task_runs(pid_t tid)
{
	char path[64], buf[128];
	unsigned long long on, wait, runs;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return sscanf(buf, "%llu %llu %llu", &on, &wait, &runs) == 3 ? (long long)runs : -1;
}

void sample_resumed(struct tracer_task *t)
{
	if (t->sampled)
		t->resume_runs = task_runs(t->tid);
}

void sample_tick(struct tracer_state *st, long long now)
{
	const struct tracer_episode *ep = st->ep;

	if (!ep || ep->sample_ms <= 0 || !ep->on_sample || st->taking || st->kill_sent)
		return;
	if (!st->next_sample_ms)
		st->next_sample_ms = now + ep->sample_ms;
	/* Half an interval early is on time: ticks and the clock drift. */
	if (now + ep->sample_ms / 2 < st->next_sample_ms)
		return;
	st->next_sample_ms = now + ep->sample_ms;
	EACH_TASK(st, t) {
		char s;

		/* ordinal < 0: the jail's init, not the program */
		if (!t->started || t->ordinal < 0 || t->sample_due)
			continue;
		if (!t->sampled) {	/* from now on, its resumes are watched */
			t->sampled = true;
			t->resume_runs = -1;
		}
		s = task_state(t->tid);
		if (s != 'R' || (t->resume_runs >= 0 && task_runs(t->tid) == t->resume_runs)) {
			/* A storm of calls: where they come from. */
			if (ep->sample_stops && (s == 't' || s == 'R'))
				t->sample_due = true;
			continue;
		}
		/* ESRCH: gone meanwhile, its exit comes next */
		if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) == 0)
			t->sample_due = true;
	}
}

void sample_take(struct tracer_state *st, struct tracer_task *t)
{
	const struct tracer_episode *ep = st->ep;

	t->sample_due = false;
	if (ep && ep->on_sample && !st->kill_sent)
		ep->on_sample(ep->sample_arg, t->pid, t->tid, t->ordinal);
}
