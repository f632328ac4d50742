/* redact_leak - test target for --redact: prints a secret it got as its
 * first argument and in $API_TOKEN (stdout and stderr), then writes
 * through a malloc result it never checks: an allocation fault is a
 * SIGSEGV in copy_token. */

/* -O0: the stack the test asserts on keeps its frames. */
#pragma GCC optimize("O0")
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bug: no NULL check. */
static char *copy_token(const char *t)
{
	char *p = malloc(strlen(t) + 1);

	strcpy(p, t);
	return p;
}

int main(int argc, char **argv)
{
	const char *env = getenv("API_TOKEN");
	char *t;

	fprintf(stderr, "connecting with token %s (env %s)\n", argc > 1 ? argv[1] : "-",
		env ? env : "-");
	printf("token %s\n", argc > 1 ? argv[1] : "-");
	fflush(stdout);
	t = copy_token(argc > 1 ? argv[1] : "none");
	puts(t[0] ? "ok" : "empty");
	free(t);
	return 0;
}
