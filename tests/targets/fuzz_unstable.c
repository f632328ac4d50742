/* fuzz_unstable.c - a program whose syscalls change from run to run for
 * the same input, for --fuzz's stability (fuzz_status.sh): after reading
 * its input (stdin) it makes 32 calls, each one of four as two random
 * bits (getrandom) say, so the 16 pairs of consecutive calls, the syscall
 * shape's cells, are counted differently in almost every run. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

/* Four calls the fuzz loop's runs stop at (io and fs classes). */
static int call(unsigned which, char *buf)
{
	switch (which) {
	case 0:
		return write(1, ".", 1) == 1 ? 0 : -1;
	case 1:
		return read(0, buf, 0) < 0 ? -1 : 0;
	case 2:
		(void)lseek(0, 0, SEEK_CUR);	/* ESPIPE on a pipe: either will do */
		return 0;
	default:
		return close(-1) < 0 ? 0 : -1;	/* EBADF */
	}
}

int main(void)
{
	char buf[256];
	uint64_t r = 0;
	ssize_t n = read(0, buf, sizeof(buf));

	if (n < 0 || getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return 1;
	for (int i = 0; i < 32; i++)
		if (call((unsigned)(r >> (2 * i)) & 3, buf) < 0)
			return 1;
	printf("\n%zd bytes\n", n);
	return 0;
}
