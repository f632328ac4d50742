/* service.c - one driver thread per run. It never touches ptrace: the
 * tracer thread owns the tracees; the driver only talks to the service
 * over its socket and raises stop_requested when done. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "harnesses/service.h"
#include "tracer/services.h"
#include "util/util.h"

struct service_driver {
	struct service_opts o;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int listen_fd;		/* -1 until ready */
	pid_t pid;		/* the process that listened */
	volatile bool over;
	volatile int stop;
	struct service_result res;
};

/* The tracer's exit observer for listen(2), on the tracer's thread with the
 * task stopped: the first listen that returned 0 makes the service ready,
 * and the driver gets its own duplicate of the listening socket. */
static int on_listen_exit(void *arg, struct tracer_task *t, const struct syscall_stop *s, int64_t ret)
{
	struct service_driver *d = arg;
	int fd;

	if (ret != 0)
		return 0;
	fd = tracer_grab_fd(t, (int)s->args[0]);
	if (fd >= 0) {
		pthread_mutex_lock(&d->lock);
		if (d->listen_fd < 0) {
			d->listen_fd = fd;
			d->pid = tracer_task_pid(t);
		} else
			close(fd);
		pthread_cond_signal(&d->cond);
		pthread_mutex_unlock(&d->lock);
	}
	return 1;
}

/* The address to connect to, from the listening socket itself; a wildcard
 * address is reached over loopback. */
static int peer_addr(int lfd, struct sockaddr_storage *ss, socklen_t *len)
{
	*len = sizeof(*ss);
	if (getsockname(lfd, (struct sockaddr *)ss, len) < 0)
		return -errno;
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (in->sin_addr.s_addr == htonl(INADDR_ANY))
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
			in6->sin6_addr = in6addr_loopback;
	}
	return 0;
}

/* A socket in the service's network namespace (make_socket, beside the
 * listening socket lfd; our own without a jail). The fd or -errno. */
static int driver_socket(const struct service_driver *d, int lfd, int domain, int type, int protocol)
{
	int fd;

	if (d->o.make_socket)
		return d->o.make_socket(lfd, domain, type, protocol);
	fd = socket(domain, type, protocol);
	return fd < 0 ? -errno : fd;
}

/* The file a listening unix socket is bound to (sock_diag with
 * UDIAG_SHOW_VFS), asked from the socket's own network namespace (the
 * jail's, through make_socket): unix sockets are looked up per namespace.
 * 0 with its device and inode, or -errno (no unix_diag in this kernel). */
static int bound_file(const struct service_driver *d, int lfd, dev_t *dev, ino_t *ino)
{
	struct {
		struct nlmsghdr nh;
		struct unix_diag_req r;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0U, .udiag_show = UDIAG_SHOW_VFS,
		       .udiag_cookie = { ~0U, ~0U } },
	};
	union {
		struct nlmsghdr nh;
		char buf[4096];
	} ans;
	struct stat st;
	ssize_t n;
	int nl, r = -ENOENT;

	if (fstat(lfd, &st) < 0)
		return -errno;
	req.r.udiag_ino = (uint32_t)st.st_ino;
	nl = driver_socket(d, lfd, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return nl;
	if (send(nl, &req, sizeof(req), 0) != (ssize_t)sizeof(req) ||
	    (n = recv(nl, &ans, sizeof(ans), 0)) < 0) {
		r = -errno;
		close(nl);
		return r;
	}
	close(nl);
	if (!NLMSG_OK(&ans.nh, (size_t)n) || ans.nh.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return -ENOENT;
	{
		struct unix_diag_msg *m = NLMSG_DATA(&ans.nh);
		struct rtattr *a = (struct rtattr *)(m + 1);
		int len = (int)ans.nh.nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));

		for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			struct unix_diag_vfs v;

			if (a->rta_type != UNIX_DIAG_VFS || RTA_PAYLOAD(a) < sizeof(v))
				continue;
			memcpy(&v, RTA_DATA(a), sizeof(v));
			/* The kernel's dev_t: 12 bits of major above 20 of minor. */
			*dev = makedev(v.udiag_vfs_dev >> 20, v.udiag_vfs_dev & 0xfffff);
			*ino = v.udiag_vfs_ino;
			r = 0;
		}
	}
	return r;
}

