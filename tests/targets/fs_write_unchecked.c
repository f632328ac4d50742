/* fs_write_unchecked - test target: saves its notes through stdio and never
 * looks at fclose's result, so a full disk loses the end of the file
 * without a word; load_notes then trusts the count in the file's first
 * line and runs past the lines that are really there (strlen(NULL)).
 * Built at -O0 and -O2 -g. Every open is checked (exit 1), so under
 * --inject=fs the one finding is the lost data.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTES 64
#define PATH "/tmp/fs_write_unchecked.txt"

static void save_notes(void)
{
	FILE *f = fopen(PATH, "w");

	if (!f) {
		perror(PATH);
		exit(1);
	}
	fprintf(f, "%d\n", NOTES);
	for (int i = 0; i < NOTES; i++)
		fprintf(f, "note %02d: nothing fits on a full disk\n", i);
	fclose(f);	/* the bug: its result, and so a failed write, ignored */
}

static size_t load_notes(void)
{
	char *line[NOTES] = { 0 };
	size_t cap = 0, total = 0;
	int n = 0;
	FILE *f = fopen(PATH, "r");

	if (!f) {
		perror(PATH);
		exit(1);
	}
	if (fscanf(f, "%d\n", &n) != 1 || n < 0 || n > NOTES)
		n = 0;
	for (int i = 0; i < n; i++) {
		char *l = NULL;

		if (getline(&l, &cap, f) < 0) {
			free(l);
			break;
		}
		line[i] = l;
		cap = 0;
	}
	fclose(f);
	/* Trusts the count: the notes it wrote are all there. */
	for (int i = 0; i < n; i++)
		total += strlen(line[i]);
	for (int i = 0; i < NOTES; i++)
		free(line[i]);
	return total;
}

int main(void)
{
	save_notes();
	printf("%zu bytes of notes\n", load_notes());
	return 0;
}
