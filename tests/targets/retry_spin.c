/* retry_spin - test target: a client whose recovery from one failed read
 * costs ever after.
 *
 * Copies FILE to stdout in 64-byte reads. A read that fails (EIO, EINTR,
 * EAGAIN...) is retried, so the output is always right and it exits 0;
 * but from then on the client "backs off" on every read:
 *   (default)  it busy-waits 5 ms before each read (a spin on the clock,
 *              never a sleep): CPU time, a slowdown by --slowdown's CPU
 *              measure;
 *   --bytes    it reads one byte at a time (a "safe mode"): a storm of
 *              calls, a slowdown by the traced-calls measure;
 *   --robust   it waits once, after the failure only: no slowdown.
 * Short reads are not failures: read on, no back-off.
 */
#pragma GCC optimize("O0")
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum mode { SPIN, BYTES, ROBUST };

static void spin_ms(long ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static int put(const char *p, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);

		if (w < 0) {
			fprintf(stderr, "retry_spin: write: %s\n", strerror(errno));
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

static int copy_in(int fd, enum mode mode)
{
	char buf[64];
	int backoff = 0;	/* set by a failure, never cleared (the bug) */

	for (;;) {
		size_t want = backoff && mode == BYTES ? 1 : sizeof(buf);
		ssize_t n;

		if (backoff && mode == SPIN)
			spin_ms(5);
		n = read(fd, buf, want);
		if (n < 0) {
			/* Retry: the source is flaky, go gently from now on. */
			backoff = 1;
			if (mode == ROBUST)
				spin_ms(5);
			if (mode == ROBUST)
				backoff = 0;
			continue;
		}
		if (n == 0)
			return 0;
		if (put(buf, n) < 0)
			return 1;
	}
}

int main(int argc, char **argv)
{
	enum mode mode = SPIN;
	int fd, rc;

	if (argc == 3 && strcmp(argv[1], "--bytes") == 0)
		mode = BYTES;
	else if (argc == 3 && strcmp(argv[1], "--robust") == 0)
		mode = ROBUST;
	else if (argc != 2) {
		fprintf(stderr, "usage: retry_spin [--bytes|--robust] FILE\n");
		return 2;
	}
	fd = open(argv[argc - 1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "retry_spin: %s: %s\n", argv[argc - 1], strerror(errno));
		return 1;
	}
	rc = copy_in(fd, mode);
	close(fd);
	return rc;
}
