/* loop.c - the benchmark's target: one kind of call in a tight loop, timed
 * from inside, printing nanoseconds per call on stdout. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static char buf[4096];
	long n = argc > 2 ? atol(argv[2]) : 100000;
	const char *mode = argc > 1 ? argv[1] : "getppid";
	const char *file = argc > 3 ? argv[3] : "/etc/services";
	volatile long sink = 0;
	double t0;
	int fd = open(file, O_RDONLY);

	if (fd < 0 || n <= 0) {
		perror("loop");
		return 2;
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (strcmp(mode, "getppid") == 0) {
			sink += getppid();
		} else if (strcmp(mode, "read4k") == 0) {
			sink += pread(fd, buf, sizeof(buf), 0);
		} else if (strcmp(mode, "read1") == 0) {
			sink += pread(fd, buf, 1, 0);
		} else if (strcmp(mode, "malloc") == 0) {
			void *p = malloc(32);

			sink += p != NULL;
			free(p);
		} else if (strcmp(mode, "clock") == 0) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);	/* the vDSO's */
			sink += ts.tv_nsec;
		} else if (strcmp(mode, "clocksys") == 0) {
			struct timespec ts;

			syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
			sink += ts.tv_nsec;
		} else if (strcmp(mode, "cpuclock") == 0) {
			struct timespec ts;

			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
			sink += ts.tv_nsec;
		} else {
			fprintf(stderr, "loop: unknown mode %s\n", mode);
			return 2;
		}
	}
	printf("%.1f\n", (now_ns() - t0) / n);
	return sink == 0;
}
