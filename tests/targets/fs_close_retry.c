/* fs_close_retry - test target: retries close when it says EINTR, as
 * POSIX leaves open but Linux forbids: the descriptor is released before
 * the flush is interrupted, so the retry gets EBADF, which the program
 * takes for broken bookkeeping and aborts (with threads it would close a
 * descriptor another thread was just given). Built at -O0 and -O2 -g.
 * Everything else is checked, so under --inject=fs the one finding is the
 * retry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PATH "/tmp/fs_close_retry.log"

static volatile sig_atomic_t reloads;

static void on_hup(int sig)
{
	(void)sig;
	reloads++;
}

static void save_log(void)
{
	int fd = open(PATH, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	if (fd < 0) {
		perror(PATH);
		exit(1);
	}
	if (write(fd, "log\n", 4) != 4) {
		perror("write");
		exit(1);
	}
	while (close(fd) < 0) {
		if (errno == EINTR)
			continue;	/* the bug: the descriptor is already gone */
		if (errno == EBADF)
			abort();	/* "cannot happen": our descriptors are broken */
		perror("close");
		break;
	}
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_hup, .sa_flags = SA_RESTART };

	if (sigaction(SIGHUP, &sa, NULL) < 0) {
		perror("sigaction");
		return 1;
	}
	save_log();
	printf("saved (%d reloads)\n", (int)reloads);
	return 0;
}
