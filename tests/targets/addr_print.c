/* addr_print: prints where its stack, heap and code are, then exits 0
 * (1 when stdout fails). Every other call's failure it shrugs off: a
 * run under faults prints what the run without faults printed, unless
 * the addresses move from run to run (tests/integration/aslr.sh). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	int local = 0;
	char *heap = malloc(16);
	int fd = open("/dev/null", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "x", 1) < 0)
			local = 1;	/* not ours to report */
		close(fd);
	}
	printf("stack %p heap %p code %p\n", (void *)&local, (void *)heap, (void *)main);
	free(heap);
	return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
}
