/* self_kill - test target: the program SIGKILLs itself while another
 * thread is blocked in read() on a pipe nobody writes to.
 *
 * The tracer must see the whole thread group die (the blocked reader
 * included) and end the run promptly, leaving no process behind.
 */
#pragma GCC optimize("O0")
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int fds[2];
static volatile int reader_started;

static void *reader(void *arg)
{
	char c;

	(void)arg;
	reader_started = 1;
	/* Blocks forever: the write end stays open and is never written. */
	if (read(fds[0], &c, 1) < 0)
		perror("self_kill: read");
	return NULL;
}

int main(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	pthread_t t;

	if (pipe(fds) < 0) {
		perror("self_kill: pipe");
		return 1;
	}
	if (pthread_create(&t, NULL, reader, NULL) != 0) {
		fprintf(stderr, "self_kill: pthread_create failed\n");
		return 1;
	}
	while (!reader_started)
		nanosleep(&ts, NULL);
	nanosleep(&ts, NULL);	/* let the reader reach read() */
	kill(getpid(), SIGKILL);
	pause();
	return 0;
}
