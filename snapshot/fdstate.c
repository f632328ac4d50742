/* fdstate.c - what a child shares with the template and must find as the
 * template left it: the offset and status flags of each open file
 * description the template holds (fork shares them, so a child's read
 * moves the template's offset, and its fcntl(F_SETFL) changes the
 * template's flags). At the snapshot we take a copy of each descriptor
 * (pidfd_getfd: the same description) and read both; before each fork we
 * put them back from here, with no call injected into the template.
 * Not restored: file contents, flock() locks (they belong to the
 * description, so a child's lock outlives it), socket and pipe data
 * (docs/snapshots.md). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "snapshot/snapshot_int.h"
#include "tracer/services.h"

/* What F_SETFL can change on Linux (fcntl(2)); the rest it ignores. */
#define SETFL_MASK (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK)

int snap_fds_take(struct snapshot *sn, struct tracer_task *tmpl)
{
	char path[64];
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
		if (f->flags < 0) {
			r = -errno;
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
	for (int i = 0; i < sn->nfds; i++)
		close(sn->fds[i].copy);
	sn->nfds = 0;
}
