/* log.c - the one debug logger, switched on by FZ_DEBUG. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

bool fz_debug_on(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FZ_DEBUG") != NULL;
	return on;
}

bool fz_debug_has(const char *word)
{
	const char *v = getenv("FZ_DEBUG");

	return v && strstr(v, word) != NULL;
}

void fz_debug(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!fz_debug_on())
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line, so lines from the tracer and its helpers do
	 * not interleave mid-line. */
	fprintf(stderr, "fzsandbox: debug: %s%s", line,
		line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
}
