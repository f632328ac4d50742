/* kvd - example key-value service for the fzsandbox demo.
 *
 *   kvd --port N        (N = 0: the kernel picks a port; kvd prints it)
 *
 * Protocol: a client connects, sends one or more lines and shuts down its
 * write side; kvd answers every line and closes the connection.
 *
 *   SET key value   -> OK
 *   GET key         -> VALUE value | NOTFOUND
 *   DEL key         -> OK | NOTFOUND
 *   STATS           -> KEYS n SETS n GETS n DELS n
 *
 * Single-threaded and sequential on purpose: simple to fuzz and replay.
 * SIGTERM ends it cleanly (status 0). It stays blocked except inside
 * ppoll() on the listening socket, so it is never lost in the gap between
 * checking the flag and blocking, and never cuts a request in half.
 *
 * The planted bug, for fzsandbox to find: cmd_set() copies the value into a
 * buffer it never checks for NULL. Everything else handles its errors.
 */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
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

#define NBUCKETS 61
#define MAX_REQUEST (64 * 1024)

struct item {
	char *key;
	char *value;
	struct item *next;
};

struct store {
	struct item *bucket[NBUCKETS];
	unsigned long keys, sets, gets, dels;
};

/* A growing reply buffer; on allocation failure it remembers that and the
 * client gets a one-line error instead. */
struct out {
	char *buf;
	size_t len, cap;
	int oom;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % NBUCKETS;
}

static struct item **lookup(struct store *st, const char *key)
{
	struct item **pp = &st->bucket[hash(key)];

	while (*pp && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void out_add(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 128;
		char *nb;

		while (o->len + n + 1 > cap)
			cap *= 2;
		nb = realloc(o->buf, cap);
		if (!nb) {
			o->oom = 1;
			return;
		}
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n + 1);
	o->len += n;
}

/* The bug: the value buffer's allocation is not checked. */
static void cmd_set(struct store *st, const char *key, const char *value, struct out *o)
{
	struct item **pp = lookup(st, key), *it = *pp;
	size_t n = strlen(value);
	char *copy = malloc(n + 1);

	memcpy(copy, value, n + 1);
	if (!it) {
		it = calloc(1, sizeof *it);
		if (!it || !(it->key = strdup(key))) {
			free(it);
			free(copy);
			out_add(o, "ERR out of memory\n");
			return;
		}
		*pp = it;
		st->keys++;
	}
	free(it->value);
	it->value = copy;
	st->sets++;
	out_add(o, "OK\n");
}

static void cmd_get(struct store *st, const char *key, struct out *o)
{
	struct item *it = *lookup(st, key);

	st->gets++;
	if (!it) {
		out_add(o, "NOTFOUND\n");
		return;
	}
	out_add(o, "VALUE ");
	out_add(o, it->value);
	out_add(o, "\n");
}

static void cmd_del(struct store *st, const char *key, struct out *o)
{
	struct item **pp = lookup(st, key), *it = *pp;

	st->dels++;
	if (!it) {
		out_add(o, "NOTFOUND\n");
		return;
	}
	*pp = it->next;
	free(it->key);
	free(it->value);
	free(it);
	st->keys--;
	out_add(o, "OK\n");
}

static void cmd_stats(struct store *st, struct out *o)
{
	char line[160];

	snprintf(line, sizeof line, "KEYS %lu SETS %lu GETS %lu DELS %lu\n",
		 st->keys, st->sets, st->gets, st->dels);
	out_add(o, line);
}

static void run_line(struct store *st, char *line, struct out *o)
{
	char *save, *cmd = strtok_r(line, " \r", &save);
	char *key = strtok_r(NULL, " \r", &save);
	char *value = strtok_r(NULL, "\r", &save);

	if (!cmd)
		return;	/* blank line */
	if (strcmp(cmd, "SET") == 0 && key && value)
		cmd_set(st, key, value, o);
	else if (strcmp(cmd, "GET") == 0 && key)
		cmd_get(st, key, o);
	else if (strcmp(cmd, "DEL") == 0 && key)
		cmd_del(st, key, o);
	else if (strcmp(cmd, "STATS") == 0)
		cmd_stats(st, o);
	else
		out_add(o, "ERR bad request\n");
}

/* Whole request, to EOF. NULL when the connection failed or is too big. */
static char *read_request(int fd)
{
	size_t cap = 256, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nb = cap * 2 > MAX_REQUEST ? NULL : realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			buf[len] = '\0';
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* the client is gone; nothing left to tell it */
		p += n;
		len -= (size_t)n;
	}
}

static void serve(struct store *st, int fd)
{
	struct out o = { 0 };
	char *req = read_request(fd), *save, *line;
	static const char oom[] = "ERR out of memory\n";

	if (!req) {
		write_all(fd, oom, sizeof oom - 1);
		return;
	}
	for (line = strtok_r(req, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		run_line(st, line, &o);
	if (o.oom)
		write_all(fd, oom, sizeof oom - 1);
	else if (o.len)
		write_all(fd, o.buf, o.len);
	free(o.buf);
	free(req);
}

static void free_store(struct store *st)
{
	for (int b = 0; b < NBUCKETS; b++)
		while (st->bucket[b]) {
			struct item *next = st->bucket[b]->next;

			free(st->bucket[b]->key);
			free(st->bucket[b]->value);
			free(st->bucket[b]);
			st->bucket[b] = next;
		}
}

int main(int argc, char **argv)
{
	static struct store st;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	struct sigaction sa = { .sa_handler = on_term };	/* no SA_RESTART */
	sigset_t term, none;
	char *end;
	long port;
	int one = 1, lfd;

	if (argc != 3 || strcmp(argv[1], "--port") != 0 ||
	    (port = strtol(argv[2], &end, 10)) < 0 || port > 65535 || *end || end == argv[2]) {
		fprintf(stderr, "usage: kvd --port N\n");
		return 2;
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a vanished client is an error return, not death */

	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
		perror("kvd");
		return 1;
	}
	printf("kvd: listening on 127.0.0.1:%u\n", ntohs(a.sin_port));
	fflush(stdout);

	while (!stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int cfd;

		if (ppoll(&p, 1, NULL, &none) < 0) {
			if (errno == EINTR)
				continue;
			perror("kvd: poll");
			return 1;
		}
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;	/* the client gave up already */
		serve(&st, cfd);
		close(cfd);
	}
	close(lfd);
	free_store(&st);
	printf("kvd: stopped\n");
	return 0;
}
