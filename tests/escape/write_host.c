/* write_host - escape attempt: create files outside the jail's binds.
 * Usage: write_host TAG. Tries /var/tmp/fz-escape-TAG and
 * /root/fz-escape-TAG; prints "escaped PATH" for each one it created
 * (exit 42) or "contained PATH: error" (exit 0 if every attempt failed).
 * The caller checks the host side too. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dirs[] = { "/var/tmp", "/root" };
	const char *tag = argc > 1 ? argv[1] : "x";
	int escaped = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		char path[4096];
		int fd;

		snprintf(path, sizeof(path), "%s/fz-escape-%s", dirs[i], tag);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0) {
			printf("escaped %s\n", path);
			close(fd);
			escaped = 1;
		} else {
			printf("contained %s: %s\n", path, strerror(errno));
		}
	}
	return escaped ? 42 : 0;
}
