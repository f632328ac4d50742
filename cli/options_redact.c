/* options_redact.c - --redact=REGEX (repeatable; docs/ci.md, "Secrets"):
 * compiled into util/redact.h's list, and from the first one on this
 * process's stdout and stderr are masked (util/redact_stream.c), so every
 * later line, die()'s included, is. */
#include "config.h"

#include "cli/die.h"
#include "cli/options.h"
#include "util/redact.h"

void options_redact_arg(const char *re)
{
	char why[256];
	int e;

	if (!*re)
		die("--redact: empty regular expression");
	if (redact_add(re, why, sizeof(why)) < 0)
		die("--redact=%s: bad regular expression: %s", re, why);
	e = redact_stream_start(2);
	e = e ?: redact_stream_start(1);
	if (e)
		die_errno(e, "--redact: cannot mask fzsandbox's own output");
}

void options_redact(struct options *o, const char *re)
{
	options_redact_arg(re);
	options_push(&o->redacts, &o->nredacts, re);
}
