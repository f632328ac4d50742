/* snap_input - test target for the snapshot points of a file argument
 * (--snapshot-at=file:PATH, --fuzz's '@@') and of a function
 * (--snapshot-at=func:input_begin).
 *
 * snap_input COUNTFILE [FILE]
 *   The set-up appends "setup" to COUNTFILE each time it runs; then
 *   input_begin() appends "begin" (a template parked at its entry runs
 *   it in every child). Then the input: FILE, whose size is taken with
 *   stat() before it is opened (as file and sort do), or stdin. It is
 *   read to the end and "N bytes, sum S" printed: the output depends on
 *   the input only. Aborts when the size stat() or fstat() gave is not
 *   what was read: a stat the template made for an earlier input. A read
 *   that fails is said on stderr, exit 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void count(const char *countfile, const char *what)
{
	int fd = open(countfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	size_t len = strlen(what);

	if (fd < 0 || write(fd, what, len) != (ssize_t)len || close(fd) < 0) {
		perror(countfile);
		exit(3);
	}
}

/* Not static, not inlined: the point of --snapshot-at=func:input_begin. */
__attribute__((noinline)) void input_begin(const char *countfile)
{
	count(countfile, "begin\n");
}

int main(int argc, char **argv)
{
	unsigned long sum = 0, total = 0;
	long long size = -1;
	struct stat st;
	char buf[256];
	ssize_t n;
	int fd = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: snap_input COUNTFILE [FILE]\n");
		return 2;
	}
	count(argv[1], "setup\n");
	input_begin(argv[1]);
	if (argc == 3) {
		if (stat(argv[2], &st) < 0 || (fd = open(argv[2], O_RDONLY)) < 0) {
			fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		size = st.st_size;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "read: %s\n", strerror(errno));
			return 1;
		}
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		total += n;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (unsigned long)st.st_size != total) {
		fprintf(stderr, "fstat says %lld bytes, read %lu\n", (long long)st.st_size, total);
		abort();
	}
	if (size >= 0 && (unsigned long)size != total) {
		fprintf(stderr, "stat said %lld bytes, read %lu\n", size, total);
		abort();
	}
	printf("%lu bytes, sum %lu\n", total, sum);
	return 0;
}
