/* delay_hold - test target for latency (--fault=read:delay=DUR): the
 * parent reads one byte that is already in a pipe (held_read) and says
 * how long the read took; a forked child meanwhile reads /dev/zero a
 * byte at a time for 2.5 s and says how many reads it made and the
 * longest gap between two, so a tracer that slept while it held the
 * parent would show as a gap as long as the delay.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static __attribute__((noinline)) long held_read(int fd)
{
	char c;

	return (long)read(fd, &c, 1);
}

static void child(int out)
{
	long long start = now_ms(), last = start, gap = 0, n = 0;
	int z = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	char c, line[96];
	int len;

	if (z < 0)
		_exit(1);
	while (now_ms() - start < 2500) {
		long long t;

		if (read(z, &c, 1) != 1)
			_exit(1);
		t = now_ms();
		if (t - last > gap)
			gap = t - last;
		last = t;
		n++;
	}
	len = snprintf(line, sizeof(line), "child: %lld reads, longest gap %lld ms\n", n, gap);
	_exit(write(out, line, (size_t)len) == len ? 0 : 1);
}

int main(void)
{
	int data[2], rep[2], st;
	long long t0;
	long r;
	pid_t pid;
	char buf[128];
	ssize_t n;

	if (pipe(data) < 0 || pipe(rep) < 0 || write(data[1], "x", 1) != 1) {
		perror("pipe");
		return 1;
	}
	if ((pid = fork()) < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0)
		child(rep[1]);
	close(rep[1]);
	t0 = now_ms();
	r = held_read(data[0]);
	printf("held read: %ld after %lld ms\n", r, now_ms() - t0);
	fflush(stdout);
	while ((n = read(rep[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "delay_hold: the child failed\n");
		return 1;
	}
	return 0;
}
