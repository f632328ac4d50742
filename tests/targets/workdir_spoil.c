/* workdir_spoil.c - spoils its working directory on every run: counts its
 * runs in ./counter and deletes ./data.txt. It aborts when it sees another
 * run's change (data.txt gone, or a counter above 0), so in a campaign
 * without per-run work directories the second run crashes. With "crash"
 * it aborts after spoiling (a finding whose work directory is kept).
 * I/O errors (injected faults) end it cleanly with exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	FILE *fp;
	int n = 0;

	if (access("data.txt", F_OK) != 0) {
		fprintf(stderr, "data.txt is gone: another run spoiled this directory\n");
		abort();
	}
	fp = fopen("counter", "r");
	if (fp) {
		if (fscanf(fp, "%d", &n) != 1)
			n = 0;
		fclose(fp);
	}
	if (n > 0) {
		fprintf(stderr, "counter is %d: another run spoiled this directory\n", n);
		abort();
	}
	fp = fopen("counter", "w");
	if (!fp)
		return 1;
	fprintf(fp, "%d\n", n + 1);
	if (fclose(fp) != 0)
		return 1;
	if (unlink("data.txt") != 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "crash") == 0)
		abort();
	puts("spoiled");
	return 0;
}
