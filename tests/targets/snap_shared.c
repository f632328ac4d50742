/* snap_shared - a target for what a snapshot child shares with its
 * template beyond offsets (--snapshot-at=syscall:getppid; snapshot/
 * epoll_state.c, child_calls.c, fdstate.c).
 *
 * Before the point it makes an epoll instance with an EPOLLONESHOT entry
 * (an eventfd, ready), a plain entry (a pipe's read end) and a socket's
 * (a socketpair's), sets SO_RCVTIMEO on that socket, arms a timerfd
 * (1000 s, every 7 s) and makes another disarmed, and takes a shared
 * flock() on LOCKFILE. Every run then checks it finds them as the
 * template left them (else it aborts, each difference a line on stderr):
 * the interest list as fdinfo shows it, the ONESHOT entry's event, the
 * socket's options, the timers, the lock (another open of the file can
 * share it, not take it exclusively), the pipe's O_NONBLOCK; and changes
 * each: its wait disarms the ONESHOT entry, EPOLL_CTL_DEL of the pipe,
 * MOD of the socket, ADD of the other socket end, setsockopt (SO_RCVBUF, SO_RCVTIMEO, SO_SNDBUF through a
 * dup), timerfd_settime of both, flock LOCK_UN or LOCK_EX (by the
 * input's first byte), fcntl O_NONBLOCK. A call that fails (a fault
 * injected) ends the run quietly, status 0.
 *
 * "snap_shared LOCKFILE refuse": the run adds the other socket end to
 * the epoll instance under a number of its own (a dup): the template
 * cannot name that entry, so fzsandbox must refuse (exit 2). */
#define _GNU_SOURCE
#pragma GCC optimize("O0")
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int ep, ev, pfd[2], sv[2], tf, tf2, lk;
static char lockpath[4096], tfds[4096];
static int rcvbuf, sndbuf;

/* A failed call (an injected fault): not this test's business. */
static void quit(void)
{
	exit(0);
}

static int nbad;

/* Each difference said (the run aborts after all are checked). */
static void bad(const char *what)
{
	fprintf(stderr, "snap_shared: not as the template left it: %s\n", what);
	nbad++;
}

/* The "tfd:" lines of the epoll instance's fdinfo. */
static void epoll_lines(char *out, size_t len)
{
	char path[64], buf[8192], *line, *save = NULL;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	if ((fd = open(path, O_RDONLY)) < 0)
		quit();
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		quit();
	buf[n] = 0;
	out[0] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "tfd:", 4) == 0 && strlen(out) + strlen(line) + 2 < len)
			strcat(strcat(out, line), "\n");
}

static void add(int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0) {
		perror("epoll_ctl");
		exit(1);
	}
}

static int getint(int fd, int opt)
{
	int v;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0)
		quit();
	return v;
}

static void set_up(void)
{
	struct itimerspec its = { .it_interval = { 7, 0 }, .it_value = { 1000, 0 } };
	struct timeval tv = { 2, 500000 };
	uint64_t one = 1;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0 || (ev = eventfd(0, EFD_CLOEXEC)) < 0 ||
	    pipe2(pfd, O_CLOEXEC) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
	    (tf = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) < 0 ||
	    (tf2 = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) < 0 ||
	    (lk = open(lockpath, O_RDONLY | O_CLOEXEC)) < 0) {
		perror("snap_shared: set-up");
		exit(1);
	}
	if (write(ev, &one, sizeof(one)) != sizeof(one) ||
	    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    timerfd_settime(tf, 0, &its, NULL) < 0 || flock(lk, LOCK_SH) < 0) {
		perror("snap_shared: set-up");
		exit(1);
	}
	add(ev, EPOLLIN | EPOLLONESHOT, 0x1111);
	add(pfd[0], EPOLLIN, 0x2222);
	add(sv[0], EPOLLIN, 0x3333);
	epoll_lines(tfds, sizeof(tfds));
	rcvbuf = getint(sv[0], SO_RCVBUF);
	sndbuf = getint(sv[0], SO_SNDBUF);
}

