/* shard_bugs.c - several independent unchecked allocations, each its own
 * finding, and some checked ones: a plan with enough sites and findings
 * to spread over shards (tests/integration/shard_merge.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kept, so the compiler cannot drop the allocations. */
char *volatile kept[8];

#define BUG(name, size)                                         \
	__attribute__((noinline)) static void name(void)        \
	{                                                       \
		char *p = malloc(size);                         \
		memset(p, 1, size);     /* unchecked */         \
		kept[0] = p;                                    \
		printf("%s %d\n", #name, kept[0][size - 1]);    \
		free(kept[0]);                                  \
	}

#define OK(name, size)                                          \
	__attribute__((noinline)) static int name(void)         \
	{                                                       \
		char *p = malloc(size);                         \
		if (!p)                                         \
			return -1;                              \
		memset(p, 2, size);                             \
		kept[1] = p;                                    \
		free(kept[1]);                                  \
		return 0;                                       \
	}

BUG(parse_header, 32)
BUG(load_table, 64)
BUG(read_config, 128)
BUG(open_journal, 256)
BUG(make_index, 512)
OK(scratch_a, 16)
OK(scratch_b, 48)
OK(scratch_c, 96)

int main(void)
{
	parse_header();
	load_table();
	read_config();
	open_journal();
	make_index();
	if (scratch_a() || scratch_b() || scratch_c())
		fputs("shard_bugs: out of memory, skipped the scratch work\n", stderr);
	return 0;
}
