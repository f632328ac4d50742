/* relay.c - copy the target's stdout/stderr pipes to their destinations
 * from a thread of their own (relay.h says why pipes, and why not the
 * tracer's thread). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cli/relay.h"

struct relay {
	int rd[2], wr[2], dst[2];
	bool dead[2];		/* the destination failed: drop what comes */
	bool close_on_epipe;
	int stopfd;		/* eventfd: the run is over, drain and stop */
	int err;		/* the first destination error, -errno */
	pthread_t thread;
	char buf[65536];
};

static void close_rd(struct relay *r, int i)
{
	if (r->rd[i] >= 0)
		close(r->rd[i]);
	r->rd[i] = -1;
}

/* All of buf to stream i's destination. A non-blocking destination (a
 * terminal someone set O_NONBLOCK on) is waited for: the program's writes
 * then wait too, as they would writing there themselves. */
static void put(struct relay *r, int i, const char *buf, size_t n)
{
	while (n && !r->dead[i]) {
		ssize_t w = write(r->dst[i], buf, n);

		if (w > 0) {
			buf += w;
			n -= w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { r->dst[i], POLLOUT, 0 };

			(void)poll(&p, 1, -1);
			continue;
		}
		if (!r->err)
			r->err = w < 0 ? -errno : -EIO;
		r->dead[i] = true;
		/* The reader is gone: so is ours, and the program's next
		 * write meets EPIPE (SIGPIPE) as it would have. */
		if (w < 0 && errno == EPIPE && r->close_on_epipe)
			close_rd(r, i);
	}
}

/* Copy what stream i's pipe holds: one buffer, or (all) until it is
 * empty. At end of file the read end is closed. */
static void pump(struct relay *r, int i, bool all)
{
	do {
		ssize_t n;

		if (r->rd[i] < 0)
			return;
		n = read(r->rd[i], r->buf, sizeof(r->buf));
		if (n > 0) {
			put(r, i, r->buf, n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close_rd(r, i);	/* end of file, or an error reading */
		return;
	} while (all);
}

static void *relay_main(void *arg)
{
	struct relay *r = arg;

	for (;;) {
		struct pollfd p[3] = {
			{ r->stopfd, POLLIN, 0 }, { r->rd[0], POLLIN, 0 }, { r->rd[1], POLLIN, 0 },
		};

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			/* Cannot wait: drain now and again at the stop. */
			p[0].revents = POLLIN;
		}
		if (p[1].revents)
			pump(r, 0, false);
		if (p[2].revents)
			pump(r, 1, false);
		if (p[0].revents)
			break;
	}
	/* No writer is left (relay_finish): what is queued is all there is. */
	pump(r, 0, true);
	pump(r, 1, true);
	return NULL;
}

static void relay_free(struct relay *r)
{
	for (int i = 0; i < 2; i++) {
		close_rd(r, i);
		if (r->wr[i] >= 0)
			close(r->wr[i]);
	}
	if (r->stopfd >= 0)
		close(r->stopfd);
	free(r);
}

/* Stream i's pipe: the read end non-blocking (the thread polls), the
 * write end the jail user's. */
static int open_pipe(struct relay *r, int i, const struct relay_opts *o)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	r->rd[i] = p[0];
	r->wr[i] = p[1];
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	/* Both ends are one inode: the jail's user may then open
	 * /proc/self/fd/1 (/dev/stdout) again. */
	if (o->uid != (uid_t)-1 && fchown(p[1], o->uid, o->gid) < 0)
		return -errno;
	return 0;
}

int relay_start(const struct relay_opts *o, struct relay **rp, int out[2])
{
	struct relay *r = malloc(sizeof(*r));
	bool one = o->dst[0] >= 0 && o->dst[0] == o->dst[1];
	sigset_t all, old;
	int e = 0;

	out[0] = out[1] = -1;
	*rp = NULL;
	if (!r)
		return -ENOMEM;
	*r = (struct relay){ .rd = { -1, -1 }, .wr = { -1, -1 }, .dst = { o->dst[0], o->dst[1] },
			     .close_on_epipe = o->close_on_epipe };
	r->stopfd = eventfd(0, EFD_CLOEXEC);
	if (r->stopfd < 0)
		e = -errno;
	for (int i = 0; i < (one ? 1 : 2) && e == 0; i++)
		if (o->dst[i] >= 0)
			e = open_pipe(r, i, o);
	if (e == 0) {
		/* Signals stay the other threads' (the tracer's tick, ^C). */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		e = -pthread_create(&r->thread, NULL, relay_main, r);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (e < 0) {
		relay_free(r);
		return e;
	}
	out[0] = r->wr[0];
	out[1] = one ? r->wr[0] : r->wr[1];
	*rp = r;
	return 0;
}

int relay_finish(struct relay *r)
{
	uint64_t one = 1;
	int e;

	if (!r)
		return 0;
	/* Our write ends first, so the pipes reach end of file. */
	for (int i = 0; i < 2; i++) {
		if (r->wr[i] >= 0)
			close(r->wr[i]);
		r->wr[i] = -1;
	}
	/* An eventfd write of 1 cannot fail short of a counter overflow. */
	while (write(r->stopfd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(r->thread, NULL);
	e = r->err;
	relay_free(r);
	return e;
}
