/* heap_offbyone - test target for --malloc-check: an off-by-one heap
 * write on an error path.
 *
 * Copies FILE to stdout. A failed read is handled (a message, exit 1),
 * but the message is built in a buffer one byte short: strlen() without
 * the NUL's byte, then strcpy/strcat write one past its end. glibc's
 * malloc rounds a 31-byte request up to 40 usable bytes, so the write
 * lands in padding and nothing ever notices; its debugging malloc
 * (MALLOC_CHECK_=3) keeps a check byte right after the 31 and aborts at
 * the free. --robust: the buffer has room for the NUL.
 */
#pragma GCC optimize("O0")
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int robust;

static void report_failure(int err)
{
	const char *why = strerror(err);
	size_t len = strlen("read failed: ") + strlen(why);
	char *msg = malloc(len + (robust ? 1 : 0));	/* the bug: no +1 */

	if (!msg)
		return;
	strcpy(msg, "read failed: ");
	strcat(msg, why);
	fprintf(stderr, "heap_offbyone: %s\n", msg);
	free(msg);
}

int main(int argc, char **argv)
{
	char buf[256];
	ssize_t n;
	int fd, i = 1;

	if (argc > 1 && strcmp(argv[1], "--robust") == 0)
		robust = 1, i++;
	if (argc - i != 1) {
		fprintf(stderr, "usage: heap_offbyone [--robust] FILE\n");
		return 2;
	}
	fd = open(argv[i], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "heap_offbyone: %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	if (n < 0) {
		report_failure(errno);
		return 1;
	}
	return 0;
}
