/* delay_wait.c - what a blocking call waits on, read at its seccomp stop
 * (delay_wait.h). Readiness is asked of the target's own open file
 * descriptions (tracer_grab_fd) with a zero-timeout poll, as the kernel's
 * first pass over them will find them; a wait whose fds cannot all be
 * read is "unknown", and the delay class then offers nothing. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inject/delay_wait.h"
#include "tracer/services.h"
#include "util/util.h"

#define POLL_CAP 64

static const struct {
	const char *name;
	enum wait_kind kind;
} kinds[] = {
	{ "poll", WAIT_POLL }, { "ppoll", WAIT_POLL }, { "select", WAIT_SELECT },
	{ "pselect6", WAIT_SELECT }, { "epoll_wait", WAIT_EPOLL }, { "epoll_pwait", WAIT_EPOLL },
	{ "nanosleep", WAIT_SLEEP }, { "clock_nanosleep", WAIT_SLEEP },
	{ "accept", WAIT_ACCEPT }, { "accept4", WAIT_ACCEPT },
	{ "wait4", WAIT_CHILD }, { "waitid", WAIT_CHILD },
};

static long ts_ms(const struct timespec *ts)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -2;	/* EINVAL for real: nothing waits */
	if (ts->tv_sec > 1000000)
		return 1000000000L;
	return ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
}

/* A timespec argument: -1 for NULL (no timeout), -2 unreadable. */
static long read_ts(struct tracer_task *t, uint64_t addr)
{
	struct timespec ts;

	if (!addr)
		return -1;
	if (tracer_read_mem(t, addr, &ts, sizeof(ts)) < 0)
		return -2;
	return ts_ms(&ts);
}

static void read_mask(struct tracer_task *t, struct delay_wait *w, uint64_t addr, uint64_t size)
{
	if (!addr)
		return;
	/* A wrong size is EINVAL before any wait: nothing to fault. */
	if (size != sizeof(uint64_t) || tracer_read_mem(t, addr, &w->mask, sizeof(w->mask)) < 0) {
		w->ready = -1;
		return;
	}
	w->own_mask = true;
}

static bool is_tty_major(unsigned maj)
{
	return maj == 4 || maj == 5 || (maj >= 136 && maj <= 143);
}

/* Is fd of pid a pipe, socket or tty (a peer feeds it, and a peer can be
 * slow)? A timerfd, signalfd, eventfd, pidfd or inotify fd is an
 * anonymous inode: its events come when they come. */
static bool slow_peer_fd(pid_t pid, int fd)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, fd);
	if (stat(p, &st) < 0)
		return false;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	       (S_ISCHR(st.st_mode) && is_tty_major(major(st.st_rdev)));
}

/* 1 if the target's fd polls ready for events now, 0 not, -1 unknown. */
static int fd_ready(struct tracer_task *t, int fd, short events)
{
	int dup = tracer_grab_fd(t, fd);
	struct pollfd p = { dup, events, 0 };
	int r;

	if (dup < 0)
		return -1;
	r = poll(&p, 1, 0);
	close(dup);
	return r < 0 ? -1 : r > 0;
}

/* Fold one fd's answer into the wait's. */
static void note_fd(struct tracer_task *t, struct delay_wait *w, int fd, short events)
{
	int r;

	w->nfds++;
	if (!slow_peer_fd(tracer_task_pid(t), fd))
		w->slow_peers = false;
	r = fd_ready(t, fd, events);
	if (r > 0)
		w->ready = 1;
	else if (r < 0 && w->ready == 0)
		w->ready = -1;
}

