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

/* The one line: "fzsandbox: [context]message[: strerror]". */
static void say(int err, const char *fmt, va_list ap)
{
	fprintf(stderr, "fzsandbox: %s", die_context);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err < 0 ? -err : err));
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(0, fmt, ap);
	va_end(ap);
	exit(die_status);
}

void die_program(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(0, fmt, ap);
	va_end(ap);
	if (die_status == EXIT_FZ_FAILED)
		exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
	exit(die_status);
}

void die_with(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void die_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(err, fmt, ap);
	va_end(ap);
	exit(die_status);
}
