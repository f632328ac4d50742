/* parse.c - a small stdin parser for bench/snapshot: reads its input in
 * 64-byte reads, counts "key=value" lines and bad ones, prints the counts.
 * Every error is checked, so a campaign of it is runs, not findings. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	unsigned long good = 0, bad = 0, col = 0, eq = 0;
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			perror("read");
			return 1;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (eq && col > eq)
					good++;
				else
					bad++;
				col = eq = 0;
				continue;
			}
			col++;
			if (buf[i] == '=' && !eq)
				eq = col;
		}
	}
	printf("%lu good, %lu bad\n", good, bad);
	return 0;
}
