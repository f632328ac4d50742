/* fork_bomb - escape attempt: fork until fork fails, bounded by MAX
 * (argument, default 200) so that the control without limits ends too.
 * Each child just waits. Prints "forks N" (children created) and
 * "stopped max" or "stopped ERRNO-NAME", kills and reaps the children,
 * exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int max = argc > 1 ? atoi(argv[1]) : 200;
	pid_t *kids = calloc(max > 0 ? max : 1, sizeof(pid_t));
	int n = 0, err = 0;

	if (!kids)
		return 2;
	while (n < max) {
		pid_t p = fork();

		if (p < 0) {
			err = errno;
			break;
		}
		if (p == 0) {
			/* Die with the parent, whatever happens to it. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(0);
			for (;;)
				pause();
		}
		kids[n++] = p;
	}
	printf("forks %d\n", n);
	printf("stopped %s\n", err ? strerrorname_np(err) : "max");
	fflush(stdout);
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	return 0;
}
