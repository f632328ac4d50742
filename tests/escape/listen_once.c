/* listen_once - host-side helper of the network escape tests (not an
 * escape attempt): listen on the host, accept one connection, greet it.
 * Usage: listen_once tcp|unix|path NAME READY SECONDS. tcp listens on
 * 127.0.0.1 at a port the kernel picks (NAME unused); unix on the abstract
 * unix socket "\0NAME"; path on a unix socket bound at the path NAME. Once listening, writes the port (tcp) or NAME to
 * the file READY (written aside and renamed, so it is never seen half
 * written). Then waits at most SECONDS for one connection: sends it
 * "fz-host\n", prints "accepted" and exits 0; or prints "timeout" and
 * exits 1. An alarm bounds it too, whatever happens. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int ready(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char hello[] = "fz-host\n";
	struct pollfd p;
	char text[128];
	int fd, c, secs;

	if (argc != 5 || (strcmp(argv[1], "tcp") != 0 && strcmp(argv[1], "unix") != 0 &&
			  strcmp(argv[1], "path") != 0)) {
		fprintf(stderr, "usage: listen_once tcp|unix|path NAME READY SECONDS\n");
		return 2;
	}
	secs = atoi(argv[4]);
	if (secs <= 0)
		secs = 30;
	alarm(secs + 5);
	if (argv[1][0] == 't') {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);

		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
			perror("listen_once: tcp");
			return 2;
		}
		snprintf(text, sizeof(text), "%d", ntohs(a.sin_port));
	} else {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		size_t n = strlen(argv[2]);

		if (n == 0 || n >= sizeof(a.sun_path) - 1) {
			fprintf(stderr, "listen_once: bad name '%s'\n", argv[2]);
			return 2;
		}
		/* sun_path[0] = 0: abstract, unless a path */
		memcpy(a.sun_path + (argv[1][0] == 'u'), argv[2], n);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + 1 + n) < 0) {
			perror("listen_once: unix");
			return 2;
		}
		snprintf(text, sizeof(text), "%s", argv[2]);
	}
	if (listen(fd, 8) < 0) {
		perror("listen_once: listen");
		return 2;
	}
	if (ready(argv[3], text) < 0)
		return 2;
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, secs * 1000) != 1) {
		printf("timeout\n");
		return 1;
	}
	c = accept(fd, NULL, NULL);
	if (c < 0) {
		perror("listen_once: accept");
		return 2;
	}
	if (write(c, hello, sizeof(hello) - 1) < 0)
		perror("listen_once: write");
	close(c);
	close(fd);
	printf("accepted\n");
	return 0;
}
