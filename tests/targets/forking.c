/* forking - test target: the unchecked allocation runs in a forked child.
 *
 * The parent forks once; child_work() in the child writes through an
 * unchecked malloc result. The parent waits, reports how the child ended and
 * exits 0 either way: the crash is only visible to a tool that follows
 * fork, which is what the test checks.
 */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
#pragma GCC optimize("O0")
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The bug: no NULL check. */
static int child_work(void)
{
	char *buf = malloc(256);

	strcpy(buf, "child says hello");
	printf("%s\n", buf);
	free(buf);
	return 0;
}

int main(void)
{
	int status;
	pid_t pid;
	char *note = malloc(32);	/* checked */

	if (!note) {
		fprintf(stderr, "forking: out of memory\n");
		return 1;
	}
	strcpy(note, "parent");
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "forking: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		_exit(child_work() == 0 && fflush(stdout) == 0 ? 0 : 1);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "forking: waitpid: %s\n", strerror(errno));
			return 1;
		}
	if (WIFSIGNALED(status))
		printf("%s: child killed by signal %d\n", note, WTERMSIG(status));
	else
		printf("%s: child exited %d\n", note, WEXITSTATUS(status));
	free(note);
	return 0;
}
