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
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

/* The child: join the user namespace first (an unprivileged caller may
 * join the net namespace only with the capabilities it gets there; setns
 * of a user namespace needs a single-threaded caller with its own
 * filesystem context, hence a child), then the net namespace, and create
 * the socket. It shares our descriptor table (CLONE_FILES), so the socket
 * is already ours; and our memory, so it reports through *b. Raw
 * syscalls only. */
struct beside {
	int userns, netns, domain, type, protocol;
	int fd, err;
};

static int make_beside(void *arg)
{
	struct beside *b = arg;
	long fd;

	if (syscall(SYS_setns, b->userns, CLONE_NEWUSER) < 0 ||
	    syscall(SYS_setns, b->netns, CLONE_NEWNET) < 0) {
		b->err = errno;
		return 0;
	}
	fd = syscall(SYS_socket, b->domain, b->type, b->protocol);
	if (fd < 0)
		b->err = errno;
	else
		b->fd = (int)fd;
	return 0;
}

int sandbox_socket_beside(int lfd, int domain, int type, int protocol)
{
	struct beside b = { -1, -1, domain, type, protocol, -1, 0 };
	struct ns_child c;
	int r;

	/* The namespaces come from the service's own listening socket, so no
	 * pid is needed. Both ioctls need capabilities over the jail, which
	 * the jail's creator (root, or the owner of its user namespace) has. */
	b.netns = ioctl(lfd, SIOCGSKNS);
	if (b.netns < 0)
		return -errno;
	b.userns = ioctl(b.netns, NS_GET_USERNS);
	if (b.userns < 0) {
		r = -errno;
		goto out;
	}
	/* CLONE_VFORK: we resume once the child is gone. */
	r = ns_child_start(CLONE_VFORK | CLONE_FILES, make_beside, &b, &c);
	if (r < 0)
		goto out;
	ns_child_wait(&c);
	r = b.err ? -b.err : b.fd >= 0 ? b.fd : -EIO;
out:
	if (b.userns >= 0)
		close(b.userns);
	close(b.netns);
	return r;
}
