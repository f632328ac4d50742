/* stop_cont - test target: the program stops itself with SIGSTOP and a
 * child it forked resumes it with SIGCONT; then both exit 0.
 *
 * Under a tracer the SIGSTOP is a group-stop, which the tracer must leave
 * in place (not report it as a crash or hang) until the SIGCONT resumes
 * the program. The child sends SIGCONT every 100 ms until the parent
 * closes its end of a pipe (it is running again), so a parent that is slow
 * to stop itself is resumed all the same: no race with the first SIGCONT.
 */
#pragma GCC optimize("O0")
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t parent = getpid(), child;
	int fds[2], status;

	if (pipe(fds) < 0) {
		perror("stop_cont: pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("stop_cont: fork");
		return 1;
	}
	if (child == 0) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };

		close(fds[1]);
		/* Up to 10 s; POLLHUP once the parent has resumed. */
		for (int i = 0; i < 100; i++) {
			if (poll(&p, 1, 100) > 0)
				_exit(0);
			kill(parent, SIGCONT);
		}
		_exit(1);
	}
	close(fds[0]);
	raise(SIGSTOP);
	/* Here only after a SIGCONT from the child. */
	close(fds[1]);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "stop_cont: child failed\n");
		return 1;
	}
	printf("resumed\n");
	return 0;
}
