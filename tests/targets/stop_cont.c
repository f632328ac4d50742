/* stop_cont - test target: the program stops itself with SIGSTOP and a
 * child it forked resumes it with SIGCONT after 100 ms; then both exit 0.
 *
 * Under a tracer the SIGSTOP is a group-stop, which the tracer must leave
 * in place (not resume the program itself, not report it) until the
 * SIGCONT arrives.
 */
#pragma GCC optimize("O0")
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	pid_t parent = getpid(), child;
	int status;

	child = fork();
	if (child < 0) {
		perror("stop_cont: fork");
		return 1;
	}
	if (child == 0) {
		nanosleep(&ts, NULL);
		kill(parent, SIGCONT);
		_exit(0);
	}
	raise(SIGSTOP);
	/* Here only after the child's SIGCONT. */
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "stop_cont: child failed\n");
		return 1;
	}
	printf("resumed\n");
	return 0;
}
