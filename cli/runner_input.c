/* runner_input.c - the fuzz input file of a runner: named in argv or
 * stdin, and never failed where the program names it (its open, stat):
 * the file is the harness's, so a fault there only wastes the run (the
 * program never reads the input) and fills the fuzz schedules with one
 * error path. Reads on its descriptor stay faultable (cfg.skip_path). */
#include "config.h"

#include <stdio.h>

#include "cli/die.h"
#include "cli/runner.h"

/* The path as a glob matching only itself (fnmatch's escapes). */
static void glob_of(char *out, size_t size, const char *path)
{
	size_t n = 0;

	for (const char *c = path; *c; c++) {
		if (n + 3 > size)
			die("--fuzz: input path too long: '%s'", path);
		if (*c == '*' || *c == '?' || *c == '[' || *c == '\\')
			out[n++] = '\\';
		out[n++] = *c;
	}
	out[n] = 0;
}

void runner_set_input(struct runner *r, const char *input)
{
	r->fuzz_input = input;
	if (input) {
		glob_of(r->input_glob, sizeof(r->input_glob), input);
		r->skip_path[0] = r->input_glob;
		r->skip_path[1] = NULL;
	}
	inject_set_skip_path(r->inj, input ? r->skip_path : NULL);
}
