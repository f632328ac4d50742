/* clock.c - the one monotonic clock: timeouts and durations must not jump
 * with the wall clock. */
#include "config.h"

#include <time.h>

#include "util/util.h"

int64_t mono_us(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid clock id and pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t mono_ms(void)
{
	return mono_us() / 1000;
}
