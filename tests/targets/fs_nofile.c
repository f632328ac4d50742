/* fs_nofile - test target: a cache of open files (like a server's).
 *   fs_nofile        on EMFILE it closes the oldest cached file and
 *                    retries, which a real exhaustion needs: it handles
 *                    every open failure, so no fault is a finding.
 *   fs_nofile spin   on EMFILE it waits for a descriptor to come back
 *                    and retries, closing nothing: a one-shot EMFILE
 *                    passes (the retry gets one), descriptors exhausted
 *                    for real (--fault=openat:exhaust) make it spin
 *                    forever (a timeout finding).
 *   fs_nofile hole   first leaves a hole in its descriptor table (opens
 *                    two files, closes the first): it cannot have
 *                    reached its limit by itself, so no exhaust there.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NFILES 6

static int cache[NFILES], ncache;

/* The fix: make room by closing what is least needed, then retry. */
static int open_evicting(const char *path)
{
	for (;;) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0 || errno != EMFILE || ncache == 0)
			return fd;
		close(cache[0]);
		memmove(cache, cache + 1, (size_t)--ncache * sizeof(cache[0]));
	}
}

/* The bug: it waits for a descriptor nobody will give back. */
static __attribute__((noinline)) int open_waiting(const char *path)
{
	int fd;

	while ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 && errno == EMFILE)
		usleep(1000);
	return fd;
}

int main(int argc, char **argv)
{
	int spin = argc > 1 && strcmp(argv[1], "spin") == 0;

	if (argc > 1 && strcmp(argv[1], "hole") == 0) {
		int a = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (a < 0 || open("/dev/null", O_RDONLY | O_CLOEXEC) < 0 || close(a) < 0) {
			perror("fs_nofile: hole");
			return 1;
		}
	}

	for (int i = 0; i < NFILES; i++) {
		int fd = spin ? open_waiting("/dev/null") : open_evicting("/dev/null");

		if (fd < 0) {
			fprintf(stderr, "fs_nofile: open: %s\n", strerror(errno));
			continue;
		}
		cache[ncache++] = fd;
	}
	puts("done");
	return 0;
}
