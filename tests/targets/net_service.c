/* net_service - test target: a sequential TCP service that reads each
 * request to EOF (the client shuts down its side) and writes a one-line
 * reply. Its bug: it never ignores SIGPIPE, so a reply written to a client
 * that reset the connection kills it. Only a real reset shows that (EPIPE
 * comes with SIGPIPE from the kernel); a bare errno returned by write
 * would not. With NET_SERVICE_SAFE set it ignores SIGPIPE and handles
 * every failure: no finding.
 *
 * net_service --port N (0: the kernel's choice). SIGTERM ends it with
 * status 0; it stays blocked except inside ppoll() on the listener.
 */
#pragma GCC optimize("O0")
#define _GNU_SOURCE	/* ppoll, accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* The bug: the write's SIGPIPE is not ignored. */
static __attribute__((noinline, noclone)) int send_reply(int fd, size_t got)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "OK %zu bytes\n", got);

	for (int off = 0; off < n;) {
		ssize_t w = write(fd, line + off, (size_t)(n - off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;	/* the client is gone */
		off += (int)w;
	}
	return 0;
}

static void serve(int fd)
{
	char buf[4096];
	size_t got = 0;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			fprintf(stderr, "net_service: read: %s\n", strerror(errno));
			break;	/* a reset: the reply still goes out, or tries */
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (send_reply(fd, got) < 0)
		fprintf(stderr, "net_service: reply: %s\n", strerror(errno));
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_term };
	socklen_t alen = sizeof(a);
	sigset_t term, none;
	int one = 1, lfd;

	if (argc != 3 || strcmp(argv[1], "--port") != 0) {
		fprintf(stderr, "usage: net_service --port N\n");
		return 2;
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (getenv("NET_SERVICE_SAFE"))
		signal(SIGPIPE, SIG_IGN);
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
		perror("net_service");
		return 1;
	}
	printf("listening on 127.0.0.1:%u\n", ntohs(a.sin_port));
	fflush(stdout);
	while (!stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int cfd;

		if (ppoll(&p, 1, NULL, &none) < 0) {
			if (errno == EINTR)
				continue;
			perror("net_service: poll");
			return 1;
		}
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;	/* EMFILE and the like: the client stays queued */
		serve(cfd);
	}
	return 0;
}
