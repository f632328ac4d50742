/* snap_svc - a service for snapshot mode (--service --snapshot=on).
 *
 *   snap_svc COUNTFILE
 *
 * Its set-up appends a line to COUNTFILE (snapshot mode runs it once),
 * listens on 127.0.0.1 (a port of the kernel's choice), then accepts in a
 * blocking accept4() (the snapshot point: no poll before it), one
 * connection at a time: it reads the request to EOF and answers
 * "OK <n> <bytes>" where n counts the connections this process served.
 * The bug: a failed write of the reply goes to report_error(), which
 * counts the error in a context never made: SIGSEGV in the handler. */
#pragma GCC optimize("O0")
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct errctx {
	unsigned errors;
};

static struct errctx *ctx;	/* made by a logging set-up never run */
static const char *countfile;

/* SIGTERM: says so in COUNTFILE. Snapshot mode kills a child back at its
 * accept4 instead: what a handler did would outlive the run. */
static void on_term(int sig)
{
	FILE *f = fopen(countfile, "a");

	(void)sig;
	if (f) {
		fputs("stopped\n", f);
		fclose(f);
	}
	_exit(0);
}

static void report_error(const char *what)
{
	ctx->errors++;	/* the bug: ctx is NULL */
	fprintf(stderr, "snap_svc: %s: %s\n", what, strerror(errno));
}

static void serve(int cfd, int n)
{
	char buf[4096], reply[64];
	size_t total = 0;
	ssize_t k;

	while ((k = read(cfd, buf, sizeof(buf))) > 0)
		total += (size_t)k;
	if (k < 0) {
		fprintf(stderr, "snap_svc: read: %s\n", strerror(errno));
		return;
	}
	k = snprintf(reply, sizeof(reply), "OK %d %zu\n", n, total);
	if (write(cfd, reply, (size_t)k) != k)
		report_error("write");
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	FILE *f;
	int lfd, n = 0;

	if (argc != 2 || !(f = fopen(argv[1], "a"))) {
		fprintf(stderr, "usage: snap_svc COUNTFILE (writable)\n");
		return 2;
	}
	countfile = argv[1];
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);	/* a vanished client is an error return */
	fprintf(f, "set-up\n");
	fclose(f);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
		perror("snap_svc");
		return 1;
	}
	printf("snap_svc: listening on 127.0.0.1:%u\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("snap_svc: accept4");
			return 1;
		}
		serve(cfd, ++n);
		close(cfd);
	}
}
