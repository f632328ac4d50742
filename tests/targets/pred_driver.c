/* pred_driver - test target: a driver that runs another program, as make
 * or a test runner does (tests/integration/only_exe.sh).
 *
 * pred_driver FILE PROG [ARGS...] first loads FILE itself, with the same
 * unchecked read as pred_target (a failed read crashes in
 * driver_load()), then forks and execs PROG ARGS and exits with its
 * status. Fault every program and the driver's bug is found too; fault
 * only PROG (--only-exe) and it never is.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char copy[256];

static void driver_load(const char *name)
{
	char buf[256];
	int fd = open(name, O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf));	/* BUG: unchecked */

	memcpy(copy, buf, (size_t)n);
	close(fd);
}

int main(int argc, char **argv)
{
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: pred_driver FILE PROG [ARGS...]\n");
		return 2;
	}
	driver_load(argv[1]);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execv(argv[2], argv + 2);
		perror("execv");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
