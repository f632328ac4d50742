/* snap_setup - test target for fork snapshots: an expensive set-up, then
 * its standard input read to the end, with a bug on the error path.
 *
 * snap_setup MODE COUNTFILE < input
 *   The set-up (a table computed the slow way) appends one line to
 *   COUNTFILE each time it runs: snapshot mode must run it once.
 *   MODE bug: a read that fails ends in report_error(), which counts the
 *   error in a context that was never made: SIGSEGV there.
 *   MODE robust: the same failure is said on stderr, exit 1.
 *   MODE threads: a thread is started before stdin is touched (a template
 *   that cannot be forked).
 * Short reads are handled (the loop goes on). Prints the bytes and a sum;
 * aborts when it did not read its whole input (an offset not put back) or
 * finds O_NONBLOCK on its stdin, which every run sets when done (status
 * flags not put back). */
#pragma GCC optimize("O0")
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct errctx {
	unsigned errors;
};

static struct errctx *ctx;	/* made only by a logging set-up never run */
static unsigned table[4096];

static void setup(const char *countfile)
{
	int fd;

	for (int round = 0; round < 200; round++)
		for (unsigned i = 0; i < 4096; i++)
			table[i] = table[i] * 2654435761u + i + round;
	fd = open(countfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "setup\n", 6) != 6 || close(fd) < 0) {
		perror(countfile);
		exit(3);
	}
}

static void report_error(int err)
{
	fprintf(stderr, "read: %s\n", strerror(err));
	ctx->errors++;	/* the bug: ctx is NULL */
}

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	char buf[64];
	unsigned long sum = 0, total = 0;
	ssize_t n;
	pthread_t th;
	struct stat st;
	int fl;

	if (argc != 3) {
		fprintf(stderr, "usage: snap_setup bug|robust|threads COUNTFILE < input\n");
		return 2;
	}
	setup(argv[2]);
	if (strcmp(argv[1], "threads") == 0 && pthread_create(&th, NULL, idle, NULL) != 0)
		return 3;
	/* A run sets O_NONBLOCK on its stdin when done: no run may start
	 * with it set (the template's status flags must be put back). */
	fl = fcntl(0, F_GETFL);
	if (fl < 0 || (fl & O_NONBLOCK)) {
		fprintf(stderr, "stdin's flags left by an earlier run: %#x\n", fl);
		abort();
	}
	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (strcmp(argv[1], "robust") == 0) {
				fprintf(stderr, "read: %s\n", strerror(errno));
				return 1;
			}
			report_error(errno);
			return 1;
		}
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i] + table[(total + i) % 4096] % 7;
		total += n;
	}
	/* Every run must read its input from the start: a child of a
	 * snapshot shares the template's offset, which must be put back. */
	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) && (off_t)total != st.st_size) {
		fprintf(stderr, "stdin not read from its start: %lu of %lld bytes\n", total,
			(long long)st.st_size);
		abort();
	}
	if (fcntl(0, F_SETFL, fl | O_NONBLOCK) < 0)
		return 3;
	printf("%lu bytes, sum %lu\n", total, sum);
	return 0;
}
