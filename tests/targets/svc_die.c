/* svc_die - test target: services that do not serve, as real ones fail.
 *
 *   svc_die exit0   listens on 127.0.0.1 (a port the kernel picks), then
 *                   fails to open its error log and exits 0 at once, as
 *                   lighttpd does with an unwritable server.errorlog;
 *   svc_die usage   rejects its command line on stderr and exits 64
 *                   (EX_USAGE) before it ever listens;
 *   svc_die mute    listens and never answers (never accepts) until
 *                   SIGTERM, which ends it with status 0.
 *
 * load_config() keeps its name in an unchecked malloc result: the fault
 * runs crash there, findings against a service whose clean run never
 * served a request.
 */
#pragma GCC optimize("O0")	/* the stack the test asserts keeps its frames */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

/* The bug: the copy is not checked. */
static char *load_config(const char *name)
{
	char *copy = malloc(strlen(name) + 1);

	strcpy(copy, name);
	return copy;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const char *mode = argc > 1 ? argv[1] : "";
	char *conf;
	int fd;

	if (strcmp(mode, "exit0") && strcmp(mode, "mute")) {
		fprintf(stderr, "svc_die: starting\n");
		fprintf(stderr, "svc_die: unknown mode '%s' (use exit0 or mute)\n", mode);
		return 64;
	}
	signal(SIGTERM, on_term);
	conf = load_config(mode);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0) {
		perror("svc_die: listen");
		return 1;
	}
	if (strcmp(conf, "exit0") == 0) {
		fprintf(stderr, "svc_die: opening errorlog '/var/log/svc_die/error.log' failed: "
			"Permission denied\n");
		return 0;
	}
	for (;;)
		pause();
}
