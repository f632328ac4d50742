/* clock_monotonic - test target: relies only on what the kernel
 * guarantees of its clocks. CLOCK_MONOTONIC and CLOCK_BOOTTIME never go
 * back, so an interval from them is never negative, and that is all this
 * program asserts (also in a forked child); it reads REALTIME only to
 * print it. Under --inject=clock it must give no finding although every
 * clock read is stepped. With "cost", it prints what a read of
 * CLOCK_PROCESS_CPUTIME_ID and of CLOCK_REALTIME took (ns, 20000 each). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns_of(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts) != 0)
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void intervals(void)
{
	long long m0 = ns_of(CLOCK_MONOTONIC), b0 = ns_of(CLOCK_BOOTTIME);
	struct timeval tv;

	for (int i = 0; i < 3; i++) {
		long long m1 = ns_of(CLOCK_MONOTONIC), b1 = ns_of(CLOCK_BOOTTIME);

		assert(m1 >= m0);
		assert(b1 >= b0);
		m0 = m1;
		b0 = b1;
	}
	gettimeofday(&tv, NULL);
	printf("wall %ld, %ld\n", (long)tv.tv_sec, (long)time(NULL));
}

static long long per_read(clockid_t c)
{
	long long t0 = ns_of(CLOCK_MONOTONIC_RAW);

	for (int i = 0; i < 20000; i++)
		ns_of(c);
	return (ns_of(CLOCK_MONOTONIC_RAW) - t0) / 20000;
}

int main(int argc, char **argv)
{
	pid_t pid;
	int st;

	if (argc > 1 && strcmp(argv[1], "cost") == 0) {
		printf("cpu %lld\n", per_read(CLOCK_PROCESS_CPUTIME_ID));
		printf("realtime %lld\n", per_read(CLOCK_REALTIME));
		return 0;
	}
	intervals();
	fflush(stdout);
	if ((pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		intervals();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}
