/* net_unchecked - test target: a TCP server and a client on the loopback,
 * each with one buggy error path; every other failure is handled (a
 * message and exit 1).
 *
 *   net_unchecked server: serve_one trusts accept: when it fails (EMFILE,
 *     ENFILE, ENOMEM) fdopen(-1) returns NULL and fgets dereferences it.
 *   net_unchecked client: conn_open connects without blocking, waits
 *     with poll and reads SO_ERROR; a refusal there returns NULL, which
 *     greet dereferences. A connect that fails at once is handled: only
 *     a refusal the kernel reports later (as it does for a real one) finds
 *     the bug, a bare ECONNREFUSED returned by connect would not.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
	int fd;
	long sent;
};

static void give_up(const char *what)
{
	fprintf(stderr, "net_unchecked: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_local(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) < 0 || listen(s, 8) < 0 ||
	    getsockname(s, (struct sockaddr *)a, &len) < 0)
		give_up("listen");
	return s;
}

/* The bug (server): it trusts that a connection was accepted. */
static __attribute__((noinline, noclone)) void serve_one(int ls)
{
	char line[64];
	int c = accept(ls, NULL, NULL);
	FILE *f = fdopen(c, "r+");

	if (fgets(line, sizeof(line), f))
		printf("got %s", line);
	fclose(f);
}

static __attribute__((noinline, noclone)) struct conn *conn_open(const struct sockaddr_in *a)
{
	struct pollfd p = { .events = POLLOUT };
	socklen_t len = sizeof(int);
	struct conn *c;
	int err = 0;

	p.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p.fd < 0)
		give_up("socket");
	if (connect(p.fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		if (errno != EINPROGRESS)
			give_up("connect");
		if (poll(&p, 1, 5000) != 1)
			give_up("poll");
		if (getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			give_up("SO_ERROR");
	}
	if (err) {
		close(p.fd);
		return NULL;
	}
	if (!(c = malloc(sizeof(*c))))
		give_up("malloc");
	c->fd = p.fd;
	return c;
}

/* The bug (client): it trusts conn_open. */
static __attribute__((noinline, noclone)) void greet(struct conn *c)
{
	c->sent = write(c->fd, "hello\n", 6);
}

/* The bug (resolver): it trusts getaddrinfo. */
static __attribute__((noinline, noclone)) void print_peer(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;

	getaddrinfo(host, "7", &hints, &res);
	printf("%s: family %d\n", host, res->ai_family);
	freeaddrinfo(res);
}

static int dial(const struct sockaddr_in *a)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || connect(s, (const struct sockaddr *)a, sizeof(*a)) < 0)
		give_up("connect");
	if (write(s, "hello\n", 6) != 6)
		give_up("write");
	return s;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	int ls;

	if (argc > 1 && strcmp(argv[1], "resolve") == 0) {
		print_peer("localhost");
		return 0;
	}
	ls = listen_local(&a);
	if (argc > 1 && strcmp(argv[1], "client") == 0) {
		struct conn *c = conn_open(&a);
		int s;

		greet(c);
		if ((s = accept(ls, NULL, NULL)) < 0)
			give_up("accept");
		puts("greeted");
		return 0;
	}
	/* The client's bytes are queued on the loopback before accept. */
	dial(&a);
	serve_one(ls);
	return 0;
}
