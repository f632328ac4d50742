/* snap_epsvc - an epoll service for snapshot mode (--service
 * --snapshot=on): its listening socket's entry is EPOLLONESHOT, so each
 * wait that reports a connection disarms it, and it is re-armed
 * (EPOLL_CTL_MOD) only once that connection is served, one at a time.
 * The snapshot point is its first epoll_wait after listen.
 *
 * A run that ends before re-arming (a failed write of a reply: it exits
 * 1, as a service might on an I/O error) leaves the template's
 * entry disarmed unless fzsandbox puts it back: every later child would
 * wait forever with the driver's connection queued. It answers each
 * request "OK <bytes>". */
#pragma GCC optimize("O0")
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int ep, lfd;

static void arm(int op)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLONESHOT, .data.fd = lfd };

	if (epoll_ctl(ep, op, lfd, &e) < 0) {
		perror("snap_epsvc: epoll_ctl");
		exit(1);
	}
}

static void serve(int cfd)
{
	char buf[4096], reply[64];
	size_t total = 0;
	ssize_t k;

	while ((k = read(cfd, buf, sizeof(buf))) > 0)
		total += (size_t)k;
	if (k < 0)
		perror("snap_epsvc: read");
	k = snprintf(reply, sizeof(reply), "OK %zu\n", total);
	if (write(cfd, reply, (size_t)k) != k) {
		perror("snap_epsvc: write");
		exit(1);	/* the entry stays disarmed */
	}
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct epoll_event got;

	signal(SIGPIPE, SIG_IGN);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0 ||
	    (ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		perror("snap_epsvc");
		return 1;
	}
	arm(EPOLL_CTL_ADD);
	printf("snap_epsvc: listening on 127.0.0.1:%u\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int cfd, n = epoll_wait(ep, &got, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("snap_epsvc: epoll_wait");
			return 1;
		}
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd >= 0) {
			serve(cfd);
			close(cfd);
		} else if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN) {
			perror("snap_epsvc: accept4");
			return 1;
		}
		arm(EPOLL_CTL_MOD);
	}
}
