/* regress_bug.c - one unchecked allocation in parse_record, built from
 * this one source in variants (tests/Makefile.am.inc) that stand for
 * later commits of the program, for tests/integration/regress.sh:
 *   (none)    the bug;
 *   -DSHIFT   an unrelated edit: code before it moves every offset and line;
 *   -DEARLIER a checked malloc added before it in the same function;
 *   -DFIXED   the bug fixed (the allocation checked);
 *   -DDELETED the call site gone (a static buffer instead). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Volatile: the allocation must survive the optimiser. */
const char *volatile input = "record";
char *volatile kept;

#ifdef SHIFT
/* Unrelated to the bug. */
__attribute__((noinline)) static int checksum(const char *s)
{
	int c = 0;

	while (*s)
		c = c * 31 + *s++;
	return c;
}
#endif

__attribute__((noinline)) static int parse_record(const char *s)
{
	char *p;
	int n;

#ifdef EARLIER
	char *scratch = malloc(16);

	if (!scratch)
		return -1;
	free(scratch);
#endif
#ifdef DELETED
	static char buf[64];

	p = buf;
#else
	p = malloc(strlen(s) + 1);
#endif
#ifdef FIXED
	if (!p)
		return -1;
#endif
	strcpy(p, s);	/* unchecked unless FIXED */
	kept = p;
	n = (int)strlen(kept);
#ifndef DELETED
	free(kept);
#endif
	return n;
}

int main(void)
{
#ifdef SHIFT
	if (checksum("record") == 42)
		(void)!write(1, "?\n", 2);
#endif
	if (parse_record(input) < 0) {
		(void)!write(2, "regress_bug: out of memory\n", 27);
		return 1;
	}
	return 0;
}
