/* threads - test target: the unchecked allocation runs in a worker thread.
 *
 * main starts three threads: two "checkers" that handle allocation failure
 * and one "builder" whose worker_build() writes through an unchecked malloc
 * result. A NULL there faults in a thread other than the first (ordinal != 0),
 * which is what the test asserts. Threads are joined one after another, so
 * the run is deterministic apart from scheduling, which does not change
 * which site fails.
 */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
#pragma GCC optimize("O0")
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct job {
	int id;
	int result;
};

static void *worker_check(void *arg)
{
	struct job *j = arg;
	int *v = malloc(64 * sizeof *v);	/* checked */

	if (!v) {
		j->result = -1;
		return NULL;
	}
	for (int i = 0; i < 64; i++)
		v[i] = i * j->id;
	j->result = v[63];
	free(v);
	return NULL;
}

/* The bug: no NULL check. */
static void *worker_build(void *arg)
{
	struct job *j = arg;
	char *buf = malloc(128);

	memset(buf, 'x', 127);
	buf[127] = '\0';
	j->result = (int)strlen(buf);
	free(buf);
	return NULL;
}

int main(void)
{
	pthread_t th[3];
	struct job jobs[3] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
	void *(*fn[3])(void *) = { worker_check, worker_build, worker_check };
	int rc = 0;

	for (int i = 0; i < 3; i++)
		if (pthread_create(&th[i], NULL, fn[i], &jobs[i]) != 0) {
			fprintf(stderr, "threads: pthread_create failed\n");
			for (int k = 0; k < i; k++)
				pthread_join(th[k], NULL);
			return 1;
		}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		if (jobs[i].result < 0)
			rc = 1;
	}
	printf("results %d %d %d\n", jobs[0].result, jobs[1].result, jobs[2].result);
	return rc;
}
