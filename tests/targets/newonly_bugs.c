/* newonly_bugs.c - two unchecked allocations, each its own finding, for
 * tests/integration/fail_on_new.sh: parse_record's always runs, and
 * parse_header's only when the first argument is "header" (a bug that a
 * later change makes reachable). */
#include <stdlib.h>
#include <string.h>

/* Volatile: the allocations must survive the optimiser. */
const char *volatile input = "record";
char *volatile kept;

__attribute__((noinline)) static int parse_record(const char *s)
{
	char *p = malloc(strlen(s) + 1);

	strcpy(p, s);	/* unchecked */
	kept = p;
	free(kept);
	return 0;
}

__attribute__((noinline)) static int parse_header(const char *s)
{
	char *p = malloc(strlen(s) + 8);

	memcpy(p, "header:", 7);	/* unchecked */
	strcpy(p + 7, s);
	kept = p;
	free(kept);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "header") == 0)
		parse_header(input);
	return parse_record(input);
}
