/* snap_append - a target for snapshot mode's per-run reset of what a
 * child shares with its template (--snapshot-at=syscall:getppid).
 *
 * Before the point it opens seed.txt (its work directory's) for reading:
 * the template holds it, so each child shares its offset. After the
 * point it opens log.txt (made after the point, in the work directory)
 * to append, and every run must find both at offset 0 (an offset not
 * put back, a work directory not reset: it aborts), whatever the run
 * before it did. Then it reads 4 bytes of seed.txt, appends two records
 * to log.txt and prints both offsets ("4 14"). A failed read or write is
 * said on stderr, exit 1 (handled: no finding). */
#pragma GCC optimize("O0")
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void give_up(const char *what)
{
	perror(what);
	exit(1);
}

int main(void)
{
	int rfd = open("seed.txt", O_RDONLY | O_CLOEXEC), afd;
	char buf[4];
	off_t roff, aoff;

	if (rfd < 0)
		give_up("seed.txt");
	getppid();	/* the snapshot point */
	afd = open("log.txt", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (afd < 0)
		give_up("log.txt");
	roff = lseek(rfd, 0, SEEK_CUR);
	aoff = lseek(afd, 0, SEEK_END);
	if (roff != 0 || aoff != 0) {
		fprintf(stderr, "snap_append: not reset: seed.txt at %ld, log.txt at %ld\n",
			(long)roff, (long)aoff);
		abort();
	}
	if (read(rfd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		give_up("read seed.txt");
	roff = lseek(rfd, 0, SEEK_CUR);
	for (int i = 0; i < 2; i++)
		if (write(afd, "record\n", 7) != 7)
			give_up("write log.txt");
	aoff = lseek(afd, 0, SEEK_CUR);
	if (close(afd) < 0)
		give_up("close log.txt");
	printf("%ld %ld\n", (long)roff, (long)aoff);
	if (roff != 4 || aoff != 14) {
		fprintf(stderr, "snap_append: not reset: seed.txt at %ld, log.txt at %ld\n",
			(long)roff, (long)aoff);
		abort();
	}
	return 0;
}
