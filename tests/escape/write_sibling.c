/* write_sibling - escape attempt (issue 10): a program named one output
 * file writes the rest of that file's directory.
 * Usage: write_sibling OUTPUT        writes OUTPUT, then creates DIR/fz-sibling
 *                                    and overwrites the existing DIR/victim
 *        write_sibling -s OUTPUT T   plants a symlink to T at OUTPUT
 *        write_sibling -l OUTPUT T   makes OUTPUT a hard link of T
 * Prints "wrote PATH" or "refused PATH: error" per attempt and exits 0:
 * in the jail the writes land in an overlay and succeed all the same, so
 * only the host side (checked by the caller) tells whether they left. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void report(const char *path, int ok)
{
	if (ok)
		printf("wrote %s\n", path);
	else
		printf("refused %s: %s\n", path, strerror(errno));
}

static int write_file(const char *path, int flags, const char *text)
{
	int fd = open(path, O_WRONLY | flags, 0644);
	ssize_t n = (ssize_t)strlen(text);

	if (fd < 0)
		return 0;
	if (write(fd, text, n) != n) {
		close(fd);
		return 0;
	}
	return close(fd) == 0;
}

int main(int argc, char **argv)
{
	char dir[4096], path[4096 + 16], *slash;

	if (argc == 4 && strcmp(argv[1], "-s") == 0) {
		report(argv[2], symlink(argv[3], argv[2]) == 0);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "-l") == 0) {
		report(argv[2], link(argv[3], argv[2]) == 0);
		return 0;
	}
	if (argc != 2)
		return 2;
	report(argv[1], write_file(argv[1], O_CREAT | O_TRUNC, "named output\n"));
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	slash = strrchr(dir, '/');
	if (!slash)
		return 2;
	*slash = 0;
	snprintf(path, sizeof(path), "%s/fz-sibling", dir);
	report(path, write_file(path, O_CREAT | O_EXCL, "sibling\n"));
	snprintf(path, sizeof(path), "%s/victim", dir);
	report(path, write_file(path, O_TRUNC, "clobbered\n"));
	return 0;
}
