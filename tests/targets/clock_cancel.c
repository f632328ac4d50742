/* clock_cancel - test target: systemd-style detection of a wall clock
 * change. Two timerfds on CLOCK_REALTIME armed with TFD_TIMER_ABSTIME |
 * TFD_TIMER_CANCEL_ON_SET: one far in the future, non-blocking, watched
 * with poll (as systemd's time_change_fd); one 1-2 s ahead, read by a
 * thread that blocks in read before the clock is read at step_here
 * (where fzsandbox steps). Prints what poll and both reads saw:
 * "ECANCELED" after a step of REALTIME, the plain results otherwise. */
#pragma GCC optimize("O0")
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int blocked_fd;

static void *blocked_reader(void *arg)
{
	uint64_t ticks;
	ssize_t n = read(blocked_fd, &ticks, sizeof(ticks));

	(void)arg;
	printf("blocked read: %s\n", n < 0 ? strerror(errno) : "ticks");
	return NULL;
}

static __attribute__((noinline, noclone)) time_t step_here(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static int arm(int flags, time_t sec)
{
	struct itimerspec its = { { 0, 0 }, { sec, 0 } };
	int fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | flags);

	if (fd < 0 || timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL)) {
		perror("timerfd");
		return -1;
	}
	return fd;
}

int main(void)
{
	struct timespec now;
	struct pollfd p;
	pthread_t th;
	uint64_t ticks;
	ssize_t n;
	int fd;

	clock_gettime(CLOCK_REALTIME, &now);
	/* systemd arms it at TIME_T_MAX; far enough for any step here. */
	/* The blocked reader's timer expires 1-2 s from now. */
	if ((fd = arm(TFD_NONBLOCK, now.tv_sec + 100 * 86400)) < 0 ||
	    (blocked_fd = arm(0, now.tv_sec + 2)) < 0)
		return 2;
	if (pthread_create(&th, NULL, blocked_reader, NULL))
		return 2;
	usleep(200000);	/* the reader is asleep in read by now */
	step_here();
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	printf("poll: %s\n", poll(&p, 1, 500) == 1 ? "ready" : "timeout");
	ticks = 12345;
	n = read(fd, &ticks, sizeof(ticks));
	/* The kernel writes no tick count when it fails the read. */
	printf("read: %s%s\n", n < 0 ? strerror(errno) : "ticks",
	       n < 0 && ticks != 12345 ? " (buffer written)" : "");
	/* Cancelled once: the next read is a plain one again. */
	n = read(fd, &ticks, sizeof(ticks));
	printf("read again: %s\n", n < 0 ? strerror(errno) : "ticks");
	pthread_join(th, NULL);
	return 0;
}
