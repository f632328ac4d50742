/* proc_robust - test target: every call the proc class fails is checked
 * and its failure handled (a message, a fallback, a clean exit), so no
 * fault of the class is a finding: new threads (pthread_create: clone3 or
 * clone), processes (fork, vfork through posix_spawn), images (execve),
 * descriptors (pipe, pipe2, dup, fcntl F_DUPFD_CLOEXEC).
 */
#pragma GCC optimize("O0")
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void *worker(void *arg)
{
	*(int *)arg = 42;
	return NULL;
}

static void threads(void)
{
	pthread_t th;
	int v = 0, err = pthread_create(&th, NULL, worker, &v);

	if (err) {
		fprintf(stderr, "proc_robust: pthread_create: %s\n", strerror(err));
		worker(&v);	/* do the work here instead */
	} else {
		pthread_join(th, NULL);
	}
	printf("thread: %d\n", v);
}

static void processes(const char *self)
{
	char *argv[] = { (char *)self, "child", NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "proc_robust: fork: %s\n", strerror(errno));
	} else if (pid == 0) {
		execve(self, argv, environ);
		fprintf(stderr, "proc_robust: execve: %s\n", strerror(errno));
		_exit(127);
	} else if (waitpid(pid, &status, 0) == pid) {
		printf("child: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	/* posix_spawn: clone3 (or clone) with CLONE_VM | CLONE_VFORK. */
	errno = posix_spawn(&pid, self, NULL, NULL, argv, environ);
	if (errno)
		fprintf(stderr, "proc_robust: posix_spawn: %s\n", strerror(errno));
	else if (waitpid(pid, &status, 0) == pid)
		printf("spawned: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void descriptors(void)
{
	int p[2], q[2], d, e;

	if (pipe(p) < 0) {
		fprintf(stderr, "proc_robust: pipe: %s\n", strerror(errno));
		return;
	}
	if (pipe2(q, O_CLOEXEC) < 0)
		fprintf(stderr, "proc_robust: pipe2: %s\n", strerror(errno));
	else
		close(q[0]), close(q[1]);
	d = dup(p[1]);
	if (d < 0)
		fprintf(stderr, "proc_robust: dup: %s\n", strerror(errno));
	e = fcntl(p[1], F_DUPFD_CLOEXEC, 10);
	if (e < 0)
		fprintf(stderr, "proc_robust: fcntl: %s\n", strerror(errno));
	printf("dup: %d %d\n", d >= 0, e >= 0);
	if (d >= 0)
		close(d);
	if (e >= 0)
		close(e);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 0;
	threads();
	processes(argv[0]);
	descriptors();
	return 0;
}