/* A jailed service's unix socket path names a file in the jail's mount
 * namespace, whose directories and symlinks the service controls. Open
 * it inside the jail's root (openat2 RESOLVE_IN_ROOT from /proc/PID/root;
 * a relative path beneath /proc/PID/cwd), so that no symlink of theirs
 * resolves on the host, without following the last component (a symlink
 * there is refused: the driver, maybe root, must reach that socket and
 * no other), check that it is a socket, and connect through
 * /proc/self/fd/N. Returns that O_PATH descriptor (to close after the
 * run's requests) or -errno. */
static int unix_beside(const struct service_driver *d, int lfd, pid_t pid,
		       struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	size_t plen = *len - offsetof(struct sockaddr_un, sun_path);
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC };
	char base[64], path[sizeof(un->sun_path) + 1];
	struct stat st;
	bool absolute;
	dev_t dev = 0;
	ino_t ino = 0;
	int bfd, fd, n;

	if (plen == 0 || plen > sizeof(un->sun_path) || un->sun_path[0] == 0)
		return -ENOENT;	/* unnamed or abstract: no path */
	memcpy(path, un->sun_path, plen);
	path[plen] = 0;
	absolute = path[0] == '/';
	if (!absolute) {
		/* Relative: made absolute with the service's cwd as it sees
		 * it (the kernel's path of it from its own root), so that its
		 * ".." and absolute symlinks resolve in the jail as they did
		 * for the service. A cwd it cannot name (deleted, too long)
		 * leaves the path beneath the cwd, without "..". */
		char cwd[PATH_MAX], full[PATH_MAX];
		ssize_t c;

		snprintf(base, sizeof(base), "/proc/%d/cwd", (int)pid);
		c = readlink(base, cwd, sizeof(cwd) - 1);
		if (c > 0 && cwd[0] == '/') {
			cwd[c] = 0;
			if (!strstr(cwd, " (deleted)") &&
			    snprintf(full, sizeof(full), "%s/%s", cwd, path) < (int)sizeof(path)) {
				memcpy(path, full, strlen(full) + 1);
				absolute = true;
			}
		}
	}
	snprintf(base, sizeof(base), absolute ? "/proc/%d/root" : "/proc/%d/cwd", (int)pid);
	bfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return -errno;
	how.resolve = RESOLVE_NO_MAGICLINKS | (absolute ? RESOLVE_IN_ROOT : RESOLVE_BENEATH);
	fd = (int)syscall(SYS_openat2, bfd, path, &how, sizeof(how));
	if (fd < 0)
		fd = -errno;
	close(bfd);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		close(fd);
		return -ENOTSOCK;
	}
	/* And the service's own socket, not another one linked or renamed
	 * there (a host socket found in a writable bind). Without unix_diag
	 * in the kernel, the check above is all there is. */
	if (bound_file(d, lfd, &dev, &ino) == 0 && (st.st_dev != dev || st.st_ino != ino)) {
		close(fd);
		return -EPERM;
	}
	n = snprintf(un->sun_path, sizeof(un->sun_path), "/proc/self/fd/%d", fd);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return fd;
}

/* Wait for fd to be ready (POLLIN/POLLOUT) until the deadline, unless the
 * run is over. Returns 1 ready, 0 timed out, -errno. */
