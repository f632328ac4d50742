/* service.c - one driver thread per run. It never touches ptrace: the
 * tracer thread owns the tracees; the driver only talks to the service
 * over its socket and raises stop_requested when done. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "harnesses/service.h"

struct service_driver {
	struct service_opts o;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int listen_fd;		/* -1 until ready */
	volatile bool over;
	volatile int stop;
	struct service_result res;
};

static void on_listen(void *arg, int fd)
{
	struct service_driver *d = arg;

	pthread_mutex_lock(&d->lock);
	if (d->listen_fd < 0)
		d->listen_fd = fd;
	else
		close(fd);
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
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

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
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

static void one_request(struct service_driver *d, const struct sockaddr_storage *ss,
			socklen_t slen, const char *path)
{
	char buf[8192];
	long long deadline = mono_ms() + d->o.reply_timeout_ms;
	int fd, in = open(path, O_RDONLY | O_CLOEXEC), r;
	ssize_t n;

	if (in < 0)
		return;
	if (d->o.make_socket)
		fd = d->o.make_socket(d->listen_fd, ss->ss_family,
				      SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	else
		fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
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
	shutdown(fd, SHUT_WR);
	for (;;) {
		r = wait_fd(d, fd, POLLIN, deadline);
		if (r == 0)
			d->res.timeouts++;
		if (r != 1)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0)
			d->res.replied++;
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
	int lfd;

	pthread_mutex_lock(&d->lock);
	while (d->listen_fd < 0 && !d->over)
		pthread_cond_wait(&d->cond, &d->lock);
	lfd = d->listen_fd;
	pthread_mutex_unlock(&d->lock);
	if (lfd < 0)
		return NULL;
	d->res.ready = true;
	if (peer_addr(lfd, &ss, &slen) == 0)
		for (int i = 0; d->o.requests && d->o.requests[i] && !d->over; i++)
			one_request(d, &ss, slen, d->o.requests[i]);
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
	/* Signals (timer ticks, ^C) belong to the tracer thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&d->thread, NULL, driver, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		free(d);
		return -r;
	}
	svc->on_listen = on_listen;
	svc->arg = d;
	svc->stop_requested = &d->stop;
	*out = d;
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
