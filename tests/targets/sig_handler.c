/* sig_handler - test target: a SIGALRM handler installed without
 * SA_RESTART, and reads from a pipe that retry on EINTR.
 *
 * A child writes a message into a pipe after 100 ms; the parent is
 * blocked reading it meanwhile (the only state a signal can interrupt),
 * retrying when read() fails with EINTR and on short reads. It handles
 * every fault correctly, so fault injection must find nothing. At exit it
 * prints how many times the handler ran ("handler_calls=N"): when the
 * tracer injects EINTR it must also deliver the interrupting signal, so
 * N >= 1 then.
 */
#pragma GCC optimize("O0")
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handler_calls;

static void on_alarm(int sig)
{
	(void)sig;
	handler_calls++;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t read_exact(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int main(void)
{
	static const char msg[] = "hello through the pipe";
	char buf[sizeof(msg)];
	struct sigaction sa;
	int fds[2], ok, status;
	pid_t child;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: reads can fail with EINTR */
	if (sigaction(SIGALRM, &sa, NULL) < 0) {
		perror("sig_handler: sigaction");
		return 1;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		perror("sig_handler: pipe2");
		return 1;
	}
	/* The message comes later, from a child: the reader blocks on an
	 * empty pipe, the only state in which a signal can interrupt it. */
	child = fork();
	if (child < 0) {
		perror("sig_handler: fork");
		return 1;
	}
	if (child == 0) {
		close(fds[0]);
		usleep(100000);
		_exit(write_all(fds[1], msg, sizeof(msg)) < 0);
	}
	close(fds[1]);
	if (read_exact(fds[0], buf, sizeof(msg)) != (ssize_t)sizeof(msg)) {
		perror("sig_handler: read");
		return 1;
	}
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "sig_handler: writer failed\n");
		return 1;
	}
	ok = memcmp(buf, msg, sizeof(msg)) == 0;
	printf("handler_calls=%d match=%d\n", (int)handler_calls, ok);
	return ok ? 0 : 1;
}
