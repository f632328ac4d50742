/* die.c - one line on stderr naming what was wrong, then exit 2. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/die.h"

static int die_status = EXIT_USAGE;
static const char *die_context = "";

void die_set_context(const char *prefix)
{
	die_context = prefix ? prefix : "";
}

void die_set_status(int status)
{
	die_status = status;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fzsandbox: %s", die_context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(die_status);
}

void die_program(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fzsandbox: %s", die_context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (die_status == EXIT_FZ_FAILED)
		exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
	exit(die_status);
}

void die_with(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fzsandbox: %s", die_context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void die_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fzsandbox: %s", die_context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	exit(die_status);
}
