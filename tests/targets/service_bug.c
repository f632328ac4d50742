/* service_bug - test target: a tiny sequential TCP key-value service.
 *
 * service_bug --port N binds 127.0.0.1:N (0 = kernel's choice), prints the
 * port (service_bug --unix PATH: a unix socket at PATH instead), and
 * serves one connection at a time: read the request to EOF (the
 * client shuts down its write side), run each line (SET k v / GET k /
 * DEL k), write the replies, close. handle_set() stores the value in an
 * unchecked malloc result: the bug fault injection must find.
 *
 * SIGTERM ends it with status 0. SIGTERM stays blocked except inside
 * ppoll() on the listening socket, so it can neither be lost between a
 * flag check and a blocking accept() nor interrupt a request half-way; the
 * handler is installed without SA_RESTART all the same.
 */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
#pragma GCC optimize("O0")
#define _GNU_SOURCE	/* ppoll */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NKEYS 32

static volatile sig_atomic_t stop;
static char *keys[NKEYS], *vals[NKEYS];

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int find(const char *k)
{
	for (int i = 0; i < NKEYS; i++)
		if (keys[i] && strcmp(keys[i], k) == 0)
			return i;
	return -1;
}

/* The bug: the value's copy is not checked. */
static const char *handle_set(const char *k, const char *v)
{
	int i = find(k);
	size_t n = strlen(v);
	char *copy = malloc(n + 1);

	memcpy(copy, v, n + 1);
	if (i < 0) {
		for (i = 0; i < NKEYS && keys[i]; i++)
			;
		if (i == NKEYS) {
			free(copy);
			return "ERR full\n";
		}
		keys[i] = strdup(k);
		if (!keys[i]) {
			free(copy);
			return "ERR memory\n";
		}
	}
	free(vals[i]);
	vals[i] = copy;
	return "OK\n";
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void reply(int fd, const char *s, const char *extra)
{
	/* A failed write means the client is gone: nothing more to do. */
	if (write_all(fd, s, strlen(s)) != 0 || !extra)
		return;
	if (write_all(fd, extra, strlen(extra)) == 0)
		write_all(fd, "\n", 1);
}

static void run_line(int fd, char *line)
{
	char *cmd = strtok(line, " "), *k = strtok(NULL, " "), *v = strtok(NULL, "");
	int i;

	if (!cmd || !k) {
		reply(fd, "ERR syntax\n", NULL);
	} else if (strcmp(cmd, "SET") == 0 && v) {
		reply(fd, handle_set(k, v), NULL);
	} else if (strcmp(cmd, "GET") == 0) {
		i = find(k);
		reply(fd, i < 0 ? "NOTFOUND\n" : "VALUE ", i < 0 ? NULL : vals[i]);
	} else if (strcmp(cmd, "DEL") == 0) {
		i = find(k);
		if (i >= 0) {
			free(keys[i]);
			free(vals[i]);
			keys[i] = vals[i] = NULL;
		}
		reply(fd, i < 0 ? "NOTFOUND\n" : "OK\n", NULL);
	} else {
		reply(fd, "ERR unknown command\n", NULL);
	}
}

static void serve(int fd)
{
	size_t cap = 512, len = 0;
	char *buf = malloc(cap), *line, *save;

	if (!buf) {
		reply(fd, "ERR memory\n", NULL);
		return;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				reply(fd, "ERR memory\n", NULL);
				free(buf);
				return;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return;	/* connection error: drop it */
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		run_line(fd, line);
	free(buf);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t alen = sizeof a;
	struct sigaction sa = { .sa_handler = on_term };	/* no SA_RESTART */
	sigset_t term, none;
	int one = 1, lfd;

	if (argc != 3 || (strcmp(argv[1], "--port") != 0 && strcmp(argv[1], "--unix") != 0)) {
		fprintf(stderr, "usage: service_bug --port N | --unix PATH\n");
		return 2;
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &term, NULL);
	/* Tests of the stop sequence: a service that ignores SIGTERM. */
	if (getenv("FZ_TEST_IGNORE_TERM"))
		sa.sa_handler = SIG_IGN;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a client gone early must not kill us */

	if (strcmp(argv[1], "--unix") == 0) {
		if (strlen(argv[2]) >= sizeof(un.sun_path)) {
			fprintf(stderr, "service_bug: path too long\n");
			return 2;
		}
		strcpy(un.sun_path, argv[2]);
		unlink(un.sun_path);
		lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&un, sizeof un) != 0 || listen(lfd, 16) != 0) {
			perror("service_bug");
			return 1;
		}
		printf("listening on %s\n", un.sun_path);
	} else {
		a.sin_port = htons((unsigned short)atoi(argv[2]));
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
		    bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 16) != 0 ||
		    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
			perror("service_bug");
			return 1;
		}
		printf("listening on 127.0.0.1:%u\n", ntohs(a.sin_port));
	}
	fflush(stdout);

	while (!stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int cfd;

		if (ppoll(&p, 1, NULL, &none) < 0) {
			if (errno == EINTR)
				continue;
			perror("service_bug: poll");
			return 1;
		}
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;	/* the client may already be gone */
		serve(cfd);
		close(cfd);
	}
	close(lfd);
	for (int i = 0; i < NKEYS; i++) {
		free(keys[i]);
		free(vals[i]);
	}
	return 0;
}
