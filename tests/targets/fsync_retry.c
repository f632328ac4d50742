/* fsync_retry.c - a target for fsync's EIO (the PostgreSQL 2018
 * "fsyncgate" bug class).
 *
 *   fsync_retry retry      append N records to the journal "wal" in the
 *                          working directory, fsync after each; when fsync
 *                          fails, warn and fsync again, as PostgreSQL did
 *                          before 2018: the retry succeeds, and the record
 *                          is taken as durable; at the end append
 *                          "commit N" and fsync
 *   fsync_retry fatal      the same, but a failed fsync is fatal: exit 1
 *                          without the commit line
 *   fsync_retry others     who else sees the error: write "data" to "f",
 *                          fsync it; a child with its own descriptor of f
 *                          (opened before) and the inherited one fsyncs
 *                          after the parent's fsync: each result printed
 *   fsync_retry verify WAL exit 1 when WAL has a commit line but a record
 *                          before it is missing
 *
 * retry's bug: Linux drops the data of a write-back that failed (the
 * pages are left clean), so the retried fsync has nothing to write and
 * succeeds, and the committed journal lacks a record. */
#pragma GCC optimize("O0")
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RECORDS 4

static void put(int fd, const char *line, int fatal)
{
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		perror("fsync_retry: write");
		exit(1);
	}
	if (fsync(fd) == 0)
		return;
	if (fatal) {
		perror("fsync_retry: fsync");
		exit(1);
	}
	perror("fsync_retry: fsync (retrying)");
	if (fsync(fd) < 0) {
		perror("fsync_retry: fsync");
		exit(1);
	}
}

static int verify(const char *path)
{
	char line[128];
	int next = 1, commit = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;	/* nothing saved, nothing claimed */
	while (fgets(line, sizeof(line), f)) {
		int n;

		if (sscanf(line, "record %d", &n) == 1 && n == next)
			next++;
		else if (sscanf(line, "commit %d", &n) == 1)
			commit = n;
	}
	fclose(f);
	if (commit >= 0 && next <= commit) {
		fprintf(stderr, "fsync_retry: %s: commit %d, but record %d is missing\n", path,
			commit, next);
		return 1;
	}
	return 0;
}

static void said(const char *who, int r)
{
	printf("%s %s\n", who, r == 0 ? "0" : strerror(errno));
	fflush(stdout);
}

/* The parent's fsync, then the child's on its own open file and on the
 * parent's (inherited: the same open file). */
static int others(void)
{
	int a = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644), go[2], ready[2];
	char c;

	if (a < 0 || pipe(go) < 0 || pipe(ready) < 0)
		return 1;
	if (fork() == 0) {
		int b = open("f", O_RDWR);

		if (b < 0 || write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		said("child own", fsync(b));
		said("child inherited", fsync(a));
		_exit(0);
	}
	if (read(ready[0], &c, 1) != 1 || write(a, "data\n", 5) != 5)
		return 1;
	said("parent", fsync(a));
	said("parent again", fsync(a));
	if (write(go[1], "g", 1) != 1)
		return 1;
	wait(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	char line[64];
	int fd, fatal;

	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2]);
	if (argc == 2 && strcmp(argv[1], "others") == 0)
		return others();
	if (argc != 2 || (strcmp(argv[1], "retry") != 0 && strcmp(argv[1], "fatal") != 0)) {
		fprintf(stderr, "usage: fsync_retry retry|fatal|others | fsync_retry verify WAL\n");
		return 2;
	}
	fatal = strcmp(argv[1], "fatal") == 0;
	fd = open("wal", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("fsync_retry: wal");
		return 1;
	}
	for (int i = 1; i <= RECORDS; i++) {
		snprintf(line, sizeof(line), "record %d\n", i);
		put(fd, line, fatal);
	}
	snprintf(line, sizeof(line), "commit %d\n", RECORDS);
	put(fd, line, fatal);
	if (close(fd) < 0) {
		perror("fsync_retry: close");
		return 1;
	}
	printf("committed %d records\n", RECORDS);
	return 0;
}
