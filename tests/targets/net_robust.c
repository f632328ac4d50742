/* net_robust - test target: a server and its clients on the loopback that
 * handle every failure the net class injects, so no fault of the class is
 * a finding (a failure it cannot get past is a message and exit 1).
 *
 * It also checks what a faithful fault keeps true, and aborts otherwise:
 * a failed accept leaves the connection queued (the retry gets the same
 * client's bytes); a blocking connect never gets EINPROGRESS; a
 * non-blocking one reports a refusal through poll and SO_ERROR; a connect
 * retried with the same address after a refusal reaches the server (the
 * address was put back). Sites: socketpair, socket (AF_INET, AF_INET6),
 * connect (blocking and not, IPv4 and IPv6), accept, accept4, and
 * getaddrinfo of a name the hosts file has and of one it has not (which
 * fails for real in the jail, where no name server is reachable; not
 * with NET_ROBUST_NO_DNS set, where one might be, and be slow; neither
 * with NET_ROBUST_NO_GAI: glibc's getaddrinfo itself crashes or hangs
 * when malloc fails inside it, which --inject=all finds).
 */
#pragma GCC optimize("O0")
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TRIES 4

static void give_up(const char *what)
{
	fprintf(stderr, "net_robust: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void broken(const char *what)
{
	fprintf(stderr, "net_robust: impossible: %s (%s)\n", what, strerror(errno));
	abort();
}

static void pair(void)
{
	int sv[2];
	char c = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, "net_robust: socketpair: %s\n", strerror(errno));
		return;
	}
	if (write(sv[0], "x", 1) != 1 || read(sv[1], &c, 1) != 1 || c != 'x')
		broken("socketpair lost a byte");
	close(sv[0]);
	close(sv[1]);
}

static void resolve(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int r = getaddrinfo(host, "7", &hints, &res);

	if (r != 0) {
		fprintf(stderr, "net_robust: %s: %s\n", host, gai_strerror(r));
		if (res)
			broken("getaddrinfo failed and set res");
		return;
	}
	printf("%s: family %d\n", host, res->ai_family);
	freeaddrinfo(res);
}

static int listen_on(int family, struct sockaddr_storage *a, socklen_t *alen)
{
	int s;

	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)a;

		v4->sin_family = AF_INET;
		v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*alen = sizeof(*v4);
	} else {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)a;

		v6->sin6_family = AF_INET6;
		v6->sin6_addr = in6addr_loopback;
		*alen = sizeof(*v6);
	}
	for (int i = 0; i < TRIES; i++) {
		if ((s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0)
			break;
		fprintf(stderr, "net_robust: socket: %s, again\n", strerror(errno));
	}
	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)a, *alen) < 0 || listen(s, 8) < 0 ||
	    getsockname(s, (struct sockaddr *)a, alen) < 0) {
		close(s);
		return -1;	/* no IPv6 here */
	}
	return s;
}

/* A blocking connect, retried on refusal with the same address. */
static int dial_blocking(int family, const struct sockaddr_storage *a, socklen_t alen)
{
	for (int i = 0; i < TRIES; i++) {
		int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (s < 0) {
			fprintf(stderr, "net_robust: socket: %s, again\n", strerror(errno));
			continue;
		}
		if (connect(s, (const struct sockaddr *)a, alen) == 0)
			return s;
		if (errno == EINPROGRESS)
			broken("a blocking connect in progress");
		if (errno != ECONNREFUSED)
			broken("connect");
		fprintf(stderr, "net_robust: connect refused, again\n");
		close(s);
	}
	return -1;
}

/* A non-blocking connect: the refusal comes through poll and SO_ERROR. */
static int dial_nonblocking(const struct sockaddr_storage *a, socklen_t alen)
{
	for (int i = 0; i < TRIES; i++) {
		struct pollfd p = { .events = POLLOUT };
		socklen_t len = sizeof(int);
		int err = 0;

		p.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (p.fd < 0) {
			fprintf(stderr, "net_robust: socket: %s, again\n", strerror(errno));
			continue;
		}
		if (connect(p.fd, (const struct sockaddr *)a, alen) < 0) {
			if (errno != EINPROGRESS && errno != ECONNREFUSED)
				broken("non-blocking connect");
			err = errno == ECONNREFUSED ? errno : 0;
			if (!err && poll(&p, 1, 5000) != 1)
				broken("poll: the connect never finished");
			if (!err && getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				broken("SO_ERROR");
			if (err && err != ECONNREFUSED) {
				errno = err;
				broken("SO_ERROR");
			}
			if (err && !(p.revents & (POLLERR | POLLHUP)))
				broken("refused without POLLERR");
		}
		if (!err)
			return p.fd;
		fprintf(stderr, "net_robust: connect refused later, again\n");
		close(p.fd);
	}
	return -1;
}

/* accept, retried when the kernel had no descriptor or memory for it:
 * the connection must still be queued. */
static int take(int ls, bool four)
{
	for (int i = 0; i < TRIES; i++) {
		struct pollfd p = { ls, POLLIN, 0 };
		int c;

		if (poll(&p, 1, 5000) != 1)
			broken("the queued connection is gone");
		c = four ? accept4(ls, NULL, NULL, SOCK_CLOEXEC) : accept(ls, NULL, NULL);
		if (c >= 0)
			return c;
		if (errno != EMFILE && errno != ENFILE && errno != ENOMEM && errno != ENOBUFS)
			broken("accept");
		fprintf(stderr, "net_robust: accept: %s, again\n", strerror(errno));
	}
	return -1;
}

static void exchange(int ls, int s, bool four, const char *msg)
{
	char buf[32] = "";
	size_t n = strlen(msg);
	int c;

	if (write(s, msg, n) != (ssize_t)n)
		give_up("write");	/* a short or failed write: io's faults */
	if ((c = take(ls, four)) < 0)
		give_up("accept");
	/* TCP may hand the bytes over in pieces. */
	for (size_t got = 0; got < n;) {
		ssize_t k = read(c, buf + got, sizeof(buf) - 1 - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			give_up("read");
		if (k == 0)
			broken("accepted another connection (EOF)");
		got += (size_t)k;
	}
	if (strcmp(buf, msg) != 0)
		broken("accepted another connection");
	close(c);
	close(s);
}

int main(void)
{
	struct sockaddr_storage a;
	socklen_t alen;
	int ls, s;

	pair();
	if (!getenv("NET_ROBUST_NO_GAI"))
		resolve("localhost");
	if (!getenv("NET_ROBUST_NO_GAI") && !getenv("NET_ROBUST_NO_DNS"))
		resolve("no-such-host.invalid");
	if ((ls = listen_on(AF_INET, &a, &alen)) < 0)
		give_up("listen");
	if ((s = dial_blocking(AF_INET, &a, alen)) < 0)
		give_up("connect");
	exchange(ls, s, false, "blocking");
	if ((s = dial_nonblocking(&a, alen)) < 0)
		give_up("connect");
	exchange(ls, s, true, "non-blocking");
	close(ls);
	if ((ls = listen_on(AF_INET6, &a, &alen)) >= 0) {
		if ((s = dial_blocking(AF_INET6, &a, alen)) < 0)
			give_up("connect6");
		exchange(ls, s, false, "ipv6");
		close(ls);
	}
	puts("net_robust: done");
	return 0;
}
