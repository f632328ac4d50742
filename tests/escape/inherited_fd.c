/* inherited_fd - escape attempt: use a descriptor fzsandbox's caller left
 * open (a shell's 9>>FILE: a host file the jail cannot name). Lists the
 * open descriptors ("fds 0 1 2 ..."; the directory's own is left out) and
 * writes "fz-escape\n" to each one above 2. Any descriptor above 2 is an
 * escape: prints "escaped fd N" (written) or "escaped fd N: open, not
 * writable: ERROR" for each (exit 42), or "contained: no descriptor above
 * 2" (exit 0). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	static const char msg[] = "fz-escape\n";
	int fds[256], n = 0, escaped = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	/* A descriptor may be a pipe nobody reads any more: report EPIPE
	 * rather than die of SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (!d) {
		perror("inherited_fd: /proc/self/fd");
		return 2;
	}
	while ((de = readdir(d)) && n < 256) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd == dirfd(d))
			continue;
		fds[n++] = (int)fd;
	}
	closedir(d);
	/* readdir's order is the kernel's: ascending. */
	printf("fds");
	for (int i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf("\n");
	for (int i = 0; i < n; i++) {
		if (fds[i] <= 2)
			continue;
		if (write(fds[i], msg, sizeof(msg) - 1) == (ssize_t)sizeof(msg) - 1)
			printf("escaped fd %d\n", fds[i]);
		else
			printf("escaped fd %d: open, not writable: %s\n", fds[i], strerror(errno));
		escaped = 1;
	}
	if (!escaped)
		printf("contained: no descriptor above 2\n");
	return escaped ? 42 : 0;
}
