/* epoll_state.c - the interest list of an epoll instance the template
 * holds. A child shares the instance: its EPOLL_CTL_DEL or MOD of an
 * inherited entry (the listening socket's), its ADD of a descriptor the
 * template holds too, its wait that disarms an EPOLLONESHOT entry, all
 * stay in the template's list. The list at the snapshot is read from our
 * copy's fdinfo; after each run it is read again and each entry that
 * differs is put back by the template itself (tracer_template_syscall):
 * an entry is keyed by the descriptor number it was added under, the
 * template's, which only the template's own epoll_ctl names. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

#include "snapshot/snapshot_int.h"

/* The template's descriptor tfd is the file of entry e: only then can
 * the template's own epoll_ctl name e. */
static bool tmpl_holds(const struct snapshot *sn, const struct snap_epi *e)
{
	for (int i = 0; i < sn->nfds; i++)
		if (sn->fds[i].fd == e->tfd)
			return sn->fds[i].ino == e->ino && sn->fds[i].dev == e->dev;
	return false;
}

static const struct snap_epi *find(const struct snap_epi *list, int n, const struct snap_epi *e)
{
	for (int i = 0; i < n; i++)
		if (list[i].tfd == e->tfd && list[i].ino == e->ino && list[i].dev == e->dev)
			return &list[i];
	return NULL;
}

static const char *const op_names[] = {
	[EPOLL_CTL_ADD] = "EPOLL_CTL_ADD", [EPOLL_CTL_DEL] = "EPOLL_CTL_DEL",
	[EPOLL_CTL_MOD] = "EPOLL_CTL_MOD",
};

/* The template calls epoll_ctl(f->fd, op, e->tfd, e's event). */
static int ctl(struct tracer_session *ts, const struct snap_fd *f, int op,
	       const struct snap_epi *e, char *why, size_t whylen)
{
	struct epoll_event ev = { .events = e->events, .data.u64 = e->data };
	uint64_t args[6] = { (uint64_t)f->fd, (uint64_t)op, (uint64_t)e->tfd, 0, 0, 0 };
	int64_t ret = 0;
	int r = tracer_template_syscall(ts, SYS_epoll_ctl, args, 3, &ev, sizeof(ev), &ret);

	if (r == 0 && ret >= 0)
		return 0;
	snprintf(why, whylen, "a run changed the entry of descriptor %d in the template's epoll "
		 "instance %d and the template's %s(%d) failed: %s", e->tfd, f->fd, op_names[op],
		 e->tfd, strerror(r < 0 ? -r : (int)-ret));
	return -ENOTRECOVERABLE;
}

static int refuse(const struct snap_fd *f, const struct snap_epi *e, const char *what,
		  char *why, size_t whylen)
{
	snprintf(why, whylen, "a run %s the entry of descriptor %d in the template's epoll "
		 "instance %d, which the template cannot put back (the template's descriptor %d "
		 "is not that file)", what, e->tfd, f->fd, e->tfd);
	return -ENOTRECOVERABLE;
}

int snap_epoll_restore(struct snapshot *sn, struct tracer_session *ts, const struct snap_fd *f,
		       const struct snap_fdinfo *now, char *why, size_t whylen)
{
	const struct snap_fdinfo *then = &f->info;
	int r;

	/* Entries the run added and left (of a file the template holds). */
	for (int i = 0; i < now->nepi; i++) {
		const struct snap_epi *e = &now->epi[i];

		if (find(then->epi, then->nepi, e))
			continue;
		if (!tmpl_holds(sn, e))
			return refuse(f, e, "added", why, whylen);
		if ((r = ctl(ts, f, EPOLL_CTL_DEL, e, why, whylen)) < 0)
			return r;
	}
	/* Entries it deleted, changed or disarmed (EPOLLONESHOT). */
	for (int i = 0; i < then->nepi; i++) {
		const struct snap_epi *e = &then->epi[i], *n = find(now->epi, now->nepi, e);

		if (n && n->events == e->events && n->data == e->data)
			continue;
		if (!tmpl_holds(sn, e))
			return refuse(f, e, n ? "changed" : "deleted", why, whylen);
		/* An EPOLLEXCLUSIVE entry cannot be modified: deleted and added. */
		if (n && (e->events & EPOLLEXCLUSIVE) &&
		    (r = ctl(ts, f, EPOLL_CTL_DEL, e, why, whylen)) < 0)
			return r;
		r = ctl(ts, f, n && !(e->events & EPOLLEXCLUSIVE) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, e,
			why, whylen);
		if (r < 0)
			return r;
	}
	return 0;
}
