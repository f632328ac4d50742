/* netns.c - sockets inside the jail's network namespace, for the service
 * driver, which runs in fzsandbox outside the jail and could not otherwise
 * reach the jail's loopback. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sockios.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

/* The forked helper: join the user namespace first (an unprivileged caller
 * may join the net namespace only with the capabilities it gets there;
 * setns of a user namespace needs a single-threaded caller, hence the
 * fork), then the net namespace; create the socket and hand it back. */
static void helper(int userns, int netns, int chan, int domain, int type, int protocol)
{
	char data[sizeof(int)];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int err = 0, fd = -1;

	if (setns(userns, CLONE_NEWUSER) < 0 || setns(netns, CLONE_NEWNET) < 0)
		err = errno;
	if (!err && (fd = socket(domain, type, protocol)) < 0)
		err = errno;
	memcpy(data, &err, sizeof(err));
	if (fd >= 0) {
		memset(&c, 0, sizeof(c));
		m.msg_control = c.buf;
		m.msg_controllen = sizeof(c.buf);
		c.h.cmsg_level = SOL_SOCKET;
		c.h.cmsg_type = SCM_RIGHTS;
		c.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&c.h), &fd, sizeof(fd));
	}
	_exit(sendmsg(chan, &m, MSG_NOSIGNAL) < 0);
}

static int receive_fd(int chan)
{
	char data[sizeof(int)];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *h;
	int err, fd;

	if (recvmsg(chan, &m, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(data))
		return -EIO;
	memcpy(&err, data, sizeof(err));
	if (err)
		return -err;
	h = CMSG_FIRSTHDR(&m);
	if (!h || h->cmsg_type != SCM_RIGHTS || h->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EIO;
	memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	return fd;
}

int sandbox_socket_beside(int lfd, int domain, int type, int protocol)
{
	int netns, userns = -1, chan[2] = { -1, -1 }, r, status;
	pid_t pid;

	/* The namespaces come from the service's own listening socket, so no
	 * pid is needed. Both ioctls need capabilities over the jail, which
	 * the jail's creator (root, or the owner of its user namespace) has. */
	netns = ioctl(lfd, SIOCGSKNS);
	if (netns < 0)
		return -errno;
	userns = ioctl(netns, NS_GET_USERNS);
	if (userns < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) < 0) {
		r = -errno;
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		close(chan[0]);
		helper(userns, netns, chan[1], domain, type, protocol);
	}
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	close(chan[1]);
	chan[1] = -1;
	r = receive_fd(chan[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
out:
	for (int i = 0; i < 2; i++)
		if (chan[i] >= 0)
			close(chan[i]);
	if (userns >= 0)
		close(userns);
	close(netns);
	return r;
}
