/* precommit_app.c - a small program for tests/integration/
 * precommit_hook.sh, which copies it into a temporary git repository,
 * builds it there through the component's build command, and then
 * commits a change that drops dup_word's allocation check (the lines
 * from "if (!p)" to "return NULL;"): an unchecked malloc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_word(const char *s)
{
	char *p = malloc(strlen(s) + 1);

	if (!p)
		return NULL;
	strcpy(p, s);
	return p;
}

int main(int argc, char **argv)
{
	char *p = dup_word(argc > 1 ? argv[1] : "word");

	if (!p) {
		fputs("out of memory\n", stderr);
		return 1;
	}
	puts(p);
	free(p);
	return 0;
}
