/* options_oracles.c - the oracles' option values (options.c is full). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cli/die.h"
#include "cli/options.h"

double options_parse_slowdown(const char *arg)
{
	char *end;
	double f;

	errno = 0;
	f = strtod(arg, &end);
	/* A factor under 2 would call the clean run's own noise a finding. */
	if (errno || end == arg || *end || !isfinite(f) || (f != 0 && f < 2) || f > 1e6)
		die("--slowdown: bad factor '%s' (0 turns it off, else a number from 2)", arg);
	return f;
}
