/* gate_alloc - a planned run's allocator stops (inject/alloc_gate.c).
 *
 * Thousands of allocations the program checks, then sorts that allocate
 * only every other call (glibc's qsort takes a buffer for large arrays:
 * a call of a site that allocates nothing), a recursive walk whose every
 * level allocates at one call, and last an unchecked copy: the bug. A
 * planned run must fail the same calls, and find the bug, whether or not
 * the allocator breakpoints stay out of memory between the plan's sites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Checked: a NULL is counted and the loop goes on. */
static NOINLINE int churn(int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		char *p = malloc(48);

		if (!p) {
			failed++;
			continue;
		}
		p[0] = (char)i;
		free(p);
	}
	return failed;
}

static NOINLINE void sorts(void)
{
	static int v[40000];

	for (int round = 0; round < 4; round++) {
		size_t n = (round & 1) ? 40000 : 8;

		for (size_t i = 0; i < n; i++)
			v[i] = (int)((n - i) * 7919 % 10007);
		qsort(v, n, sizeof(v[0]), cmp);
	}
}

/* Each level allocates at the same call, inside the one above it. */
static NOINLINE int walk(int depth)
{
	char *p;
	int r;

	if (depth == 0)
		return 0;
	p = calloc(1, 64);
	if (!p)
		return -1;
	r = walk(depth - 1);
	free(p);
	return r;
}

/* At -O2 a sibling call (jmp malloc): the allocation's innermost program
 * frame is then main's, though main called xalloc. */
static NOINLINE void *xalloc(size_t n)
{
	return malloc(n);
}

static NOINLINE char *late_copy(const char *s)
{
	char *d = malloc(strlen(s) + 1);

	strcpy(d, s);	/* the bug: d unchecked */
	return d;
}

int main(void)
{
	char *c;

	if (churn(3000))
		fputs("gate_alloc: some allocations failed, went on\n", stderr);
	sorts();
	if (walk(5) < 0)
		fputs("gate_alloc: walk: out of memory\n", stderr);
	c = xalloc(24);
	if (!c)
		fputs("gate_alloc: xalloc: out of memory\n", stderr);
	free(c);
	c = late_copy("done");
	puts(c);
	free(c);
	return 0;
}
