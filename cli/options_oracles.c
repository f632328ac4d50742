/* options_oracles.c - the oracles' option values (options.c is full). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

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

bool options_parse_check_word(struct options *o, const char *arg)
{
	if (strcmp(arg, "output") == 0)
		o->check_output = OPT_OUTPUT_LOSS;
	else if (strcmp(arg, "output-diff") == 0)
		o->check_output = OPT_OUTPUT_DIFF;
	else
		return false;
	return true;
}

void options_parse_ignore(struct options *o, const char *arg)
{
	char **l, msg[128];
	regex_t re;
	int e;

	if (!*arg)
		die("--ignore: empty regular expression");
	/* Compiled here to say at once what is wrong; cli/outcheck.c
	 * compiles it again for its own. */
	e = regcomp(&re, arg, REG_EXTENDED);
	if (e) {
		regerror(e, &re, msg, sizeof(msg));
		die("--ignore: bad regular expression '%s': %s", arg, msg);
	}
	regfree(&re);
	l = realloc(o->ignores, (o->nignores + 2) * sizeof(*l));
	if (!l || !(l[o->nignores] = strdup(arg)))
		die("out of memory");
	l[++o->nignores] = NULL;
	o->ignores = l;
}

void options_parse_crash_at(struct options *o, const char *arg)
{
	if (strcmp(arg, "durability") != 0)
		die("--crash-at: unknown point '%s' (durability)", arg);
	o->crash_at = true;
}

void options_parse_recover(struct options *o, const char *arg)
{
	if (!arg[strspn(arg, " \t")])
		die("--recover: empty command");
	/* Stored words (a replay's) do not outlive the parse. */
	if (!(o->recover = strdup(arg)))
		die("out of memory");
}

/* A crash needs a directory that holds what the program saves, started
 * afresh for each run (the caller's own would keep what a killed run
 * left), and something that judges what it left. */
void options_check_oracles(const struct options *o)
{
	if (o->recover && !o->crash_at)
		die("--recover needs --crash-at=durability");
	if (o->crash_drop && !o->crash_at)
		die("--crash-drop needs --crash-at=durability");
	if (!o->crash_at)
		return;
	if (o->standalone)
		die("--crash-at needs a campaign (drop --inject=none)");
	if (!o->workdir)
		die("--crash-at needs --workdir=DIR (the directory the program saves its files in)");
	if (!o->recover && !o->nchecks)
		die("--crash-at needs --recover=CMD or --check=CMD to judge what a killed run left");
	if (o->service || o->snapshot)
		die("--crash-at: not with %s yet", o->service ? "service mode" : "--snapshot");
}
