/* fs_unchecked - test target: fopen's result is not checked. When the
 * open fails (EACCES, EMFILE, ENFILE, or ENOSPC creating the file) fopen
 * returns NULL and save_note() hands it to fputs, which dereferences it.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <stdio.h>

/* The bug: it trusts that the file could be created. */
static __attribute__((noinline, noclone)) void save_note(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

int main(void)
{
	save_note("/tmp/fs_unchecked.note", "remember the milk\n");
	puts("saved");
	return 0;
}
