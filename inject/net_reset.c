/* net_reset.c - a connection reset made by the peer, for real. The io
 * class's ECONNRESET and EPIPE on a TCP socket are offered only when the
 * other end is a socket of fzsandbox's own (the service driver's
 * connection, found by its addresses among our descriptors). To inject
 * one, that end sends the RST a close with SO_LINGER {1, 0} sends
 * (connect(AF_UNSPEC) on a duplicate: tcp_disconnect's active reset, and
 * no descriptor the driver still uses is closed under it), and the call
 * runs: the kernel gives ECONNRESET once (EPIPE if the peer had already
 * shut down its side), then EOF on reads and EPIPE with SIGPIPE on writes,
 * and nothing about the connection keeps working
 * (docs/kernel-facts.md#peer-reset). A connection to a peer fzsandbox
 * does not hold is never reset: it could only be a one-off errno on a
 * connection that goes on working. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject/net_reset.h"
#include "tracer/services.h"

static bool same_addr(const struct sockaddr_storage *a, socklen_t al,
		      const struct sockaddr_storage *b, socklen_t bl)
{
	return al == bl && memcmp(a, b, al) == 0;
}

/* A duplicate of our own socket whose local address is sock's peer and
 * whose peer is sock's local address (the duplicate is taken first, so
 * the descriptor cannot change under the check), or -errno. */
static int peer_dup(int sock)
{
	struct sockaddr_storage l, p, l2, p2;
	socklen_t ll = sizeof(l), pl = sizeof(p);
	struct stat me, st;
	struct dirent *de;
	int found = -ENOENT;
	DIR *d;

	if (getsockname(sock, (struct sockaddr *)&l, &ll) < 0 ||
	    getpeername(sock, (struct sockaddr *)&p, &pl) < 0 || fstat(sock, &me) < 0)
		return -errno;
	if (!(d = opendir("/proc/self/fd")))
		return -errno;
	while (found < 0 && (de = readdir(d))) {
		int fd = atoi(de->d_name), dup;
		socklen_t l2len = sizeof(l2), p2len = sizeof(p2);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd == dirfd(d))
			continue;
		if ((dup = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
			continue;
		if (fstat(dup, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino != me.st_ino &&
		    getsockname(dup, (struct sockaddr *)&l2, &l2len) == 0 &&
		    getpeername(dup, (struct sockaddr *)&p2, &p2len) == 0 &&
		    same_addr(&l2, l2len, &p, pl) && same_addr(&p2, p2len, &l, ll))
			found = dup;
		else
			close(dup);
	}
	closedir(d);
	return found;
}

bool net_peer_owned(struct tracer_task *t, int fd, int tcp_state)
{
	int sock, dup;

	if (tcp_state != TCP_ESTABLISHED && tcp_state != TCP_CLOSE_WAIT)
		return false;
	if ((sock = tracer_grab_fd(t, fd)) < 0)
		return false;
	dup = peer_dup(sock);
	close(sock);
	if (dup < 0)
		return false;
	close(dup);
	return true;
}

int net_peer_reset(struct tracer_task *t, int fd)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int sock = tracer_grab_fd(t, fd), peer, r = 0;
	struct pollfd p;

	if (sock < 0)
		return sock;
	if ((peer = peer_dup(sock)) < 0) {
		close(sock);
		return peer;
	}
	if (connect(peer, &unspec, sizeof(unspec)) < 0) {
		r = -errno;
	} else {
		/* Loopback delivers the RST at once; POLLERR/POLLHUP say the
		 * tracee's end has it, so the call sees the reset. */
		p = (struct pollfd){ sock, 0, 0 };
		if (poll(&p, 1, 500) != 1)
			r = -ETIMEDOUT;
	}
	close(peer);
	close(sock);
	return r;
}
