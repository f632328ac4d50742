/* mem_robust - test target that handles every failure the kernel level of
 * the alloc class can cause.
 *
 * It allocates through malloc (small, large, growing realloc, calloc), maps
 * anonymous memory directly, and runs a worker thread that grows its own
 * malloc arena. Every result is checked; a failure prints one line and exits
 * 1. No stdio on the data path, no pthread_exit (it would dlopen libgcc_s
 * to unwind). Under any kernel memory fault, one-shot or exhausted, the
 * outcome is exit 0 or exit 1, never a signal: a finding on this program is
 * a bug in fzsandbox.
 */

/* -O0 whatever CFLAGS say: the stacks the tests assert on must not lose
 * frames to inlining or tail calls. */
#pragma GCC optimize("O0")
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Best effort: if reporting the error fails too there is nothing left. */
static void die(const char *msg)
{
	if (write(2, "mem_robust: ", 12) >= 0 && write(2, msg, strlen(msg)) >= 0 &&
	    write(2, "\n", 1) >= 0) {
		/* nothing */
	}
	_exit(1);
}

static void *checked_malloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		die("out of memory");
	memset(p, 1, n);
	return p;
}

/* Small blocks, then one above the mmap threshold, grown with realloc
 * (mremap when it was mmapped). */
static void heap_work(void)
{
	char *small[32], *big, *nb;
	int *zero;

	for (int i = 0; i < 32; i++)
		small[i] = checked_malloc(4000);
	big = checked_malloc(256 * 1024);
	nb = realloc(big, 1024 * 1024);
	if (!nb)
		die("out of memory (realloc)");
	big = nb;
	big[1024 * 1024 - 1] = 2;
	zero = calloc(1000, sizeof *zero);
	if (!zero)
		die("out of memory (calloc)");
	free(zero);
	free(big);
	for (int i = 0; i < 32; i++)
		free(small[i]);
}

static void map_work(void)
{
	size_t len = 64 * 1024;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap failed");
	memset(p, 3, len);
	if (munmap(p, len) != 0)
		die("munmap failed");
}

/* A thread's mallocs create and grow a thread arena (mmap, mprotect). */
static void *worker(void *arg)
{
	char *blocks[200];
	int n;

	for (n = 0; n < 200; n++) {
		blocks[n] = malloc(1000);
		if (!blocks[n])
			break;
		memset(blocks[n], 4, 1000);
	}
	*(int *)arg = n == 200 ? 0 : -1;
	while (n-- > 0)
		free(blocks[n]);
	return NULL;
}

static void thread_work(void)
{
	pthread_t th;
	int result = -1;

	if (pthread_create(&th, NULL, worker, &result) != 0)
		die("cannot start a thread");
	if (pthread_join(th, NULL) != 0)
		die("cannot join the thread");
	if (result != 0)
		die("out of memory (worker)");
}

int main(void)
{
	heap_work();
	map_work();
	thread_work();
	if (write(1, "ok\n", 3) != 3)
		return 1;
	return 0;
}
