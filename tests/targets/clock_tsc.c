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

/* A (MONOTONIC, TSC) pair as close together as it gets: of a few tries,
 * the one with the least time around the TSC read (under the clock class
 * each read is trapped and emulated: a round trip to the tracer, longer
 * on a loaded machine). rdtscp: the TSC read at the end of an interval. */
static void pair(double *m, uint64_t *t, int p)
{
	double best = 1e9;
	unsigned aux;

	for (int i = 0; i < 8; i++) {
		double a = mono_s();
		uint64_t c = p ? __rdtscp(&aux) : __rdtsc();
		double b = mono_s();

		if (b - a < best) {
			best = b - a;
			*m = a + (b - a) / 2;
			*t = c;
		}
	}
}

int main(void)
{
	double m0, m1, hz;
	uint64_t t0, t1;

	/* Ticks per second, against MONOTONIC over 100 ms. */
	pair(&m0, &t0, 0);
	usleep(100000);
	pair(&m1, &t1, 1);
	hz = (double)(t1 - t0) / (m1 - m0);

	pair(&m0, &t0, 0);
	step_here();
	usleep(100000);
	pair(&m1, &t1, 1);
	printf("tsc %.0f ms\nmonotonic %.0f ms\n", (double)(t1 - t0) / hz * 1000, (m1 - m0) * 1000);
	return 0;
}
