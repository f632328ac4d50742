/* spawn.c - the baseline for runs per second: bare fork + exec + wait of
 * a program, N times; prints runs per second. A file on stdin is rewound
 * before each run, so every run reads it whole. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	long n = argc > 2 ? atol(argv[1]) : 0;

	if (n <= 0) {
		fprintf(stderr, "usage: spawn N PROGRAM [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		pid_t pid;
		int st;

		if (lseek(0, 0, SEEK_SET) < 0 && errno != ESPIPE && errno != EBADF)
			return 1;	/* ESPIPE: a tty or pipe, EBADF: closed */
		pid = fork();

		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(127);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", n / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9));
	return 0;
}
