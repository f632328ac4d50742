/* die.c - one line on stderr naming what was wrong, then exit 2. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/die.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("fzsandbox: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

void die_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("fzsandbox: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	exit(EXIT_USAGE);
}
