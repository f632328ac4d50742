/* many_threads - 80 worker threads, more than the 64 per-thread slots the
 * engine once had, each making one allocation. Every worker checks it but
 * the 70th (thread ordinal 70: main is 0, workers are numbered in creation
 * order, and only main creates them), which writes through a NULL in
 * worker_70. So a fault in thread 70's malloc is a finding there, and one
 * in any other thread is none (tests/integration/many_threads.sh). */
#pragma GCC optimize("O0")	/* stacks keep their frames whatever CFLAGS say */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 80
#define BUGGY 70

static void worker_70(char *p)
{
	p[0] = 'x';	/* the bug: no NULL check */
	free(p);
}

static void *worker(void *arg)
{
	long ordinal = (long)arg;
	char *p = malloc(32);

	if (ordinal == BUGGY) {
		worker_70(p);
		return NULL;
	}
	if (!p)
		return (void *)1;
	free(p);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	int failed = 0;

	/* One at a time: the worker ends before the next starts, so at most
	 * two threads live at once and ordinals follow the loop. */
	for (long i = 0; i < NTHREADS; i++) {
		void *r;

		if (pthread_create(&t[i], NULL, worker, (void *)(i + 1)) != 0) {
			perror("many_threads: pthread_create");
			return 2;
		}
		if (pthread_join(t[i], &r) == 0 && r)
			failed++;
	}
	printf("many_threads: %d of %d allocations failed\n", failed, NTHREADS);
	return 0;
}
