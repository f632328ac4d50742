/* disk_fill - escape attempt: write a file until the write fails or the
 * program is killed (SIGXFSZ), bounded by CAP MiB (default 64) so that the
 * control without limits ends too. Usage: disk_fill [-i] [DIR] [CAP]; -i
 * ignores SIGXFSZ (then the write fails with EFBIG). DIR defaults to the
 * working directory. Prints "wrote N KiB" and "stopped cap|ERRNO-NAME";
 * the file is removed unless the program was killed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char block[64 << 10];
	const char *dir = ".";
	char path[4096];
	long long cap, done = 0;
	int i = 1, fd, err = 0;

	if (i < argc && strcmp(argv[i], "-i") == 0) {
		signal(SIGXFSZ, SIG_IGN);
		i++;
	}
	if (i < argc)
		dir = argv[i++];
	cap = (i < argc ? atoll(argv[i]) : 64) << 20;
	snprintf(path, sizeof(path), "%s/fz-disk-fill.%d", dir, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		return 2;
	}
	memset(block, 0x5a, sizeof(block));
	while (done < cap) {
		ssize_t w = write(fd, block, sizeof(block));

		if (w < 0) {
			err = errno;
			break;
		}
		if (w == 0) {
			err = ENOSPC;
			break;
		}
		done += w;
	}
	close(fd);
	unlink(path);
	printf("wrote %lld KiB\n", done >> 10);
	printf("stopped %s\n", err ? strerrorname_np(err) : "cap");
	return 0;
}
