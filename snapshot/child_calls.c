/* child_calls.c - a run's setsockopt and timerfd_settime on a socket or
 * timer it shares with the template. A socket's options and a timer's
 * setting belong to the file, so what a child sets stays the template's
 * (and every later child's). At the call's stop, before it runs, the old
 * value is read through our copy (getsockopt, timerfd_gettime); after the
 * run it is set back through the copy and read again: a value that does
 * not read back as it was is refused, never left different.
 *
 * "Shares" means the child's descriptor is the template's open file
 * description, whatever its number (kcmp KCMP_FILE against our copy): a
 * socket the child made or accepted is its own. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "snapshot/snapshot_int.h"
#include "util/util.h"

#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif
#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

#define NSEC 1000000000LL

/* Options whose getsockopt does not read back what setsockopt was given:
 * the buffer sizes read as twice the value set (socket(7)), and setting
 * one also sets its SO_BUF_LOCK bit (then put back too). The *FORCE
 * forms are read through the plain one. */
static const struct {
	int optname, get;
} doubled[] = {
	{ SO_RCVBUF, SO_RCVBUF }, { SO_SNDBUF, SO_SNDBUF },
	{ SO_RCVBUFFORCE, SO_RCVBUF }, { SO_SNDBUFFORCE, SO_SNDBUF },
};

static int doubled_get(int level, int optname)
{
	for (size_t i = 0; level == SOL_SOCKET && i < ARRAY_SIZE(doubled); i++)
		if (doubled[i].optname == optname)
			return doubled[i].get;
	return -1;
}

/* Which of the template's descriptors of this kind the child's fd is
 * (the same number first: the usual case); -1 when none. A kcmp that
 * fails (a bad fd: EBADF) is none, unless it cannot compare at all. */
static int tmpl_index(struct snapshot *sn, pid_t pid, int fd, enum snap_kind kind,
		      const char *call)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < sn->nfds; i++) {
			const struct snap_fd *f = &sn->fds[i];
			long r;

			if (f->kind != kind || (pass == 0) != (f->fd == fd))
				continue;
			r = syscall(SYS_kcmp, pid, getpid(), KCMP_FILE, fd, f->copy);
			if (r == 0)
				return i;
			if (r < 0 && errno != EBADF && !sn->refuse[0])
				snprintf(sn->refuse, sizeof(sn->refuse), "cannot tell whether a run's "
					 "%s(%d) is on the template's descriptor %d: kcmp: %s", call,
					 fd, f->fd, strerror(errno));
		}
	return -1;
}

static struct snap_save *saved(struct snapshot *sn, int idx, int level, int optname)
{
	for (int i = 0; i < sn->nsaves; i++)
		if (sn->saves[i].idx == idx && sn->saves[i].level == level &&
		    sn->saves[i].optname == optname)
			return &sn->saves[i];
	return NULL;
}

static struct snap_save *new_save(struct snapshot *sn, const char *call, int fd)
{
	if (sn->nsaves < SNAP_MAX_SAVES)
		return &sn->saves[sn->nsaves++];
	if (!sn->refuse[0])
		snprintf(sn->refuse, sizeof(sn->refuse), "a run made more than %d changes to "
			 "descriptors it shares with the template (%s on %d): not all can be put "
			 "back", SNAP_MAX_SAVES, call, fd);
	return NULL;
}

static void save_sockopt(struct snapshot *sn, int idx, int fd, int level, int optname)
{
	int get = doubled_get(level, optname);
	struct snap_save *v;
	socklen_t len;

	if (saved(sn, idx, level, optname) || !(v = new_save(sn, "setsockopt", fd)))
		return;
	*v = (struct snap_save){ .idx = idx, .level = level, .optname = optname, .buflock = -1 };
	len = sizeof(v->val);
	if (getsockopt(sn->fds[idx].copy, level, get >= 0 ? get : optname, v->val, &len) < 0) {
		if (!sn->refuse[0])
			snprintf(sn->refuse, sizeof(sn->refuse), "a run's setsockopt(%d, %d, %d) on "
				 "the template's socket %d cannot be put back: its value cannot be "
				 "read (%s)", fd, level, optname, sn->fds[idx].fd, strerror(errno));
		sn->nsaves--;
		return;
	}
	v->len = len;
	len = sizeof(v->buflock);
	if (get >= 0 &&
	    getsockopt(sn->fds[idx].copy, SOL_SOCKET, SO_BUF_LOCK, &v->buflock, &len) < 0) {
		/* Before Linux 5.14 the lock bit it sets could not be put back. */
		if (!sn->refuse[0])
			snprintf(sn->refuse, sizeof(sn->refuse), "a run's setsockopt(%d, SOL_SOCKET, "
				 "%d) on the template's socket %d cannot be put back: SO_BUF_LOCK "
				 "cannot be read (%s)", fd, optname, sn->fds[idx].fd, strerror(errno));
		sn->nsaves--;
	}
}

static void save_timer(struct snapshot *sn, int idx, int fd)
{
	struct snap_fdinfo fi;
	struct snap_save *v;

	if (saved(sn, idx, -1, 0) || !(v = new_save(sn, "timerfd_settime", fd)))
		return;
	*v = (struct snap_save){ .idx = idx, .level = -1, .buflock = -1 };
	if (snap_fdinfo_read(sn->fds[idx].copy, &fi) < 0 ||
	    clock_gettime(fi.clockid, &v->at) < 0 || timerfd_gettime(sn->fds[idx].copy, &v->its) < 0) {
		if (!sn->refuse[0])
			snprintf(sn->refuse, sizeof(sn->refuse), "a run's timerfd_settime(%d) on the "
				 "template's timer %d cannot be put back: its setting cannot be read "
				 "(%s)", fd, sn->fds[idx].fd, strerror(errno));
		sn->nsaves--;
		return;
	}
	snap_fdinfo_free(&fi);
	v->ticks = fi.ticks;
	v->clockid = fi.clockid;
	v->settime_flags = fi.settime_flags;
}

