/* redact_stream.c - fzsandbox's own stdout and stderr, masked.
 *
 * About a hundred places print to stderr (die(), notes, the summary, a
 * program's passed-through output), and children write to the same fd.
 * Masking each would miss the next one written; a pipe in front of the
 * fd catches them all: a thread reads it, masks each line and writes it
 * to the original file. Nothing is printed unmasked once this runs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util/redact.h"

struct stream {
	bool on;
	int saved;	/* the original file, close-on-exec */
	int rfd;	/* the pipe's read end */
	pthread_t thread;
};

static struct stream streams[3];
/* The process that started them: a forked child that calls exit() has
 * neither the threads nor a reason to put the unmasked files back. */
static pid_t owner;

static void *pump(void *arg)
{
	struct stream *s = arg;

	(void)redact_copy_fd(s->rfd, s->saved);
	return NULL;
}

/* At exit: put the original files back (closing our write ends), then
 * let each thread mask what is left until the pipe's last writer is gone.
 * A child still holding the pipe (a daemon) is not waited for long. */
static void redact_stream_finish(void)
{
	struct timespec until;

	if (getpid() != owner)
		return;
	fflush(stdout);
	fflush(stderr);
	for (int fd = 1; fd <= 2; fd++)
		if (streams[fd].on)
			(void)dup2(streams[fd].saved, fd);
	if (clock_gettime(CLOCK_REALTIME, &until) < 0)
		return;
	until.tv_sec += 2;
	for (int fd = 1; fd <= 2; fd++) {
		if (!streams[fd].on)
			continue;
		streams[fd].on = false;
		if (pthread_equal(pthread_self(), streams[fd].thread) ||
		    pthread_timedjoin_np(streams[fd].thread, NULL, &until) != 0)
			continue;
		close(streams[fd].rfd);
		close(streams[fd].saved);
	}
}

int redact_stream_start(int fd)
{
	static bool registered;
	struct stream *s;
	sigset_t all, old;
	int p[2], e;

	if (fd != 1 && fd != 2)
		return -EINVAL;
	s = &streams[fd];
	if (s->on)
		return 0;
	if (!registered) {
		if (atexit(redact_stream_finish) != 0)
			return -ENOMEM;
		registered = true;
		owner = getpid();
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	s->saved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (s->saved < 0) {
		e = -errno;
		goto fail_pipe;
	}
	fflush(fd == 1 ? stdout : stderr);
	/* The thread takes no signals: SIGINT and SIGTERM stay with the
	 * threads that handle them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	s->rfd = p[0];
	e = -pthread_create(&s->thread, NULL, pump, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		goto fail_saved;
	if (dup2(p[1], fd) < 0) {
		/* The thread ends at EOF once p[1] is closed. */
		e = -errno;
		close(p[1]);
		pthread_join(s->thread, NULL);
		close(p[0]);
		close(s->saved);
		return e;
	}
	close(p[1]);
	s->on = true;
	return 0;
fail_saved:
	close(s->saved);
fail_pipe:
	close(p[0]);
	close(p[1]);
	return e;
}
