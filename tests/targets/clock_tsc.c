/* clock_tsc - test target: times an interval with the TSC (__rdtsc and
 * __rdtscp) and with CLOCK_MONOTONIC, the clock read at step_here
 * (where fzsandbox steps) in between. Prints both in ms: they agree
 * when the TSC moves with MONOTONIC, as on a real machine where the whole
 * tree stalled. */
#pragma GCC optimize("O0")
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static __attribute__((noinline, noclone)) time_t step_here(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

int main(void)
{
	double m0, m1, hz;
	uint64_t t0, t1;
	unsigned aux;

	/* Ticks per second, against MONOTONIC over 100 ms. */
	m0 = mono_s();
	t0 = __rdtsc();
	usleep(100000);
	t1 = __rdtscp(&aux);
	m1 = mono_s();
	hz = (double)(t1 - t0) / (m1 - m0);

	m0 = mono_s();
	t0 = __rdtsc();
	step_here();
	usleep(100000);
	t1 = __rdtscp(&aux);
	m1 = mono_s();
	printf("tsc %.0f ms\nmonotonic %.0f ms\n", (double)(t1 - t0) / hz * 1000, (m1 - m0) * 1000);
	return 0;
}
