/* suppress.c - known sites and findings a CI job keeps in its repo. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/die.h"
#include "cli/suppress.h"

static void push(char ***list, int *n, const char *s)
{
	char **l = realloc(*list, (*n + 2) * sizeof(char *));

	if (!l || !(l[*n] = strdup(s)))
		die("out of memory");
	l[++*n] = NULL;
	*list = l;
}

char **suppress_load(const char *path, struct options *o)
{
	char line[512], **findings = NULL;
	int nfindings = 0, lineno = 0;
	FILE *fp = fopen(path, "re");

	if (!fp)
		die_errno(errno, "--suppress: cannot read '%s'", path);
	findings = calloc(1, sizeof(char *));
	if (!findings)
		die("out of memory");
	while (fgets(line, sizeof(line), fp)) {
		char kind[16], *what, *end;
		int n, used = 0;

		lineno++;
		if (!strchr(line, '\n') && !feof(fp))
			die("--suppress: %s:%d: line too long", path, lineno);
		line[strcspn(line, "#\n")] = 0;
		n = sscanf(line, " %15s %n", kind, &used);
		if (n <= 0)
			continue;
		/* The rest of the line is the value: C++ names hold spaces
		 * ("build(unsigned long)"). */
		what = line + used;
		end = what + strlen(what);
		while (end > what && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (!*what)
			die("--suppress: %s:%d: expected 'site KEY' or 'finding FUNCTION'", path, lineno);
		if (strcmp(kind, "site") == 0)
			push(&o->exclude, &o->nexclude, what);
		else if (strcmp(kind, "finding") == 0)
			push(&findings, &nfindings, what);
		else
			die("--suppress: %s:%d: unknown kind '%s' (site or finding)", path, lineno, kind);
	}
	fclose(fp);
	return findings;
}

/* The top non-system frame, or a system frame above it: "finding
 * __assert_fail" names every failed assertion, "finding copy_name" every
 * crash in copy_name. Frames below the top one never count. */
bool suppress_finding(char *const *functions, const struct run_finding *f)
{
	const struct thread_stack *st = f->nthreads ? &f->stacks[0] : NULL;

	for (int i = 0; st && i < st->nframes; i++) {
		for (int k = 0; functions && functions[k]; k++)
			if (strcmp(functions[k], st->frames[i].function) == 0)
				return true;
		if (!st->frames[i].system)
			return false;
	}
	return false;
}
