/* fuzz_svc - a service for --fuzz's service mode (fuzz_service.sh).
 *
 *   fuzz_svc
 *
 * Listens on 127.0.0.1 (a port of the kernel's choice, printed), accepts
 * in a blocking accept4() (the snapshot point), one connection at a
 * time. A request is a record: "FZ", a length byte, the record. The
 * handler reads it field by field, so each header byte it accepts makes
 * one more read(): the syscall shape --fuzz feeds back. The bug: it
 * trusts the length, and past its 16-byte record writes through a NULL
 * pointer (standing for the overflow), only for a request starting "FZ"
 * with a length above 16 (fuzz_svc_asan, built with ASan: a real stack
 * buffer overflow there, which ASan reports). The rest of a request is read to its end before
 * the connection is closed. SIGTERM ends it with status 0. */
#pragma GCC optimize("O0")
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static void reply(int cfd, const char *s)
{
	if (write(cfd, s, strlen(s)) < 0)
		fprintf(stderr, "fuzz_svc: write: %s\n", strerror(errno));
}

/* The next byte of the request, -1 at its end. */
static int byte(int cfd)
{
	unsigned char c;

	return read(cfd, &c, 1) == 1 ? c : -1;
}

__attribute__((noinline)) static void parse_record(int cfd, unsigned len)
{
	char rec[16], msg[64];
#ifdef FZ_ASAN
	/* The overflow itself, for ASan to report. */
	memset(rec, 0, len);
	(void)read(cfd, rec, len > sizeof(rec) ? sizeof(rec) : len);
#else
	volatile char *dst = len > sizeof(rec) ? NULL : rec;
	ssize_t n = read(cfd, rec, len > sizeof(rec) ? sizeof(rec) : len);

	dst[0] = n > 0 ? rec[0] : 0;	/* the overflow */
#endif
	snprintf(msg, sizeof(msg), "OK record of %u bytes\n", len);
	reply(cfd, msg);
}

static void handle(int cfd)
{
	int len;

	if (byte(cfd) != 'F' || byte(cfd) != 'Z') {
		reply(cfd, "ERR not an FZ record\n");
		return;
	}
	if ((len = byte(cfd)) < 0) {
		reply(cfd, "ERR short record\n");
		return;
	}
	parse_record(cfd, (unsigned)len);
}

/* The rest of the request, unread: closing on it would reset the
 * connection, and the client would lose the reply. */
static void drain(int cfd)
{
	char buf[4096];

	while (read(cfd, buf, sizeof(buf)) > 0)
		;
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int lfd;

	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);	/* a vanished client is an error return */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
		perror("fuzz_svc");
		return 1;
	}
	printf("fuzz_svc: listening on 127.0.0.1:%u\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("fuzz_svc: accept4");
			return 1;
		}
		handle(cfd);
		drain(cfd);
		close(cfd);
	}
}
