/* setid_file - escape attempt: leave a set-user-ID file on the host. Root's
 * read-write binds are idmapped (sandbox/idmap.c), so a file the jail
 * creates there is host root's; with S_ISUID set it would run as root for
 * anyone on the host. "setid_file chmod PATH" creates PATH then sets the
 * bit with chmod(2); "setid_file open PATH" creates it with the bit in
 * open(2)'s mode. Prints "escaped setid MODE" when the file has S_ISUID
 * afterwards, else "contained setid: error". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) int attempt(const char *how,
									   const char *path)
{
	int fd, r;

	if (strcmp(how, "open") == 0) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 04755);
		if (fd < 0)
			return -1;
		/* Creation may drop the bit without failing: umask does not
		 * touch it, but say so if it happens. */
		return close(fd);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0)
		return -1;
	close(fd);
	r = chmod(path, 04755);
	return r;
}

int main(int argc, char **argv)
{
	struct stat st;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: setid_file chmod|open PATH\n");
		return 2;
	}
	unlink(argv[2]);
	r = attempt(argv[1], argv[2]);
	if (r < 0)
		printf("contained setid: %s\n", strerror(errno));
	else if (stat(argv[2], &st) < 0)
		printf("contained setid: stat: %s\n", strerror(errno));
	else if (st.st_mode & S_ISUID)
		printf("escaped setid %o\n", (unsigned)(st.st_mode & 07777));
	else
		printf("contained setid: the bit did not stick (%o)\n", (unsigned)(st.st_mode & 07777));
	return 0;
}
