/* asan_overflow - test target, built with -fsanitize=address: the error path
 * of an allocation overflows a heap buffer.
 *
 * make_record() allocates room for a formatted record; when that malloc
 * fails it "degrades" to a small fixed-size buffer but still fills in the
 * full record, writing past the end of the small one. ASan reports a
 * heap-buffer-overflow with make_record as the top non-system frame. The
 * fallback malloc and every other allocation are checked, and without
 * fault injection the program is clean.
 */

/* -O0 whatever CFLAGS say: the stack the test asserts on must keep its
 * frames (see unchecked_malloc.c). */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#else	/* the -O2 copy (issue 11): make_record inlined into main */
#pragma GCC optimize("O2")
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL 16

static const char *const names[] = { "alice", "bob", "carol" };

/* The bug: the fallback buffer is SMALL bytes, the record is longer. The
 * record is copied byte by byte here (not with memcpy), so the faulting
 * access is in make_record itself. */
static char *make_record(const char *name)
{
	char line[128];
	size_t want;
	char *rec;

	want = (size_t)snprintf(line, sizeof(line), "record name=%s status=active\n", name) + 1;
	rec = malloc(want);
	if (!rec) {
		rec = malloc(SMALL);	/* "degraded mode" */
		if (!rec)
			return NULL;
	}
	for (size_t i = 0; i < want; i++)
		rec[i] = line[i];
	return rec;
}

int main(void)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *r = make_record(names[i]);

		if (!r) {
			fprintf(stderr, "asan_overflow: out of memory\n");
			return 1;
		}
		n++;
		free(r);
	}
	printf("made %d records\n", n);
	return 0;
}
