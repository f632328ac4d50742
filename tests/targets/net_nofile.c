/* net_nofile - test target: a server that meets EMFILE at accept, with
 * its connection still queued (the kernel takes the descriptor first).
 *   net_nofile spin      retries accept at once: with descriptors
 *                        exhausted for real (--fault=accept:exhaust) it
 *                        spins forever, as servers on a level-triggered
 *                        poll do; a one-shot EMFILE passes.
 *   net_nofile reserve   keeps a spare descriptor: on EMFILE it closes
 *                        it, accepts and sheds the connection, takes the
 *                        spare again (libuv's and nginx's way out).
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static __attribute__((noinline)) int accept_spin(int l)
{
	int c;

	while ((c = accept(l, NULL, NULL)) < 0 && errno == EMFILE)
		;	/* the bug: nothing was closed, nothing can change */
	return c;
}

static int spare = -1, shed;

static __attribute__((noinline)) int accept_reserve(int l)
{
	int c = accept(l, NULL, NULL);

	if (c >= 0 || errno != EMFILE || spare < 0)
		return c;
	close(spare);
	if ((c = accept(l, NULL, NULL)) >= 0) {
		close(c);	/* shed it: better than spinning */
		shed++;
	}
	spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	errno = EAGAIN;
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int spin = argc > 1 && strcmp(argv[1], "spin") == 0, l, cl, c;

	spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (spare < 0 || l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, 4) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0) {
		perror("net_nofile: listener");
		return 1;
	}
	cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cl < 0 || connect(cl, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("net_nofile: connect");
		return 1;
	}
	c = spin ? accept_spin(l) : accept_reserve(l);
	if (c >= 0)
		close(c);
	else if (errno != EAGAIN)
		fprintf(stderr, "net_nofile: accept: %s\n", strerror(errno));
	printf("served, shed %d\n", shed);
	return 0;
}
