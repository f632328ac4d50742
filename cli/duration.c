/* duration.c - durations for --timeout, --grace, --budget... */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/die.h"
#include "cli/duration.h"
#include "util/util.h"

int parse_duration(const char *s, long *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	/* A bare number is refused, not read as seconds: "--timeout=500"
	 * meant as milliseconds would otherwise wait eight minutes. */
	if (!*end)
		return -EDOM;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].unit) == 0) {
			double r = v * units[i].ms;

			if (r > 1e12)
				return -EINVAL;
			*ms = (long)(r + 0.5);
			return 0;
		}
	return -EINVAL;
}

char *format_duration(long ms, char *buf, int len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%lds", ms / 1000);
	else
		snprintf(buf, len, "%ldms", ms);
	return buf;
}

long duration_arg(const char *opt, const char *v)
{
	long ms;
	int e = parse_duration(v, &ms);

	if (e == -EDOM)
		die("%s: '%s' has no unit (a number with ms, s, m or h, e.g. %ss)", opt, v, v);
	if (e < 0)
		die("%s: bad duration '%s' (a number with ms, s, m or h, e.g. 500ms, 2s, 1m)", opt, v);
	return ms;
}
