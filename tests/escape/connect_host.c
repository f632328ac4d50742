/* connect_host - escape attempt: reach a socket listening on the host.
 * Usage: connect_host tcp PORT (127.0.0.1:PORT) or connect_host unix NAME
 * (the abstract unix socket "\0NAME"; abstract names are per network
 * namespace). Connects and reads the listener's greeting (tests/escape/
 * listen_once.c says "fz-host"), so a socket of the jail's own that
 * happened to answer does not count. Prints "escaped WHAT" (exit 42) or
 * "contained WHAT: error" (exit 0). */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = 5 };
	char what[160], buf[64] = "";
	ssize_t n;
	int fd, r;

	if (argc != 3) {
		fprintf(stderr, "usage: connect_host tcp PORT | unix NAME\n");
		return 2;
	}
	if (strcmp(argv[1], "tcp") == 0) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
					 .sin_port = htons((unsigned short)atoi(argv[2])) };

		snprintf(what, sizeof(what), "tcp 127.0.0.1:%s", argv[2]);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		r = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&a, sizeof(a));
	} else {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		size_t len = strlen(argv[2]);

		if (len == 0 || len >= sizeof(a.sun_path) - 1)
			return 2;
		memcpy(a.sun_path + 1, argv[2], len);
		snprintf(what, sizeof(what), "unix @%s", argv[2]);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		r = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + 1 + len);
	}
	if (r < 0) {
		printf("contained %s: %s\n", what, strerror(errno));
		return 0;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || strncmp(buf, "fz-host", 7) != 0) {
		printf("contained %s: connected, but no greeting from the host (%s)\n", what,
		       n < 0 ? strerror(errno) : "none");
		return 0;
	}
	printf("escaped %s\n", what);
	return 42;
}
