/* fdstate.c - what a child shares with the template and must find as the
 * template left it: the offset and status flags of each open file
 * description the template holds (fork shares them, so a child's read
 * moves the template's offset, and its fcntl(F_SETFL) changes the
 * template's flags). At the snapshot we take a copy of each descriptor
 * (pidfd_getfd: the same description) and read both; before each fork we
 * put them back from here, with no call injected into the template.
 * After each run (snapshot_restore) what the fdinfo of our copies shows
 * is compared with the snapshot's: flock() locks are taken back, epoll
 * entries put back (epoll_state.c), and the socket options and timers
 * the run set (child_calls.c). Not restored: file contents, socket and
 * pipe data (docs/snapshots.md). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot/snapshot_int.h"
#include "tracer/services.h"

/* What F_SETFL can change on Linux (fcntl(2)); the rest it ignores. */
#define SETFL_MASK (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK)

int snap_fds_take(struct snapshot *sn, struct tracer_task *tmpl)
{
	char path[64];
	struct stat st;
	struct dirent *d;
	DIR *dir;
	int r = 0;

	snap_fds_close(sn);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tracer_task_pid(tmpl));
	if (!(dir = opendir(path)))
		return -errno;
	while ((d = readdir(dir))) {
		struct snap_fd *f = &sn->fds[sn->nfds];
		char *end;
		long fd = strtol(d->d_name, &end, 10);

		if (d->d_name[0] == '.' || *end)
			continue;
		if (sn->nfds == SNAP_MAX_FDS) {
			r = -EMFILE;
			break;
		}
		f->fd = (int)fd;
		f->copy = tracer_grab_fd(tmpl, (int)fd);
		if (f->copy < 0) {
			r = f->copy;
			break;
		}
		f->off = lseek(f->copy, 0, SEEK_CUR);
		f->flags = fcntl(f->copy, F_GETFL);
		if (f->flags < 0 || fstat(f->copy, &st) < 0) {
			r = -errno;
			close(f->copy);
			break;
		}
		f->ino = st.st_ino;
		f->dev = st.st_dev;
		f->kind = snap_fd_kind(f->copy);
		if ((r = snap_fdinfo_read(f->copy, &f->info)) < 0) {
			close(f->copy);
			break;
		}
		sn->nfds++;
	}
	closedir(dir);
	if (r < 0)
		snap_fds_close(sn);
	return r;
}

int snap_fds_restore(struct snapshot *sn)
{
	for (int i = 0; i < sn->nfds; i++) {
		const struct snap_fd *f = &sn->fds[i];

		if (f->off >= 0 && lseek(f->copy, f->off, SEEK_SET) < 0)
			return -errno;
		if (fcntl(f->copy, F_SETFL, f->flags & SETFL_MASK) < 0)
			return -errno;
	}
	return 0;
}

void snap_fds_close(struct snapshot *sn)
{
	for (int i = 0; i < sn->nfds; i++) {
		close(sn->fds[i].copy);
		snap_fdinfo_free(&sn->fds[i].info);
	}
	sn->nfds = 0;
	sn->nsaves = 0;
	sn->locks_touched = false;
	sn->refuse[0] = 0;
}

static const char *const lock_names[] = {
	[0] = "none", [LOCK_SH] = "LOCK_SH", [LOCK_EX] = "LOCK_EX",
};

/* A run's flock() on a shared description is the template's lock: take
 * it back as it was through our copy (never waiting: another process
 * that took the file meanwhile makes it impossible). */
static int restore_locks(const struct snap_fd *f, const struct snap_fdinfo *now, char *why,
			 size_t whylen)
{
	if (strcmp(now->ofd, f->info.ofd) != 0) {
		snprintf(why, whylen, "a run changed the OFD locks (fcntl F_OFD_SETLK) of the "
			 "template's descriptor %d, which are not put back", f->fd);
		return -ENOTRECOVERABLE;
	}
	if (now->flock == f->info.flock)
		return 0;
	if (flock(f->copy, (f->info.flock ? f->info.flock : LOCK_UN) | LOCK_NB) < 0) {
		snprintf(why, whylen, "a run's flock() on the template's descriptor %d (%s at the "
			 "snapshot, %s after the run) cannot be put back: %s", f->fd,
			 lock_names[f->info.flock], lock_names[now->flock], strerror(errno));
		return -ENOTRECOVERABLE;
	}
	return 0;
}

int snapshot_restore(struct snapshot *sn, struct tracer_session *ts, char *why, size_t whylen)
{
	int r = 0;

	if (sn->refuse[0]) {
		snprintf(why, whylen, "%s", sn->refuse);
		sn->nsaves = 0;
		sn->locks_touched = false;
		return -ENOTRECOVERABLE;
	}
	/* An epoll list is read after every run (a wait disarms a ONESHOT
	 * entry: no call of the list's to trace); locks only after a run
	 * that made a lock call (child_calls.c). */
	for (int i = 0; i < sn->nfds && r == 0; i++) {
		const struct snap_fd *f = &sn->fds[i];
		struct snap_fdinfo now;

		if (f->kind != SNAP_EPOLL && !sn->locks_touched)
			continue;
		if ((r = snap_fdinfo_read(f->copy, &now)) < 0)
			break;
		r = sn->locks_touched ? restore_locks(f, &now, why, whylen) : 0;
		if (r == 0 && f->kind == SNAP_EPOLL)
			r = snap_epoll_restore(sn, ts, f, &now, why, whylen);
		snap_fdinfo_free(&now);
	}
	sn->locks_touched = false;
	if (r < 0) {
		sn->nsaves = 0;
		return r;
	}
	return snap_saves_restore(sn, why, whylen);
}
