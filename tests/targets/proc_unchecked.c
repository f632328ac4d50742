/* proc_unchecked - test target: pthread_create's result is ignored and the
 * program assumes its worker ran. When the kernel refuses the clone
 * (EAGAIN at RLIMIT_NPROC, ENOMEM) there is no worker, the result it
 * should have left is NULL and print_result() dereferences it.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct result {
	char text[32];
	size_t len;
};

static struct result *result;	/* the worker's, once it ran */

static void *worker(void *arg)
{
	struct result *r = calloc(1, sizeof(*r));

	if (r) {
		snprintf(r->text, sizeof(r->text), "%s", (const char *)arg);
		r->len = strlen(r->text);
	}
	result = r;
	return NULL;
}

/* The bug: it trusts that the worker ran and left a result. */
static __attribute__((noinline)) void print_result(void)
{
	printf("%s: %zu bytes\n", result->text, result->len);
}

int main(void)
{
	pthread_t th;

	/* Unchecked: a failed pthread_create leaves no thread to join. */
	if (pthread_create(&th, NULL, worker, "hello") == 0)
		pthread_join(th, NULL);
	print_result();
	free(result);
	return 0;
}
