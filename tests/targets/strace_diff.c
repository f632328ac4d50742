/* strace_diff - test target for tests/integration/strace_diff.sh: each
 * mode makes one call where a bare errno (strace -e inject) and
 * fzsandbox's fault differ, and prints what the program can see after it,
 * one line per fact, so the test compares the two runs' stdout.
 *   enospc FILE   write 8 bytes to a new file, then the rest: a full disk
 *                 takes what fits first (a short write), then ENOSPC
 *   eintr FILE    read a regular file with a handler without SA_RESTART:
 *                 the kernel never interrupts that read (signal(7))
 *   close FILE    close a file open for writing, then ask whether the fd
 *                 is still open: close(2) releases it even when it fails
 *   connect       a non-blocking connect to a loopback listener, then
 *                 poll and SO_ERROR: a refusal shows in SO_ERROR
 *   dup2          dup2(1, 100): never EMFILE (dup2(2))
 * Every call is checked; exit 0 unless a kernel guarantee was broken.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_sig(int sig)
{
	(void)sig;
}

static void handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;	/* no SA_RESTART */
	if (sigaction(SIGUSR1, &sa, NULL) < 0) {
		perror("sigaction");
		exit(1);
	}
}

static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int enospc(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	long r;

	if (fd < 0) {
		perror(path);
		return 1;
	}
	r = write(fd, "12345678", 8);
	result("write 8", r);
	if (r > 0 && r < 8)
		result("write rest", write(fd, "12345678" + r, (size_t)(8 - r)));
	close(fd);
	return 0;
}

static int eintr(const char *path)
{
	char buf[4095];	/* an odd count the test finds in strace's log */
	int fd = open(path, O_RDONLY);
	long r;

	if (fd < 0) {
		perror(path);
		return 1;
	}
	handler();
	r = read(fd, buf, sizeof buf);
	result("read", r);
	close(fd);
	return r < 0 && errno == EINTR ? 3 : 0;	/* impossible on a file */
}

static int closes(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	if (fd < 0) {
		perror(path);
		return 1;
	}
	handler();
	if (write(fd, "x\n", 2) != 2) {
		perror("write");
		return 1;
	}
	result("close", close(fd));
	printf("fd after close: %s\n", fcntl(fd, F_GETFD) < 0 ? "closed" : "open");
	return 0;
}

static int connects(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0), s, err = 0;
	struct pollfd p;

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0) {
		perror("listener");
		return 1;
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s < 0) {
		perror("socket");
		return 1;
	}
	result("connect", connect(s, (struct sockaddr *)&a, sizeof a));
	p = (struct pollfd){ .fd = s, .events = POLLOUT };
	result("poll", poll(&p, 1, 2000));
	len = sizeof err;
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
		perror("getsockopt");
		return 1;
	}
	printf("SO_ERROR: %s\n", err ? strerrorname_np(err) : "0");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "enospc") == 0)
		return enospc(argv[2]);
	if (argc == 3 && strcmp(argv[1], "eintr") == 0)
		return eintr(argv[2]);
	if (argc == 3 && strcmp(argv[1], "close") == 0)
		return closes(argv[2]);
	if (argc == 2 && strcmp(argv[1], "connect") == 0)
		return connects();
	if (argc == 2 && strcmp(argv[1], "dup2") == 0) {
		long r = dup2(1, 100);

		result("dup2", r);
		return r < 0 && errno == EMFILE ? 3 : 0;	/* impossible */
	}
	fprintf(stderr, "usage: strace_diff enospc|eintr|close FILE | connect | dup2\n");
	return 2;
}
