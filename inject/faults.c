/* faults.c - fault names: parsing and formatting (the classes that inject
 * them are in classes.c). */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/clock_step.h"
#include "inject/delay_class.h"
#include "inject/inject.h"
#include "util/util.h"

/* The errnos a fault may name: only ones some class can really produce.
 * getaddrinfo's return codes are FT_ERRNO too: glibc's EAI_* are negative,
 * never an errno, so they compare and print the same way. */
static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "ENOMEM", ENOMEM }, { "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EAGAIN", EAGAIN },
	{ "EINTR", EINTR }, { "ECONNRESET", ECONNRESET }, { "EMFILE", EMFILE },
	{ "ENFILE", ENFILE }, { "EACCES", EACCES }, { "EDQUOT", EDQUOT }, { "EFBIG", EFBIG },
	{ "ENOBUFS", ENOBUFS }, { "ECONNREFUSED", ECONNREFUSED }, { "EPIPE", EPIPE },
	{ "EAI_AGAIN", EAI_AGAIN }, { "EAI_NONAME", EAI_NONAME }, { "EAI_MEMORY", EAI_MEMORY },
};

const char *errno_fault_name(int err);
const char *errno_fault_name(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return "E?";
}

int fault_parse(const char *s, struct fault *f)
{
	memset(f, 0, sizeof(*f));
	if (strcmp(s, "NULL") == 0) {
		f->type = FT_NULL;
		return 0;
	}
	if (strcmp(s, "exhaust") == 0) {
		f->type = FT_EXHAUST;
		return 0;
	}
	if (strncmp(s, "step", 4) == 0)
		return clock_step_parse(s, f);
	if (strncmp(s, "delay", 5) == 0)
		return delay_hold_parse(s, f);
	if (strcmp(s, "timeout") == 0) {
		f->type = FT_TIMEOUT;
		return 0;
	}
	if (strcmp(s, "short") == 0) {
		f->type = FT_SHORT;
		return 0;
	}
	if (strncmp(s, "short=", 6) == 0) {
		char *end;
		long n;

		errno = 0;
		n = strtol(s + 6, &end, 10);
		if (errno || end == s + 6 || *end || n < 1)
			return -EINVAL;
		f->type = FT_SHORT;
		f->count = n;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (strcmp(s, errnos[i].name) == 0) {
			f->type = FT_ERRNO;
			f->err = errnos[i].err;
			return 0;
		}
	return -EINVAL;
}

char *fault_format(const struct fault *f, char *buf, int len)
{
	switch (f->type) {
	case FT_NULL:
		snprintf(buf, len, "NULL");
		break;
	case FT_SHORT:
		if (f->count)
			snprintf(buf, len, "short=%ld", f->count);
		else
			snprintf(buf, len, "short");
		break;
	case FT_ERRNO:
		snprintf(buf, len, "%s", errno_fault_name(f->err));
		break;
	case FT_EXHAUST:
		snprintf(buf, len, "exhaust");
		break;
	case FT_STEP:
		clock_step_format(f, buf, len);
		break;
	case FT_TIMEOUT:
		snprintf(buf, len, "timeout");
		break;
	case FT_DELAY:
		delay_hold_format(f, buf, len);
		break;
	}
	return buf;
}

bool fault_same(const struct fault *a, const struct fault *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == FT_STEP)
		return a->count == b->count && a->err == b->err;
	if (a->type == FT_DELAY)
		return a->count == b->count;
	return a->err == b->err;
}
