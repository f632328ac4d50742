/* flaky_crash - a crash on every other run: it counts its runs in the
 * file argv[1] (in a directory bound read-write, so the count survives
 * the runs) and writes through NULL on odd counts. A deterministic
 * stand-in for a timing-dependent bug: replayed 4 times it reproduces 2
 * (tests/integration/replay.sh, the flaky verdict). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	FILE *f;
	long n = 0;

	if (argc < 2)
		return 2;
	if ((f = fopen(argv[1], "r"))) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	n++;
	if (!(f = fopen(argv[1], "w")) || fprintf(f, "%ld\n", n) < 0 || fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	if (n % 2)
		*(volatile int *)NULL = 1;
	return 0;
}
