/* self_swap - escape attempt against the tracer's trust in read-only
 * mounts: run from a writable working directory, the program (bound
 * read-only at its own path) renames its directory, which moves the
 * read-only mount along, and puts another file at its own path, for the
 * next run to execute and the tracer to parse as trusted. Usage:
 * self_swap DIR (DIR: its own directory, relative to the working
 * directory). Prints "swapped" or "contained: STEP: error". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char old[4096], path[4096];
	int fd;

	if (argc != 2)
		return 2;
	snprintf(old, sizeof(old), "%s.old", argv[1]);
	snprintf(path, sizeof(path), "%s/self_swap", argv[1]);
	if (rename(argv[1], old) < 0) {
		printf("contained: rename: %s\n", strerror(errno));
		return 0;
	}
	fd = mkdir(argv[1], 0755) < 0 ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
	if (fd < 0 || write(fd, "#!/bin/sh\necho EVIL\n", 20) != 20 || close(fd) < 0) {
		printf("contained: plant: %s\n", strerror(errno));
		return 0;
	}
	printf("swapped\n");
	return 0;
}
