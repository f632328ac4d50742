/* delay_wait.h - what a blocking call waits on, read at its seccomp stop
 * (internal to inject/; the delay class's hooks use it): its timeout, the
 * signal mask it waits with, whether anything it waits for is ready now,
 * and whether every descriptor it waits on has a peer that can be slow. */
#ifndef FZ_DELAY_WAIT_H
#define FZ_DELAY_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "tracer/tracer.h"

/* Longest timeout the timeout fault waits out: a longer one would make
 * the run itself time out. */
#define DELAY_MAX_MS 10000L

enum wait_kind {
	WAIT_NONE,
	WAIT_POLL,	/* poll, ppoll */
	WAIT_SELECT,	/* select, pselect6 */
	WAIT_EPOLL,	/* epoll_wait, epoll_pwait */
	WAIT_SLEEP,	/* nanosleep, clock_nanosleep */
	WAIT_ACCEPT,	/* accept, accept4 */
	WAIT_CHILD,	/* wait4, waitid */
};

struct delay_wait {
	enum wait_kind kind;
	/* Poll family: -1 no timeout (waits for ever), else milliseconds
	 * (rounded up); sleeps: 1 if it sleeps at all. -2 unknown. */
	long timeout_ms;
	/* ppoll, pselect6, epoll_pwait with a mask: the signals blocked
	 * while it waits (the thread's own mask otherwise). */
	bool own_mask;
	uint64_t mask;
	/* 1: something it waits for is there already (it returns at once,
	 * never with EINTR), 0: nothing, -1: unknown. */
	int ready;
	/* Every descriptor waited on is a pipe, socket or tty: something a
	 * slow peer feeds (not a timer, signalfd, eventfd, file...). */
	bool slow_peers;
	int nfds;		/* descriptors waited on (epoll: watched) */
	/* accept: the listener has SO_RCVTIMEO (EINTR despite SA_RESTART). */
	bool rcvtimeo;
};

/* Fill *w for the call stopped at s (kind WAIT_NONE: not a wait). */
void delay_wait_read(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w);

#endif
