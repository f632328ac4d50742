/* swallow - test target: a failed read taken for the end of the file.
 *
 * A cat: copies FILE to stdout in 256-byte reads. A read that fails ends
 * the loop as end-of-file would, and the program exits 0 without a word,
 * its output cut short: the outcome table's "exited 0 silently" group
 * (the failure was swallowed). A short read is read on, and open, write
 * and close are checked (a message, exit 1): those are handled.
 */
#pragma GCC optimize("O0")
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int copy_out(int fd)
{
	char buf[256];
	ssize_t n;

	/* The bug: n < 0 is treated as n == 0. */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, n - off);

			if (w < 0) {
				fprintf(stderr, "swallow: write: %s\n", strerror(errno));
				return 1;
			}
			off += w;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: swallow FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "swallow: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	rc = copy_out(fd);
	if (close(fd) < 0) {
		fprintf(stderr, "swallow: close: %s\n", strerror(errno));
		return 1;
	}
	return rc;
}