static void check(void)
{
	struct epoll_event got[8];
	struct itimerspec its;
	struct timeval tv;
	socklen_t l = sizeof(tv);
	char now[sizeof(tfds)];
	int n, other, fl;

	epoll_lines(now, sizeof(now));
	if (strcmp(now, tfds) != 0)
		bad("the epoll interest list");
	/* The run's wait, which disarms the ONESHOT entry. */
	if ((n = epoll_wait(ep, got, 8, 0)) < 0)
		quit();
	if (n != 1 || got[0].data.u64 != 0x1111)
		bad("the EPOLLONESHOT entry's event");
	if (getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &l) < 0)
		quit();
	if (tv.tv_sec != 2 || tv.tv_usec != 500000)
		bad("SO_RCVTIMEO");
	if (getint(sv[0], SO_RCVBUF) != rcvbuf || getint(sv[0], SO_SNDBUF) != sndbuf)
		bad("SO_RCVBUF or SO_SNDBUF");
	if (timerfd_gettime(tf, &its) < 0)
		quit();
	if (its.it_interval.tv_sec != 7 || its.it_interval.tv_nsec != 0 ||
	    its.it_value.tv_sec >= 1000 || (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0))
		bad("the armed timer");
	if (timerfd_gettime(tf2, &its) < 0)
		quit();
	if (its.it_value.tv_sec || its.it_value.tv_nsec || its.it_interval.tv_sec)
		bad("the disarmed timer");
	/* The template's LOCK_SH: another open of the file can share it and
	 * cannot take it exclusively. */
	if ((other = open(lockpath, O_RDONLY | O_CLOEXEC)) < 0)
		quit();
	if (flock(other, LOCK_SH | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			quit();
		bad("the flock() lock (exclusive)");
	}
	if (flock(other, LOCK_UN) < 0)
		quit();
	if (flock(other, LOCK_EX | LOCK_NB) == 0)
		bad("the flock() lock (none)");
	else if (errno != EWOULDBLOCK)
		quit();
	close(other);
	if ((fl = fcntl(pfd[0], F_GETFL)) < 0)
		quit();
	if (fl & O_NONBLOCK)
		bad("O_NONBLOCK");
	if (nbad)
		abort();
}

static void change(int byte)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLOUT, .data.u64 = 0x9999 };
	struct itimerspec its = { .it_interval = { 3, 0 }, .it_value = { 5000, 0 } };
	struct timeval tv = { 9, 0 };
	int v = 50000, d;

	if (epoll_ctl(ep, EPOLL_CTL_DEL, pfd[0], NULL) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &e) < 0)
		quit();
	if (setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		quit();
	/* Another number for the same socket: still the template's. */
	if ((d = dup(sv[0])) < 0 || setsockopt(d, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) < 0)
		quit();
	if (timerfd_settime(tf, 0, &its, NULL) < 0 || timerfd_settime(tf2, 0, &its, NULL) < 0)
		quit();
	/* Never waiting: an exec-mode run of the program (a start-up run)
	 * holds its own LOCK_SH beside the template's. A conversion that
	 * fails has dropped the lock all the same (flock(2)). */
	if (flock(lk, (byte & 1 ? LOCK_EX : LOCK_UN) | LOCK_NB) < 0 && errno != EWOULDBLOCK)
		quit();
	if (fcntl(pfd[0], F_SETFL, O_NONBLOCK) < 0)
		quit();
}

static void refuse(void)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 0x7777 };
	int d = dup(sv[1]);

	if (d < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, d, &e) < 0)
		quit();
}

int main(int argc, char **argv)
{
	unsigned char c = 0;

	if (argc < 2 || strlen(argv[1]) >= sizeof(lockpath)) {
		fprintf(stderr, "usage: snap_shared LOCKFILE [refuse]\n");
		return 2;
	}
	strcpy(lockpath, argv[1]);
	set_up();
	getppid();	/* the snapshot point */
	check();
	if (read(0, &c, 1) < 0)
		quit();
	if (argc > 2 && strcmp(argv[2], "refuse") == 0)
		refuse();
	else
		change(c);
	printf("changed\n");
	return 0;
}
