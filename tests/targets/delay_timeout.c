/* delay_timeout - test target: a client that asks a server (its child,
 * over a socketpair) for a reply and waits 300 ms for it with poll. The
 * server answers after 20 ms, so without a slow peer the reply always
 * comes in time. The bug is on the timeout path: it reports the request
 * that timed out through the reply it never got, a NULL pointer
 * (report_timeout). fzsandbox --inject=delay makes the poll see nothing
 * arrive in time.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct reply {
	char text[64];
	size_t len;
};

static void serve(int fd)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char req[64];
	ssize_t n = read(fd, req, sizeof(req));

	nanosleep(&pause, NULL);
	if (n > 0 && write(fd, "pong", 4) != 4)
		_exit(1);
	_exit(0);
}

/* The bug: on a timeout there is no reply, yet it is dereferenced. */
static __attribute__((noinline, noclone)) void report_timeout(const char *what, const struct reply *r)
{
	fprintf(stderr, "%s timed out after %zu bytes of '%s'\n", what, r->len, r->text);
}

static struct reply *ask(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	struct reply *r = NULL;
	int n;

	if (write(fd, "ping", 4) != 4)
		return NULL;
	n = poll(&p, 1, 300);
	if (n == 0) {
		report_timeout("ping", r);
		return NULL;
	}
	if (n < 0)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	n = (int)read(fd, r->text, sizeof(r->text) - 1);
	r->len = n > 0 ? (size_t)n : 0;
	return r;
}

int main(void)
{
	struct reply *r;
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(sv[0]);
		serve(sv[1]);
	}
	close(sv[1]);
	r = ask(sv[0]);
	printf("reply: %s\n", r ? r->text : "(none)");
	free(r);
	waitpid(pid, &status, 0);
	return 0;
}
