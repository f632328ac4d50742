/* wrap_alloc - test target: the one unchecked allocation sits behind
 * hundreds of checked ones, all made through one wrapper (xmalloc, in
 * wrap_xmalloc.c). A site keyed by the wrapper alone is every allocation
 * of the program, and failing its first occurrences never reaches the bug.
 *
 *   wrap_alloc second   300 checked allocations in a loop, then a second
 *                       caller (set_label) uses its block unchecked
 *   wrap_alloc twenty   twenty callers, 15 rounds each; user13 is unchecked
 *   wrap_alloc deep     one caller, 12 allocations; the 10th is unchecked
 *                       (found only with --occurrences=10 or more)
 *   wrap_alloc mixed [FILE]  twenty checked malloc calls, twice, then
 *                       three writes to FILE (default stdout): many
 *                       allocation sites (no wrapper), a few I/O ones.
 *                       stdout is a pipe fzsandbox drains, where a write
 *                       has nothing faithful to fail; a file has EIO,
 *                       ENOSPC and short writes
 *
 * Every other failure prints "out of memory" and exits 1. Built at -O0
 * (WRAP_O0) and at -O2 -g.
 */
#ifdef WRAP_O0
#pragma GCC optimize("O0")
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wrap_xmalloc.h"

struct rec {
	char *label;
	long sum;
};

static int oom(void)
{
	fputs("out of memory\n", stderr);
	return 1;
}

static void note_failure(size_t n)
{
	(void)n;	/* a real wrapper logs here */
}

static long table_fill(void)
{
	long sum = 0;

	for (int i = 0; i < 300; i++) {
		char *p = xmalloc(32);

		if (!p)
			return -1;
		p[0] = (char)i;
		sum += p[0];
		free(p);
	}
	return sum;
}

/* The bug: no NULL check. The terminator is stored first, so a NULL
 * block faults here, not in memcpy. */
static __attribute__((noinline)) void set_label(struct rec *r, const char *s)
{
	size_t n = strlen(s);

	r->label = xmalloc(n + 1);
	r->label[n] = '\0';
	memcpy(r->label, s, n);
}

#define USER(k)                                            \
	static int user##k(void)                           \
	{                                                  \
		char *p = xmalloc(16 + k);                 \
		if (!p)                                    \
			return -1;                         \
		p[0] = (char)k;                            \
		free(p);                                   \
		return 0;                                  \
	}
USER(0) USER(1) USER(2) USER(3) USER(4) USER(5) USER(6) USER(7) USER(8) USER(9)
USER(10) USER(11) USER(12) USER(14) USER(15) USER(16) USER(17) USER(18) USER(19)
USER(13)

/* Twenty allocation sites of their own (mixed). */
#define DIRECT(k)                                          \
	static int direct##k(void)                         \
	{                                                  \
		volatile char *p = malloc(16 + k);         \
		if (!p)                                    \
			return -1;                         \
		p[0] = (char)k;                            \
		free((void *)p);                           \
		return 0;                                  \
	}
DIRECT(0) DIRECT(1) DIRECT(2) DIRECT(3) DIRECT(4) DIRECT(5) DIRECT(6) DIRECT(7) DIRECT(8)
DIRECT(9) DIRECT(10) DIRECT(11) DIRECT(12) DIRECT(13) DIRECT(14) DIRECT(15) DIRECT(16)
DIRECT(17) DIRECT(18) DIRECT(19)

static int (*const directs[20])(void) = {
	direct0, direct1, direct2, direct3, direct4, direct5, direct6, direct7, direct8, direct9,
	direct10, direct11, direct12, direct13, direct14, direct15, direct16, direct17, direct18,
	direct19,
};

/* The bug of "twenty": user13 stores into its block unchecked. */
static int user13_unchecked(void)
{
	/* volatile: at -O2 a store right before free() is dead and goes. */
	volatile char *p = xmalloc(29);

	p[0] = 13;
	free((void *)p);
	return 0;
}

static int (*const users[20])(void) = {
	user0, user1, user2, user3, user4, user5, user6, user7, user8, user9,
	user10, user11, user12, user13, user14, user15, user16, user17, user18, user19,
};

static int rounds(int (*const *fn)(void), int nround)
{
	for (int r = 0; r < nround; r++)
		for (int k = 0; k < 20; k++)
			if (fn[k]() < 0)
				return -1;
	return 0;
}

static int deep(void)
{
	for (int i = 1; i <= 12; i++) {
		volatile char *p = xmalloc(64);

		/* The bug of "deep": the 10th block is used unchecked. */
		if (!p && i != 10)
			return -1;
		p[0] = (char)i;
		free((void *)p);
	}
	return 0;
}

static int say(int fd, const char *s)
{
	size_t n = strlen(s);

	return write(fd, s, n) == (ssize_t)n ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "second";
	int (*fns[20])(void);
	struct rec r = { 0 };

	xmalloc_failed = note_failure;
	memcpy(fns, users, sizeof(fns));
	fns[13] = user13_unchecked;
	if (strcmp(mode, "second") == 0) {
		if ((r.sum = table_fill()) < 0)
			return oom();
		set_label(&r, "total");
		printf("%s %ld\n", r.label, r.sum);
		free(r.label);
		return 0;
	}
	if (strcmp(mode, "twenty") == 0)
		return rounds(fns, 15) < 0 ? oom() : 0;
	if (strcmp(mode, "deep") == 0)
		return deep() < 0 ? oom() : 0;
	if (strcmp(mode, "mixed") == 0) {
		int fd = argc > 2 ? open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;

		if (fd < 0)
			return 1;
		if (rounds(directs, 2) < 0)
			return oom();
		if (say(fd, "one\n") < 0 || say(fd, "two\n") < 0 || say(fd, "three\n") < 0)
			return 1;
		return 0;
	}
	fprintf(stderr, "usage: wrap_alloc second|twenty|deep|mixed\n");
	return 2;
}
