/* mem_hog - escape attempt: allocate and touch memory until malloc fails
 * or the program is killed, bounded by CAP MiB (argument, default 256) so
 * that the control without limits ends too. Prints "allocated N MiB" and
 * "stopped cap" or "stopped ENOMEM" when it was not killed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int cap = argc > 1 ? atoi(argv[1]) : 256, n = 0;
	const size_t mib = 1 << 20;

	while (n < cap) {
		char *p = malloc(mib);

		if (!p)
			break;
		memset(p, 0xa5, mib);	/* touch every page: charged, not just reserved */
		n++;
	}
	printf("allocated %d MiB\n", n);
	printf("stopped %s\n", n < cap ? "ENOMEM" : "cap");
	return 0;
}
