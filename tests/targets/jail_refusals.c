/* jail_refusals.c - a program that takes a refused call quietly, as real
 * ones do: an HTML checker opens its input read-write as a check and says
 * "is not a file!" when that fails, then exits 0. Each mode makes one call
 * the jail may refuse and the host would allow (tests/integration/
 * jail_refusals.sh); every failure is a line on stderr, never an exit
 * status.
 *   rdwr FILE     open(FILE, O_RDWR)
 *   read          open($FZ_REFUSAL_PATH, O_RDONLY) (not an argument: the
 *                 jail would bind it)
 *   rlimit N      setrlimit(RLIMIT_NOFILE, {N, N})
 *   setuid ID     setuid(ID)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";

	if (strcmp(mode, "rdwr") == 0) {
		int fd = open(arg, O_RDWR);

		if (fd < 0)
			fprintf(stderr, "%s is not a file!\n", arg);
		else
			printf("checked %s\n", arg);
	} else if (strcmp(mode, "read") == 0) {
		const char *p = getenv("FZ_REFUSAL_PATH");
		int fd = p ? open(p, O_RDONLY) : -1;

		if (fd < 0)
			fprintf(stderr, "no settings in %s: %s\n", p ? p : "(unset)", strerror(errno));
		else
			printf("read %s\n", p);
	} else if (strcmp(mode, "rlimit") == 0) {
		struct rlimit r = { strtoul(arg, NULL, 10), strtoul(arg, NULL, 10) };

		if (setrlimit(RLIMIT_NOFILE, &r) < 0)
			fprintf(stderr, "cannot raise the open files limit: %s\n", strerror(errno));
		else
			printf("limit %s\n", arg);
	} else if (strcmp(mode, "setuid") == 0) {
		if (setuid((uid_t)strtoul(arg, NULL, 10)) < 0)
			fprintf(stderr, "cannot drop to uid %s: %s\n", arg, strerror(errno));
		else
			printf("uid %s\n", arg);
	} else {
		fprintf(stderr, "usage: jail_refusals rdwr FILE|read|rlimit N|setuid ID\n");
		return 2;
	}
	return 0;
}
