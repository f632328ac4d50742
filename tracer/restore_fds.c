/* restore_fds.c - in-place restore's descriptors (restore.h): the
 * snapshot's, each kept as a copy of ours (kcmp tells whether the
 * process's is still that open file), put back from the template when a
 * run closed or replaced one; the run's own closed; close-on-exec flags
 * set back. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracer/restore_int.h"

static int by_fd(const void *a, const void *b)
{
	return ((const struct fdent *)a)->fd - ((const struct fdent *)b)->fd;
}

/* The descriptor numbers, with where each points when links. */
int rs_read_fds(pid_t tid, bool links, struct fdent **out, int *n)
{
	char dir[64], path[320];
	struct fdent *v = NULL, *nv;
	int cnt = 0, cap = 0;
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)tid);
	if (!(dp = opendir(dir)))
		return -errno;
	while ((d = readdir(dp))) {
		ssize_t len;

		if (d->d_name[0] == '.')
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(nv = reallocarray(v, (size_t)cap, sizeof(*v)))) {
				free(v);
				closedir(dp);
				return -ENOMEM;
			}
			v = nv;
		}
		v[cnt].fd = atoi(d->d_name);
		v[cnt].copy = -1;
		v[cnt].link[0] = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		len = links ? readlink(path, v[cnt].link, sizeof(v[cnt].link) - 1) : 0;
		v[cnt].link[len > 0 ? len : 0] = 0;
		cnt++;
	}
	closedir(dp);
	if (cnt)	/* v is NULL without any */
		qsort(v, (size_t)cnt, sizeof(*v), by_fd);
	*out = v;
	*n = cnt;
	return 0;
}

/* A copy of each of the snapshot's descriptors: kcmp tells whether the
 * process's is still that open file, where a path (another open of it)
 * would not. */
int rs_grab_fds(struct tracer_restore *r, char *why, size_t whylen)
{
	int pfd = (int)syscall(SYS_pidfd_open, r->tid, 0), e = 0;

	if (pfd < 0)
		return rs_fail(-errno, why, whylen, "pidfd_open: %s", strerror(errno));
	for (int i = 0; i < r->nfds && !e; i++) {
		char path[64], buf[256], *fl;
		int fd;
		ssize_t n;

		if ((r->fds[i].copy = (int)syscall(SYS_pidfd_getfd, pfd, r->fds[i].fd, 0)) < 0) {
			e = rs_fail(-errno, why, whylen, "cannot take descriptor %d: %s", r->fds[i].fd,
				 strerror(errno));
			break;
		}
		/* Its close-on-exec flag, the table's own, for a reinstall. */
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)r->tid, r->fds[i].fd);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		if ((fl = strstr(buf, "flags:")))
			r->fds[i].cloexec = (strtoul(fl + 6, NULL, 8) & O_CLOEXEC) != 0;
	}
	close(pfd);
	return e;
}

/* The snapshot's descriptor fd, closed or replaced by the run, back as
 * it was: the process takes the donor's (which has the same open file at
 * that number: the template) with pidfd_getfd and moves it there. */
static int reinstall(struct tracer_restore *r, const struct fdent *want, char *why, size_t whylen)
{
	int64_t pfd = -1, nfd = -1, ret;
	int e;

	if (!r->donor)
		return rs_fail(-EAGAIN, why, whylen, "descriptor %d (%s) closed or replaced", want->fd,
			    want->link);
	if ((e = rs_call(r, SYS_pidfd_open, (uint64_t)r->donor, 0, 0, &pfd)) == 0 && pfd >= 0)
		e = rs_call(r, SYS_pidfd_getfd, (uint64_t)pfd, (uint64_t)want->fd, 0, &nfd);
	/* Its temporary numbers may be the one to fill: closed first. */
	if (pfd >= 0)
		rs_call(r, SYS_close, (uint64_t)pfd, 0, 0, &ret);
	if (e == 0 && nfd >= 0 && nfd != want->fd) {
		e = rs_call(r, SYS_dup3, (uint64_t)nfd, (uint64_t)want->fd,
			 want->cloexec ? O_CLOEXEC : 0, &ret);
		rs_call(r, SYS_close, (uint64_t)nfd, 0, 0, &ret);
	} else if (e == 0 && nfd == want->fd) {	/* pidfd_getfd's is close-on-exec */
		e = rs_call(r, SYS_fcntl, (uint64_t)nfd, F_SETFD, want->cloexec ? FD_CLOEXEC : 0,
			 &ret);
	}
	if (e == 0 && (nfd < 0 || syscall(SYS_kcmp, getpid(), r->tid, KCMP_FILE, want->copy,
					   want->fd) != 0))
		e = -EAGAIN;
	if (e < 0)
		return rs_fail(e, why, whylen, "descriptor %d (%s) closed or replaced, not put back",
			    want->fd, want->link);
	r->st.reinstalled++;
	return 0;
}

/* Descriptors of the snapshot must be the same open files (put back if
 * not); the run's own are closed. */
int rs_restore_fds(struct tracer_restore *r, char *why, size_t whylen)
{
	struct fdent *cur = NULL;
	int n = 0, j = 0, e = 0;
	int64_t ret;

	if ((e = rs_read_fds(r->tid, false, &cur, &n)) < 0)
		return rs_fail(e, why, whylen, "cannot read its descriptors: %s", strerror(-e));
	for (int i = 0; i < n && !e; i++) {
		while (j < r->nfds && r->fds[j].fd < cur[i].fd)
			j++;	/* closed: found missing below */
		if (j < r->nfds && r->fds[j].fd == cur[i].fd) {
			cur[i].copy = syscall(SYS_kcmp, getpid(), r->tid, KCMP_FILE, r->fds[j].copy,
					      cur[i].fd) == 0;
			continue;
		}
		if ((e = rs_call(r, SYS_close, (uint64_t)cur[i].fd, 0, 0, &ret)) < 0)
			e = rs_fail(e, why, whylen, "cannot close descriptor %d", cur[i].fd);
		else
			r->st.closed++;
	}
	/* Every one of the snapshot's still open, the same open file? */
	for (int k = 0, i = 0; k < r->nfds && !e; k++) {
		while (i < n && cur[i].fd < r->fds[k].fd)
			i++;
		if (i >= n || cur[i].fd != r->fds[k].fd || cur[i].copy != 1)
			e = reinstall(r, &r->fds[k], why, whylen);
	}
	free(cur);
	return e;
}

/* The snapshot's descriptors' close-on-exec flags, as at arm time. */
int rs_restore_fdflags(struct tracer_restore *r, char *why, size_t whylen)
{
	int64_t ret;
	int e;

	for (int i = 0; r->fdflags_changed && i < r->nfds; i++)
		if ((e = rs_call(r, SYS_fcntl, (uint64_t)r->fds[i].fd, F_SETFD,
			      r->fds[i].cloexec ? FD_CLOEXEC : 0, &ret)) < 0 || ret < 0)
			return rs_fail(e < 0 ? e : -EAGAIN, why, whylen,
				    "cannot set descriptor %d's close-on-exec flag back", r->fds[i].fd);
	r->fdflags_changed = false;
	return 0;
}
