/* clock_step.c - a clock step as a fault: its grammar, and which clocks it
 * moves. A step is a change of the tree's time: from the read where it
 * happens on, every read of an affected clock in every traced process
 * returns the real value plus the shift (clock_class.c applies it).
 *
 * What moves together is what moves together on a real machine
 * (docs/kernel-facts.md#clock-steps): settimeofday/clock_settime step
 * REALTIME and the clocks defined from it (_COARSE, _ALARM, TAI), never
 * MONOTONIC or BOOTTIME; a suspend advances BOOTTIME and REALTIME, not
 * MONOTONIC; a stall (SIGSTOP, a paused VM, a long preemption) lets every
 * clock run on. MONOTONIC and BOOTTIME never go back. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inject/clock_step.h"
#include "util/util.h"

static const char *const clock_names[STEP_N] = {
	[STEP_REALTIME] = "realtime", [STEP_MONOTONIC] = "monotonic", [STEP_BOOTTIME] = "boottime",
};

/* Largest first: the format picks the first that divides the step. */
static const struct {
	const char *unit;
	int64_t ns;
} units[] = {
	{ "d", 86400000000000LL }, { "h", 3600000000000LL }, { "m", 60000000000LL },
	{ "s", 1000000000LL }, { "ms", 1000000LL }, { "us", 1000LL }, { "ns", 1LL },
};

/* At most ten years either way: far enough for any date bug, well
 * inside int64 nanoseconds and time_t. */
#define STEP_MAX_NS (3650 * 86400000000000LL)

static int parse_dur(const char *s, int64_t *ns)
{
	int sign = 1;
	char *end;
	double v;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].unit) == 0) {
			double r = v * (double)units[i].ns;

			if (r > (double)STEP_MAX_NS || r < 1)
				return -EINVAL;
			*ns = sign * (int64_t)(r + 0.5);
			return 0;
		}
	return -EINVAL;
}

int clock_step_parse(const char *s, struct fault *f)
{
	char dur[64];
	const char *at, *clk = NULL;
	size_t n;

	memset(f, 0, sizeof(*f));
	f->type = FT_STEP;
	if (strcmp(s, "step") == 0)
		return 0;
	if (strncmp(s, "step=", 5) != 0)
		return -EINVAL;
	s += 5;
	at = strchr(s, '@');
	n = at ? (size_t)(at - s) : strlen(s);
	if (n == 0 || n >= sizeof(dur))
		return -EINVAL;
	memcpy(dur, s, n);
	dur[n] = 0;
	if (parse_dur(dur, &f->count) < 0)
		return -EINVAL;
	if (at) {
		if (strncmp(at, "@clock=", 7) != 0)
			return -EINVAL;
		clk = at + 7;
		for (f->err = 0; f->err < STEP_N; f->err++)
			if (strcmp(clk, clock_names[f->err]) == 0)
				break;
		if (f->err == STEP_N)
			return -EINVAL;
	}
	/* Never backwards: no kernel interface moves these clocks back. */
	if (f->err != STEP_REALTIME && f->count < 0)
		return -EINVAL;
	return 0;
}

char *clock_step_format(const struct fault *f, char *buf, int len)
{
	int64_t a = f->count < 0 ? -f->count : f->count;
	size_t i = 0;
	int n;

	if (!f->count) {
		snprintf(buf, len, "step");
		return buf;
	}
	while (i + 1 < ARRAY_SIZE(units) && a % units[i].ns)
		i++;
	n = snprintf(buf, len, "step=%c%" PRId64 "%s", f->count < 0 ? '-' : '+', a / units[i].ns,
		     units[i].unit);
	if (f->err > STEP_REALTIME && f->err < STEP_N && n > 0 && n < len)
		snprintf(buf + n, len - n, "@clock=%s", clock_names[f->err]);
	return buf;
}

void clock_shift_add(struct clock_shift *sh, const struct fault *f)
{
	/* A stall moves BOOTTIME and REALTIME too, a suspend REALTIME. */
	if (f->err == STEP_MONOTONIC)
		sh->ns[STEP_MONOTONIC] += f->count;
	if (f->err == STEP_MONOTONIC || f->err == STEP_BOOTTIME)
		sh->ns[STEP_BOOTTIME] += f->count;
	sh->ns[STEP_REALTIME] += f->count;
}

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

/* Which base each clock id follows; CPU-time clocks (2, 3, negative ids
 * of other processes and threads) follow none. */
static const struct {
	int id, base;
} clock_bases[] = {
	{ CLOCK_REALTIME, STEP_REALTIME }, { CLOCK_REALTIME_COARSE, STEP_REALTIME },
	{ CLOCK_REALTIME_ALARM, STEP_REALTIME }, { CLOCK_TAI, STEP_REALTIME },
	{ CLOCK_MONOTONIC, STEP_MONOTONIC }, { CLOCK_MONOTONIC_RAW, STEP_MONOTONIC },
	{ CLOCK_MONOTONIC_COARSE, STEP_MONOTONIC },
	{ CLOCK_BOOTTIME, STEP_BOOTTIME }, { CLOCK_BOOTTIME_ALARM, STEP_BOOTTIME },
};

int64_t clock_shift_of(const struct clock_shift *sh, int clockid, int *base)
{
	*base = -1;
	for (size_t i = 0; i < ARRAY_SIZE(clock_bases); i++)
		if (clock_bases[i].id == clockid) {
			*base = clock_bases[i].base;
			return sh ? sh->ns[*base] : 0;
		}
	return 0;
}

uint64_t clock_step_ids(void)
{
	uint64_t m = 0;

	for (size_t i = 0; i < ARRAY_SIZE(clock_bases); i++)
		m |= 1ULL << clock_bases[i].id;
	return m;
}
