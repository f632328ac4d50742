/* unchecked_malloc - test target: one allocation is used without a check.
 *
 * Parses "name=..." lines (argv[1] if given, else a built-in text, so runs
 * are deterministic and never wait on stdin). copy_name() uses malloc's
 * result unchecked: when that malloc returns NULL the store faults
 * (SIGSEGV) in copy_name. Every other
 * allocation is checked, so that is the only crash fault injection can find.
 * Also built -static as static_malloc.
 */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#else	/* the -O2 copy (issue 11): the same names, now inlined frames */
#pragma GCC optimize("O2")
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char builtin_input[] =
	"name=alice\n"
	"# a comment\n"
	"name=bob\n"
	"name=carol\n";

struct entry {
	char *name;
	struct entry *next;
};

/* The bug: no NULL check. The terminator is stored first, so a NULL p
 * faults in copy_name itself, not in memcpy: in static_malloc memcpy is
 * part of the program, not of a system library, and would be the top
 * non-system frame. */
static char *copy_name(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	p[n] = '\0';
	memcpy(p, s, n);
	return p;
}

static int parse(const char *text, struct entry **out)
{
	struct entry *head = NULL, **tail = &head;
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > 5 && strncmp(line, "name=", 5) == 0) {
			struct entry *e = malloc(sizeof *e);	/* checked */

			if (!e) {
				fprintf(stderr, "unchecked_malloc: out of memory\n");
				*out = head;
				return -1;
			}
			e->name = copy_name(line + 5, len - 5);
			e->next = NULL;
			*tail = e;
			tail = &e->next;
		}
		line += len + (end ? 1 : 0);
	}
	*out = head;
	return 0;
}

int main(int argc, char **argv)
{
	struct entry *list = NULL;
	int n = 0, rc = parse(argc > 1 ? argv[1] : builtin_input, &list);

	for (struct entry *e = list; e; e = e->next)
		n++;
	printf("parsed %d names\n", n);
	while (list) {
		struct entry *next = list->next;

		free(list->name);
		free(list);
		list = next;
	}
	return rc ? 1 : 0;
}
