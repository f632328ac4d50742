/* inline_alloc - test target: an unchecked malloc in a static helper that
 * the compiler inlines (built at -O1 and -O2 with -g, as real programs are).
 *
 * main() reads a count and calls grow_table() once; grow_table is static
 * and called once, so -O1 and up inline it into main. Its malloc result is
 * used unchecked: when malloc returns NULL the store faults (SIGSEGV) in
 * grow_table's inlined code. gdb and eu-addr2line -i name grow_table,
 * inlined into main, and so must fzsandbox (tests/integration/inline_frames.sh).
 * Every other call is checked.
 */

/* The level whatever CFLAGS say (they come after the per-target flags). */
#if defined(FZ_O1)
#pragma GCC optimize("O1")
#elif defined(FZ_O2)
#pragma GCC optimize("O2")
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
	size_t n;
	long *slot;
};

/* The bug: no NULL check. The first slot is written through the result. */
static void grow_table(struct table *t, size_t n)
{
	long *slot = malloc(n * sizeof(*slot));

	slot[0] = (long)n;
	for (size_t i = 1; i < n; i++)
		slot[i] = slot[i - 1] + (long)i;
	t->slot = slot;
	t->n = n;
}

int main(int argc, char **argv)
{
	struct table t = { 0, NULL };
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 16;

	if (n == 0 || n > 4096) {
		fprintf(stderr, "inline_alloc: bad count\n");
		return 2;
	}
	grow_table(&t, n);
	printf("sum %ld\n", t.slot[t.n - 1]);
	free(t.slot);
	return 0;
}