static void read_poll(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w,
		      bool ppoll)
{
	struct pollfd fds[POLL_CAP];
	uint64_t n = s->args[1];

	w->timeout_ms = ppoll ? read_ts(t, s->args[2]) : (int32_t)s->args[2] < 0 ? -1 : (int32_t)s->args[2];
	if (ppoll)
		read_mask(t, w, s->args[3], s->args[4]);
	if (n > POLL_CAP || (n && tracer_read_mem(t, s->args[0], fds, n * sizeof(*fds)) < 0)) {
		w->ready = -1;
		return;
	}
	for (uint64_t i = 0; i < n; i++)
		if (fds[i].fd >= 0)
			note_fd(t, w, fds[i].fd, fds[i].events);
}

static void read_select(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w,
			bool pselect)
{
	static const short ev[3] = { POLLIN, POLLOUT, POLLPRI };
	int n = (int)(int32_t)s->args[0];
	fd_set set[3];
	size_t bytes;

	if (pselect) {
		uint64_t sig[2];	/* { const sigset_t *ss; size_t ss_len } */

		w->timeout_ms = read_ts(t, s->args[4]);
		if (s->args[5] && tracer_read_mem(t, s->args[5], sig, sizeof(sig)) < 0)
			w->ready = -1;
		else if (s->args[5])
			read_mask(t, w, sig[0], sig[1]);
	} else if (s->args[4]) {
		struct timeval tv;

		if (tracer_read_mem(t, s->args[4], &tv, sizeof(tv)) < 0)
			w->timeout_ms = -2;
		else
			w->timeout_ms = tv.tv_sec < 0 || tv.tv_usec < 0 ? -2 :
					tv.tv_sec > 1000000 ? 1000000000L :
					tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
	} else
		w->timeout_ms = -1;
	if (n < 0 || n > FD_SETSIZE) {
		w->ready = -1;
		return;
	}
	bytes = (size_t)(n + 63) / 64 * 8;
	for (int k = 0; k < 3; k++) {
		FD_ZERO(&set[k]);
		if (s->args[1 + k] && bytes && tracer_read_mem(t, s->args[1 + k], &set[k], bytes) < 0) {
			w->ready = -1;
			return;
		}
	}
	for (int fd = 0; fd < n; fd++) {
		short e = 0;

		for (int k = 0; k < 3; k++)
			if (FD_ISSET(fd, &set[k]))
				e |= ev[k];
		if (e)
			note_fd(t, w, fd, e);
	}
}

/* epoll: the instance polls readable when an event is ready; what it
 * watches is listed in /proc/PID/fdinfo/EPFD ("tfd: N ..."). */
static void read_epoll(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w,
		       bool pwait)
{
	int epfd = (int)(int32_t)s->args[0], r, tfd;
	char p[64], line[256];
	FILE *f;

	w->timeout_ms = (int32_t)s->args[3] < 0 ? -1 : (int32_t)s->args[3];
	if (pwait)
		read_mask(t, w, s->args[4], s->args[5]);
	r = fd_ready(t, epfd, POLLIN);
	if (r != 0) {
		w->ready = r > 0 ? 1 : -1;
		return;
	}
	snprintf(p, sizeof(p), "/proc/%d/fdinfo/%d", (int)tracer_task_pid(t), epfd);
	if (!(f = fopen(p, "re"))) {
		w->ready = -1;
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "tfd: %d", &tfd) == 1 && ++w->nfds &&
		    !slow_peer_fd(tracer_task_pid(t), tfd))
			w->slow_peers = false;
	fclose(f);
}

static void read_sleep(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w,
		       bool clock)
{
	/* An absolute deadline may have passed already (a clock the tracer
	 * may not read as the target does): unknown. */
	if (clock && (s->args[1] & TIMER_ABSTIME)) {
		w->ready = -1;
		return;
	}
	w->timeout_ms = read_ts(t, s->args[clock ? 2 : 0]);
	if (w->timeout_ms == 0)
		w->ready = 1;	/* nothing to sleep: returns 0 at once */
	else if (w->timeout_ms < 0)
		w->ready = -1;
}

