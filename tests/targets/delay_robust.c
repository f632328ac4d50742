/* delay_robust - test target: waits that handle EINTR and timeouts, and
 * checks of what the kernel guarantees. fzsandbox --inject=delay must find
 * nothing here although it interrupts and delays its waits:
 * - poll, ppoll, select, pselect6, epoll_wait, epoll_pwait, nanosleep and
 *   clock_nanosleep retry on EINTR (they get it even with SA_RESTART) and
 *   wait again on a timeout; the data queued meanwhile is still there;
 * - with only SA_RESTART handlers, wait4 and accept never fail with EINTR
 *   (they restart), so this program aborts if they do;
 * - a read of a regular file never fails with EINTR, a zero-timeout
 *   epoll_wait never fails, a blocking connect to a listening loopback
 *   port never gives EINPROGRESS or EINTR;
 * - then, with a handler without SA_RESTART, wait4 and accept retry.
 */
#define _GNU_SOURCE	/* ppoll */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	(void)sig;
	got++;
}

static void need(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "delay_robust: %s: %s\n", what, strerror(errno));
		abort();
	}
}

static void handler(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sa.sa_flags = flags;
	need(sigaction(sig, &sa, NULL) == 0, "sigaction");
}

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }, rem;

	while (nanosleep(&ts, &rem) < 0) {
		need(errno == EINTR, "nanosleep");
		ts = rem;
	}
}

/* A child that writes one byte to fd after ms. */
static pid_t late_writer(int fd, long ms)
{
	pid_t pid = fork();

	need(pid >= 0, "fork");
	if (pid == 0) {
		nap(ms);
		_exit(write(fd, "x", 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		need(errno == EINTR, "waitpid");
}

static void read_one(int fd)
{
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	need(n == 1, "read one byte");
}

/* Each wait: until fd is readable, whatever EINTR and timeouts come. */
static void wait_poll(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int n;

	while ((n = poll(&p, 1, 200)) <= 0)
		need(n == 0 || errno == EINTR, "poll");
	need(p.revents & POLLIN, "poll revents");
}

static void wait_ppoll(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	struct timespec ts = { 0, 200 * 1000000L };
	int n;

	while ((n = ppoll(&p, 1, &ts, NULL)) <= 0) {
		need(n == 0 || errno == EINTR, "ppoll");
		ts.tv_sec = 0;
		ts.tv_nsec = 200 * 1000000L;
	}
}

static void wait_select(int fd, int pselect_too)
{
	for (;;) {
		struct timeval tv = { 0, 200000 };
		struct timespec ts = { 0, 200 * 1000000L };
		fd_set rd;
		int n;

		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		n = pselect_too ? pselect(fd + 1, &rd, NULL, NULL, &ts, NULL)
				: select(fd + 1, &rd, NULL, NULL, &tv);
		need(n >= 0 || errno == EINTR, "select");
		/* A timeout clears the set: nothing is ready. */
		need(n != 0 || !FD_ISSET(fd, &rd), "select's set after a timeout");
		if (n > 0) {
			need(FD_ISSET(fd, &rd), "select's set");
			return;
		}
	}
}

static void wait_epoll(int fd, int pwait)
{
	sigset_t none;

	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd }, out;
	int ep = epoll_create1(EPOLL_CLOEXEC), n;

	sigemptyset(&none);
	need(ep >= 0, "epoll_create1");
	need(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	/* A zero timeout never fails with EINTR. */
	need(epoll_wait(ep, &out, 1, 0) >= 0, "epoll_wait with a zero timeout");
	/* epoll_pwait waits with every signal unblocked. */
	while ((n = pwait ? epoll_pwait(ep, &out, 1, 200, &none) : epoll_wait(ep, &out, 1, 200)) <= 0)
		need(n == 0 || errno == EINTR, "epoll_wait");
	need(out.data.fd == fd, "epoll event");
	close(ep);
}

/* One pipe per wait: a child writes late, the wait waits for it. */
static void each_wait(void)
{
	for (int k = 0; k < 6; k++) {
		int fds[2];
		pid_t pid;

		need(pipe(fds) == 0, "pipe");
		pid = late_writer(fds[1], 30);
		close(fds[1]);
		switch (k) {
		case 0: wait_poll(fds[0]); break;
		case 1: wait_ppoll(fds[0]); break;
		case 2: wait_select(fds[0], 0); break;
		case 3: wait_select(fds[0], 1); break;
		case 4: wait_epoll(fds[0], 0); break;
		default: wait_epoll(fds[0], 1); break;
		}
		read_one(fds[0]);
		close(fds[0]);
		reap(pid);
	}
}

static int listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	need(s >= 0, "socket");
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	need(bind(s, (struct sockaddr *)a, sizeof(*a)) == 0, "bind");
	need(listen(s, 4) == 0, "listen");
	need(getsockname(s, (struct sockaddr *)a, &len) == 0, "getsockname");
	return s;
}

/* A child connects after 30 ms; restart: accept must not see EINTR. */
static void accept_one(int restart)
{
	struct sockaddr_in a;
	int l = listener(&a), c, st;
	pid_t pid = fork();

	need(pid >= 0, "fork");
	if (pid == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0), r;

		nap(30);
		while ((r = connect(s, (struct sockaddr *)&a, sizeof(a))) < 0 && errno == EINTR)
			;
		/* Blocking: never EINPROGRESS. */
		_exit(r == 0 ? 0 : 1);
	}
	while ((c = accept(l, NULL, NULL)) < 0) {
		need(!restart && errno == EINTR, "accept (EINTR despite SA_RESTART?)");
	}
	close(c);
	close(l);
	/* The child's connect succeeded (blocking: never EINPROGRESS). */
	while (waitpid(pid, &st, 0) < 0)
		need(errno == EINTR, "waitpid");
	need(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's connect");
}

/* A child that exits after 30 ms; restart: waitpid must not see EINTR. */
static void wait_child(int restart)
{
	pid_t pid = fork(), r;
	int st;

	need(pid >= 0, "fork");
	if (pid == 0) {
		nap(30);
		_exit(7);
	}
	while ((r = waitpid(pid, &st, 0)) < 0)
		need(!restart && errno == EINTR, "waitpid (EINTR despite SA_RESTART?)");
	need(WIFEXITED(st) && WEXITSTATUS(st) == 7, "child status");
}

/* A regular file's read never fails with EINTR. */
static void read_file(void)
{
	char buf[64];
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	need(fd >= 0, "open");
	need(read(fd, buf, sizeof(buf)) > 0, "read of a regular file");
	close(fd);
}

static void sleeps(void)
{
	struct timespec ts = { 0, 20 * 1000000L }, rem;

	nap(20);
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &rem) != 0)
		ts = rem;	/* clock_nanosleep returns the error */
}

int main(void)
{
	handler(SIGUSR1, SA_RESTART);
	read_file();
	sleeps();
	each_wait();
	accept_one(1);
	wait_child(1);
	/* Now a handler that does not restart. */
	handler(SIGUSR2, 0);
	accept_one(0);
	wait_child(0);
	each_wait();
	/* The count of signals varies from run to run: not printed. */
	printf("delay_robust: ok\n");
	return 0;
}
