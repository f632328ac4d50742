/* parse.c - a small stdin parser for bench/snapshot and bench/fuzzloop:
 * reads its input in 64-byte reads, counts "key=value" lines and bad ones,
 * prints the counts. Every error is checked, so a campaign of it is runs,
 * not findings. Two variants of the same parser for bench/fuzzloop:
 * -DBENCH_FORKLOOP (bench/parse_fork: N forks, no exec, no tracer: the
 * floor of a fork server) and -DBENCH_PERSIST (built by bench/fuzzloop
 * with afl-cc only: AFL++'s persistent mode, the same reads each round). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef BENCH_FORKLOOP
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#endif

static int parse(void)
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
	/* One write per input, in every variant (the persistent one never
	 * exits between inputs). */
	return fflush(stdout) == 0 ? 0 : 1;
}

#if defined(BENCH_FORKLOOP)
/* parse_fork N < INPUT: N children forked from here, each parsing INPUT
 * from its start with its stdout on /dev/null; prints runs per second. */
int main(int argc, char **argv)
{
	struct timespec a, b;
	long n = argc > 1 ? atol(argv[1]) : 0;

	if (n <= 0) {
		fprintf(stderr, "usage: parse_fork N < INPUT\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		pid_t pid;
		int st;

		if (lseek(0, 0, SEEK_SET) != 0)
			return 1;
		pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(127);
			_exit(parse());
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || st != 0)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", n / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9));
	return 0;
}
#elif defined(BENCH_PERSIST)
/* afl-fuzz rewrites the input file and rewinds the descriptor the
 * program's stdin shares before each round. */
int main(void)
{
	int rc = 0;

	while (__AFL_LOOP(100000))
		rc |= parse();
	return rc;
}
#else
int main(void)
{
	return parse();
}
#endif
