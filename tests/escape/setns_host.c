/* setns_host - escape attempt: join the host's network namespace.
 * Usage: setns_host [PATH], PATH a namespace file [/proc/1/ns/net]. Outside
 * a jail, as root, /proc/1 is the host's init and setns succeeds; in the
 * jail /proc/1 is the jail's own (non-dumpable) init, so when PATH cannot
 * be opened the attempt falls back to /proc/self/ns/net: the call itself is
 * what the jail must stop. Prints "escaped setns PATH" or "contained setns
 * PATH: error". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) int attempt(int fd)
{
	return setns(fd, CLONE_NEWNET);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/1/ns/net";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("note: cannot open %s (%s), trying /proc/self/ns/net\n", path, strerror(errno));
		path = "/proc/self/ns/net";
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("contained open %s: %s\n", path, strerror(errno));
			return 0;
		}
	}
	if (attempt(fd) < 0)
		printf("contained setns %s: %s\n", path, strerror(errno));
	else
		printf("escaped setns %s\n", path);
	return 0;
}
