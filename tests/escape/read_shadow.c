/* read_shadow - escape attempt: read the host's /etc/shadow. Prints
 * "escaped N bytes" (exit 42) or "contained: error" (exit 0). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char buf[4096];
	int fd = open("/etc/shadow", O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("contained: %s\n", strerror(errno));
		return 0;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		printf("contained: read: %s\n", strerror(errno));
		return 0;
	}
	printf("escaped %zd bytes\n", n);
	return 42;
}
