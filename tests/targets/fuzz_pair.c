/* fuzz_pair.c - a bug behind two faults, the second at a call only the
 * first one's error path makes, for the fuzz loop's growing fault pool
 * (fuzz_pairs.sh). On an input starting "PQ" it allocates a scratch
 * buffer and a record; when the record's allocation fails, the error
 * path saves what it has to a file: its write is a call the clean run
 * never makes, so it is not in the plan of the clean run's sites. When
 * THAT write fails too, the error path frees the scratch buffer and falls
 * through to the common cleanup, which frees it again (glibc aborts: a
 * double free). Built twice: with -DROBUST (fuzz_pair_robust) the failed
 * write returns after its one free, so no fault and no pair of faults
 * crashes it. (A file, not stdout: a campaign's stdout is a pipe, whose
 * writes have no faithful error; docs/faults.md.)
 * Input on stdin. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct record {
	char name[64];
	unsigned len;
};

__attribute__((noinline)) void save_partial(char *scratch);
__attribute__((noinline)) void save_partial(char *scratch)
{
	int fd = open("/tmp/fuzz_pair.partial", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		free(scratch);	/* nowhere to save it */
		return;
	}
	if (write(fd, scratch, strlen(scratch)) < 0) {
		free(scratch);	/* the save failed: drop it */
#ifdef ROBUST
		close(fd);
		return;
#endif
	}
	close(fd);
	free(scratch);	/* the common cleanup: again, after a failed write */
}

int main(void)
{
	char in[64];
	struct record *r;
	char *scratch;
	ssize_t n = read(0, in, sizeof(in) - 1);

	if (n < 2 || in[0] != 'P' || in[1] != 'Q')
		return 1;
	in[n] = 0;
	if (!(scratch = malloc(32)))
		return 1;
	memcpy(scratch, in, n < 32 ? (size_t)n : 31);
	scratch[n < 32 ? n : 31] = 0;
	if (!(r = malloc(sizeof(*r)))) {
		save_partial(scratch);	/* frees it, one way or another */
		return 1;
	}
	memcpy(r->name, in, (size_t)n);
	r->len = (unsigned)n;
	free(r);
	free(scratch);
	return 0;
}
