/* tiocsti - escape attempt: push input into a terminal with TIOCSTI (what
 * the jail's setsid and the policy's ioctl rule are against). The
 * terminal is a new pseudo-terminal, never the caller's: the control run
 * outside a jail must not type into the developer's shell. TIOCSTI on a
 * terminal that is not one's controlling terminal needs CAP_SYS_ADMIN, so
 * the control succeeds as root only. Where no pseudo-terminal can be made
 * (the jail's /dev has no ptmx) the call is still made, on fd 0: the call
 * itself is what the jail must stop. Prints "escaped TIOCSTI" or
 * "contained TIOCSTI: error". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) int attempt(int fd)
{
	char c = '\n';

	return ioctl(fd, TIOCSTI, &c);
}

int main(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), fd = 0;

	if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0)
		fd = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (fd <= 0) {
		printf("note: no pseudo-terminal (%s); trying fd 0\n", strerror(errno));
		fd = 0;
	}
	if (attempt(fd) < 0)
		printf("contained TIOCSTI: %s\n", strerror(errno));
	else
		printf("escaped TIOCSTI\n");
	return 0;
}