void snap_child_call(void *ctx, struct tracer_task *t, const struct syscall_stop *s)
{
	struct snapshot *sn = ctx;
	int fd = (int)s->args[0], idx;

	/* The description's locks: compared after the run only if it made
	 * such a call (fdstate.c). */
	if (s->nr == SYS_flock ||
	    (s->nr == SYS_fcntl && (s->args[1] == F_OFD_SETLK || s->args[1] == F_OFD_SETLKW)))
		sn->locks_touched = true;
	if (s->nr == SYS_setsockopt) {
		if ((idx = tmpl_index(sn, tracer_task_pid(t), fd, SNAP_SOCK, "setsockopt")) >= 0)
			save_sockopt(sn, idx, fd, (int)s->args[1], (int)s->args[2]);
	} else if (s->nr == SYS_timerfd_settime) {
		idx = tmpl_index(sn, tracer_task_pid(t), fd, SNAP_TIMERFD, "timerfd_settime");
		if (idx >= 0)
			save_timer(sn, idx, fd);
	}
}

void snap_calls_trace_set(uint8_t set[SYSCALL_MAX / 8])
{
	static const int nrs[] = { SYS_setsockopt, SYS_timerfd_settime, SYS_flock, SYS_fcntl };

	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++)
		set[nrs[i] / 8] |= 1 << (nrs[i] % 8);
}

static int restore_sockopt(const struct snap_fd *f, const struct snap_save *v, char *why,
			   size_t whylen)
{
	int get = doubled_get(v->level, v->optname), set = get >= 0 ? get : v->optname;
	unsigned char now[sizeof(v->val)], val[sizeof(v->val)];
	socklen_t len = sizeof(now);

	memcpy(val, v->val, v->len);
	if (get >= 0 && v->len == sizeof(int))
		*(int *)val /= 2;
	if (setsockopt(f->copy, v->level, set, val, v->len) < 0 ||
	    (v->buflock >= 0 &&
	     setsockopt(f->copy, SOL_SOCKET, SO_BUF_LOCK, &v->buflock, sizeof(v->buflock)) < 0) ||
	    getsockopt(f->copy, v->level, set, now, &len) < 0) {
		snprintf(why, whylen, "a run's setsockopt(level %d, option %d) on the template's "
			 "socket %d cannot be put back: %s", v->level, v->optname, f->fd,
			 strerror(errno));
		return -ENOTRECOVERABLE;
	}
	if (len != v->len || memcmp(now, v->val, len) != 0) {
		snprintf(why, whylen, "a run's setsockopt(level %d, option %d) on the template's "
			 "socket %d cannot be put back: set back, it reads another value", v->level,
			 v->optname, f->fd);
		return -ENOTRECOVERABLE;
	}
	return 0;
}

static long long ts_ns(const struct timespec *t)
{
	return t->tv_sec * NSEC + t->tv_nsec;
}

static struct timespec ns_ts(long long ns)
{
	return (struct timespec){ .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };
}

/* The timer as if the run had never set it: it expires when it would
 * have (the call's time plus what remained then, on its clock); the
 * expirations since, and the ticks not read at the call (a settime drops
 * them), are its ticks again. */
static int restore_timer(const struct snap_fd *f, const struct snap_save *v, char *why,
			 size_t whylen)
{
	struct itimerspec its = { .it_interval = v->its.it_interval };
	long long value = ts_ns(&v->its.it_value), ival = ts_ns(&v->its.it_interval), due, now_ns;
	struct timespec now;
	uint64_t ticks = v->ticks;
	int flags = TFD_TIMER_ABSTIME | (v->settime_flags & TFD_TIMER_CANCEL_ON_SET);

	if (clock_gettime(v->clockid, &now) < 0)
		goto fail;
	now_ns = ts_ns(&now);
	due = ts_ns(&v->at) + value;
	if (value && due <= now_ns) {
		long long k = ival ? 1 + (now_ns - due) / ival : 1;

		ticks += k;
		due = ival ? due + k * ival : 0;
	}
	if (value && due)
		its.it_value = ns_ts(due);
	if (timerfd_settime(f->copy, its.it_value.tv_sec || its.it_value.tv_nsec ? flags : 0, &its,
			    NULL) < 0)
		goto fail;
	if (ticks && ioctl(f->copy, TFD_IOC_SET_TICKS, &ticks) < 0)
		goto fail;
	return 0;
fail:
	snprintf(why, whylen, "a run's timerfd_settime on the template's timer %d cannot be put "
		 "back: %s", f->fd, strerror(errno));
	return -ENOTRECOVERABLE;
}

int snap_saves_restore(struct snapshot *sn, char *why, size_t whylen)
{
	int r = 0;

	/* Latest first: the first save of a value is the one before the run. */
	for (int i = sn->nsaves - 1; i >= 0 && r == 0; i--) {
		const struct snap_save *v = &sn->saves[i];

		r = v->level < 0 ? restore_timer(&sn->fds[v->idx], v, why, whylen) :
		    restore_sockopt(&sn->fds[v->idx], v, why, whylen);
	}
	sn->nsaves = 0;
	return r;
}
