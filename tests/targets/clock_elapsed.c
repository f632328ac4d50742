/* clock_elapsed - test target: elapsed time from the wall clock. The
 * request's latency is taken with CLOCK_REALTIME (read through the vDSO
 * by glibc) and filed into a histogram whose slot is only clamped from
 * above: when the clock is stepped back between the two reads (NTP, an
 * administrator), the latency is negative and record_latency() writes far
 * before the histogram. With "fork", a forked child does the request. */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 100
static long hist[SLOTS];

static __attribute__((noinline, noclone)) long start_timer(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static __attribute__((noinline, noclone)) long stop_timer(long start)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000 - start;
}

/* The bug: a latency is assumed never negative. */
static __attribute__((noinline, noclone)) void record_latency(long ms)
{
	long slot = ms / 10;

	if (slot >= SLOTS)
		slot = SLOTS - 1;
	hist[slot]++;
}

static void request(void)
{
	long t0 = start_timer();
	volatile unsigned long sum = 0;

	for (unsigned long i = 0; i < 100000; i++)
		sum += i;
	record_latency(stop_timer(t0));
	printf("handled in slot %s\n", hist[0] ? "0" : "other");
}

int main(int argc, char **argv)
{
	pid_t pid;
	int st;

	if (argc < 2 || strcmp(argv[1], "fork") != 0) {
		request();
		return 0;
	}
	fflush(stdout);
	if ((pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		request();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
