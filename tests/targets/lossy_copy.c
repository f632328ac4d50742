/* lossy_copy - test target for --check=output: copies IN to stdout and to
 * the file OUT, in 64-byte reads.
 *
 * The bug: a read that fails ends the copy as end of file would, and the
 * program exits 0 with stdout and OUT cut short (silent corruption).
 * --robust: a failed read (or write, or close) is a message and exit 1;
 * a short read or write goes on. --retry: a failed read is said on stdout
 * ("read retried") and read again: nothing lost, one line added (only
 * --check=output-diff calls that a finding). --stamp: a first line with
 * the time, which differs from run to run (--ignore='at [0-9.]+').
 * --skip: the block whose read failed is skipped and the copy goes on
 * (with 16-byte lines, four lines lost from the middle). --file-only: IN goes to OUT only (stdout gets at most the stamp).
 */
#pragma GCC optimize("O0")
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int robust, retry, file_only, skip;

static int put(int fd, const char *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf(stderr, "lossy_copy: write: %s\n", strerror(errno));
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

static int copy(int in, int out)
{
	char buf[64];
	ssize_t n;

	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || retry)) {
			if (retry && errno != EINTR && put(1, "read retried\n", 13) < 0)
				return 1;
			continue;
		}
		/* The other bug: the block that failed is skipped, the
		 * rest copied (lines lost from the middle). */
		if (n < 0 && skip && lseek(in, sizeof(buf), SEEK_CUR) >= 0)
			continue;
		if (n < 0 && robust) {
			fprintf(stderr, "lossy_copy: read: %s\n", strerror(errno));
			return 1;
		}
		if (n <= 0)	/* the bug: an error taken for the end */
			return 0;
		if ((!file_only && put(1, buf, (size_t)n) < 0) || put(out, buf, (size_t)n) < 0)
			return 1;
	}
}

int main(int argc, char **argv)
{
	int i = 1, in, out, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--robust") == 0)
			robust = 1;
		else if (strcmp(argv[i], "--retry") == 0)
			retry = 1;
		else if (strcmp(argv[i], "--skip") == 0)
			skip = 1;
		else if (strcmp(argv[i], "--file-only") == 0)
			file_only = 1;
		else if (strcmp(argv[i], "--stamp") == 0) {
			struct timespec ts;

			/* Not the pid: the jail's pid namespace makes it 2. */
			clock_gettime(CLOCK_REALTIME, &ts);
			printf("lossy_copy: started at %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
		}
	}
	fflush(stdout);
	if (argc - i != 2) {
		fprintf(stderr, "usage: lossy_copy [--robust|--retry|--skip] [--stamp] [--file-only] IN OUT\n");
		return 2;
	}
	in = open(argv[i], O_RDONLY);
	if (in < 0) {
		fprintf(stderr, "lossy_copy: %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	out = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		fprintf(stderr, "lossy_copy: %s: %s\n", argv[i + 1], strerror(errno));
		return 1;
	}
	rc = copy(in, out);
	if (close(out) < 0 && robust) {
		fprintf(stderr, "lossy_copy: close: %s\n", strerror(errno));
		return 1;
	}
	close(in);
	return rc;
}