static void read_accept(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w)
{
	int dup = tracer_grab_fd(t, (int)(int32_t)s->args[0]);
	int listening = 0, fl;
	socklen_t len = sizeof(listening);
	struct timeval tv = { 0, 0 };
	struct pollfd p = { dup, POLLIN, 0 };

	w->timeout_ms = -1;
	if (dup < 0) {
		w->ready = -1;
		return;
	}
	fl = fcntl(dup, F_GETFL);
	/* Not listening: EINVAL; non-blocking: EAGAIN; queued: accepted. */
	if (getsockopt(dup, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening ||
	    fl < 0 || (fl & O_NONBLOCK) || poll(&p, 1, 0) != 0)
		w->ready = 1;
	len = sizeof(tv);
	if (getsockopt(dup, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0)
		w->rcvtimeo = tv.tv_sec || tv.tv_usec;
	close(dup);
}

/* A child of the process that a wait would return at once: a zombie (or
 * a stopped one, with WUNTRACED). 1 yes or no child at all (ECHILD), 0 no,
 * -1 unknown. */
static int child_waitable(pid_t pid, bool stopped)
{
	char p[64], buf[4096];
	struct dirent *d;
	int n = 0, r = 0;
	DIR *dir;

	snprintf(p, sizeof(p), "/proc/%d/task", (int)pid);
	if (!(dir = opendir(p)))
		return -1;
	while (r == 0 && (d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(buf, sizeof(buf), "/proc/%d/task/%s/children", (int)pid, d->d_name);
		if (!(f = fopen(buf, "re"))) {
			r = -1;
			break;
		}
		for (int c; r == 0 && fscanf(f, "%d", &c) == 1; n++) {
			char st[512], *q;
			FILE *g;
			size_t k;

			snprintf(p, sizeof(p), "/proc/%d/stat", c);
			if (!(g = fopen(p, "re"))) {
				r = 1;	/* gone: reaped by now or a zombie */
				break;
			}
			k = fread(st, 1, sizeof(st) - 1, g);
			fclose(g);
			st[k] = 0;
			q = strrchr(st, ')');
			if (!q || !q[1] || !q[2])
				r = -1;
			else if (q[2] == 'Z' || q[2] == 'X' || (stopped && q[2] == 'T'))
				r = 1;
		}
		fclose(f);
	}
	closedir(dir);
	return r != 0 ? r : n == 0 ? 1 : 0;
}

static void read_child(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w,
		       bool waitid)
{
	uint64_t opt = s->args[waitid ? 3 : 2];

	w->timeout_ms = -1;
	if (opt & WNOHANG) {
		w->ready = 1;
		return;
	}
	if (waitid && !(opt & (WEXITED | WSTOPPED | WCONTINUED))) {
		w->ready = 1;	/* EINVAL */
		return;
	}
	w->ready = child_waitable(tracer_task_pid(t), (opt & WUNTRACED) != 0);
}

void delay_wait_read(struct tracer_task *t, const struct syscall_stop *s, struct delay_wait *w)
{
	const char *name = s->ent ? s->ent->name : "";

	memset(w, 0, sizeof(*w));
	w->timeout_ms = -2;
	w->slow_peers = true;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].name, name) == 0)
			w->kind = kinds[i].kind;
	switch (w->kind) {
	case WAIT_POLL:
		read_poll(t, s, w, name[0] == 'p' && name[1] == 'p');
		break;
	case WAIT_SELECT:
		read_select(t, s, w, name[0] == 'p');
		break;
	case WAIT_EPOLL:
		read_epoll(t, s, w, strcmp(name, "epoll_pwait") == 0);
		break;
	case WAIT_SLEEP:
		read_sleep(t, s, w, name[0] == 'c');
		break;
	case WAIT_ACCEPT:
		read_accept(t, s, w);
		break;
	case WAIT_CHILD:
		read_child(t, s, w, name[4] == 'i');
		break;
	case WAIT_NONE:
		break;
	}
}