static int wait_fd(struct service_driver *d, int fd, short ev, long long deadline)
{
	while (!d->over) {
		struct pollfd p = { fd, ev, 0 };
		long long left = deadline - mono_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, left > 50 ? 50 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
	return -ECANCELED;
}

/* Keep what arrived of a reply, for --show-replies. */
static void keep(struct service_reply *rp, const char *buf, ssize_t n)
{
	if (!rp || n <= 0)
		return;
	if (rp->len < sizeof(rp->head)) {
		size_t k = sizeof(rp->head) - rp->len;

		memcpy(rp->head + rp->len, buf, (size_t)n < k ? (size_t)n : k);
	}
	rp->len += (size_t)n;
}

static void one_request(struct service_driver *d, const struct sockaddr_storage *ss,
			socklen_t slen, const char *path, struct service_reply *rp)
{
	char buf[8192];
	long long deadline = mono_ms() + d->o.reply_timeout_ms;
	int fd, in = open(path, O_RDONLY | O_CLOEXEC), r;
	ssize_t n;

	if (in < 0)
		return;
	fd = driver_socket(d, d->listen_fd, ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto out_in;
	if (connect(fd, (const struct sockaddr *)ss, slen) < 0 && errno != EINPROGRESS)
		goto out;
	if (wait_fd(d, fd, POLLOUT, deadline) != 1)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = send(fd, buf + off, n - off, MSG_NOSIGNAL);

			if (w < 0 && errno == EAGAIN) {
				if (wait_fd(d, fd, POLLOUT, deadline) != 1)
					goto out;
				continue;
			}
			if (w < 0)
				goto out;
			off += w;
		}
	}
	d->res.sent++;
	if (rp)
		rp->state = REPLY_CUT;
	shutdown(fd, SHUT_WR);
	for (;;) {
		r = wait_fd(d, fd, POLLIN, deadline);
		if (r == 0) {
			d->res.timeouts++;
			if (rp)
				rp->state = REPLY_TIMEOUT;
		}
		if (r != 1)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		keep(rp, buf, n);
		if (n == 0) {
			d->res.replied++;
			if (rp)
				rp->state = REPLY_DONE;
		}
		if (n <= 0 && !(n < 0 && errno == EAGAIN))
			break;
	}
out:
	close(fd);
out_in:
	close(in);
}

static void *driver(void *arg)
{
	struct service_driver *d = arg;
	struct sockaddr_storage ss;
	socklen_t slen;
	int lfd, dfd = -1;
	pid_t pid;

	pthread_mutex_lock(&d->lock);
	while (d->listen_fd < 0 && !d->over)
		pthread_cond_wait(&d->cond, &d->lock);
	lfd = d->listen_fd;
	pid = d->pid;
	pthread_mutex_unlock(&d->lock);
	if (lfd < 0)
		return NULL;
	d->res.ready = true;
	if (peer_addr(lfd, &ss, &slen) == 0) {
		/* The path as the jail sees it. When it cannot be reached
		 * safely, nothing is sent (the requests count as unsent, as
		 * for a vanished socket): the name itself, resolved from
		 * here, could lead anywhere on the host. */
		bool path = d->o.jailed && ss.ss_family == AF_UNIX &&
			    slen > offsetof(struct sockaddr_un, sun_path) &&
			    ((struct sockaddr_un *)&ss)->sun_path[0] != 0;

		if (path)
			dfd = unix_beside(d, lfd, pid, &ss, &slen);
		for (int i = 0; (!path || dfd >= 0) && d->o.requests && d->o.requests[i] && !d->over; i++) {
			struct service_reply *rp = NULL;

			if (d->o.keep_replies && i < SERVICE_KEEP_REPLIES) {
				rp = &d->res.replies[i];
				d->res.nreplies = i + 1;
			}
			one_request(d, &ss, slen, d->o.requests[i], rp);
		}
	}
	if (dfd >= 0)
		close(dfd);
	d->stop = 1;
	return NULL;
}

int service_start(const struct service_opts *o, struct service_driver **out,
		  struct tracer_service *svc)
{
	struct service_driver *d = calloc(1, sizeof(*d));
	sigset_t all, old;
	int r;

	if (!d)
		return -ENOMEM;
	d->o = *o;
	d->listen_fd = -1;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	/* Signals (^C) belong to the tracer thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&d->thread, NULL, driver, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		free(d);
		return -r;
	}
	svc->watch_nr = syscall_by_name("listen") ? syscall_by_name("listen")->nr : -1;
	svc->on_exit = on_listen_exit;
	svc->arg = d;
	svc->stop_requested = &d->stop;
	*out = d;
	return 0;
}

int service_ready(struct service_driver *d, int lfd, pid_t pid)
{
	pthread_mutex_lock(&d->lock);
	if (d->listen_fd >= 0) {
		pthread_mutex_unlock(&d->lock);
		close(lfd);
		return -EALREADY;
	}
	d->listen_fd = lfd;
	d->pid = pid;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

void service_finish(struct service_driver *d, struct service_result *res)
{
	pthread_mutex_lock(&d->lock);
	d->over = true;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	if (d->listen_fd >= 0)
		close(d->listen_fd);
	if (res)
		*res = d->res;
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d);
}
