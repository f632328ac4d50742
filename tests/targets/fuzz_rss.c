/* fuzz_rss.c - a program that allocates and touches 50 MiB, whatever its
 * input (stdin): its peak RSS is at least that, for --fuzz's status and
 * fuzzer_stats's peak_rss_mb (fuzz_status.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIZE (50u << 20)

int main(void)
{
	char buf[256];
	ssize_t n = read(0, buf, sizeof(buf));
	/* volatile: the compiler must not drop the writes. */
	volatile char *p = malloc(SIZE);
	unsigned sum = 0;

	if (n < 0 || !p)
		return 1;
	for (size_t i = 0; i < SIZE; i += 4096)
		p[i] = (char)i;
	for (size_t i = 0; i < SIZE; i += 4096)
		sum += (unsigned char)p[i];
	printf("%zd bytes, %u\n", n, sum);
	return 0;
}
