/* delay_eintr - test target: a program with a SIGUSR1 handler (installed
 * with SA_RESTART, which poll and nanosleep ignore: signal(7)) whose
 * EINTR paths are wrong. A pause with nanosleep treats any failure as
 * the end of its config (a NULL dereference in pause_failed), and a poll
 * for its child's message treats -1 as a closed channel and reads the
 * message it never got (channel_closed). fzsandbox --inject=delay
 * delivers a real SIGUSR1 while each waits. A recv with a receive timeout
 * (SO_RCVTIMEO) takes any error but EAGAIN for a dead peer
 * (peer_gone); with a timeout set, a handled signal fails recv with EINTR
 * even with SA_RESTART: fzsandbox --inject=io finds it.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct config {
	const char *name;
	int retries;
};

static volatile sig_atomic_t reloads;

static void on_usr1(int sig)
{
	(void)sig;
	reloads++;
}

static __attribute__((noinline, noclone)) void pause_failed(const struct config *c)
{
	fprintf(stderr, "pause failed for %s\n", c->name);
}

static __attribute__((noinline, noclone)) void channel_closed(const char *msg)
{
	fprintf(stderr, "channel closed after '%c'\n", msg[0]);
}

static __attribute__((noinline, noclone)) void peer_gone(const char *last)
{
	fprintf(stderr, "peer gone after '%c'\n", last[0]);
}

/* A child answers after 30 ms; the wait is bounded by SO_RCVTIMEO. */
static void timed_recv(void)
{
	struct timeval tv = { 1, 0 };
	char buf[8], *last = NULL;
	int sv[2], status;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 30 * 1000 * 1000 };

		close(sv[0]);
		nanosleep(&ts, NULL);
		if (write(sv[1], "r", 1) != 1)
			_exit(1);
		/* Exit only once the parent is done: under ptrace its
		 * SIGCHLD (ignored by default) would interrupt the recv
		 * (docs/kernel-facts.md#traced-ignored-signals). */
		while (read(sv[1], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	if (pid < 0 || setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return;
	n = recv(sv[0], buf, sizeof(buf), 0);
	/* The bug: EINTR is not a dead peer. */
	if (n < 0 && errno != EAGAIN)
		peer_gone(last);
	close(sv[0]);
	close(sv[1]);
	waitpid(pid, &status, 0);
}

int main(void)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	struct sigaction sa;
	struct config *conf = NULL;
	struct pollfd p;
	char *msg = NULL;
	int fds[2], status;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL) < 0 || pipe(fds) < 0)
		return 1;
	/* The bug: -1 with EINTR is taken for a fatal error. */
	if (nanosleep(&ts, NULL) != 0)
		pause_failed(conf);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		nanosleep(&ts, NULL);
		if (write(fds[1], "m", 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	p.fd = fds[0];
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, 500) < 0)
		channel_closed(msg);
	else if (poll(&p, 1, 0) >= 0) {
		char c;

		if (read(fds[0], &c, 1) == 1)
			printf("message %c, %d reloads\n", c, (int)reloads);
	}
	waitpid(pid, &status, 0);
	timed_recv();
	return 0;
}
