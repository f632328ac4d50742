/* many_faults - 200 rounds of one small allocation and one pread of its
 * own file, each checked: a failure is counted and the loop goes on. At
 * 20 failed preads or more it crashes in too_many (a write through NULL),
 * so only a run that had many faults is a finding (one fault, even memory
 * exhausted, is not), and only a replay that injects them all again
 * reproduces it. It says how many calls failed and a hash of which, so a
 * replay can be compared with its run (tests/integration/many_faults.sh). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ROUNDS 200
#define CRASH_AT 20

/* Never inlined or cloned (targets build -O2 after -O0), so the finding's
 * top frame names it; the pointer is volatile so the write is not dropped. */
__attribute__((noipa)) static void too_many(int reads)
{
	volatile int *volatile p = NULL;

	*p = reads;
}

int main(int argc, char **argv)
{
	char buf[64];
	int fd, allocs = 0, reads = 0;
	unsigned long which = 0;

	fd = open(argc > 1 ? argv[1] : argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("many_faults: open");
		return 2;
	}
	for (int i = 0; i < ROUNDS; i++) {
		char *p = malloc(48);

		if (!p) {
			allocs++;
			which = which * 31 + 2 * i;
		}
		free(p);
		if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
			reads++;
			which = which * 31 + 2 * i + 1;
		}
	}
	close(fd);
	fprintf(stderr, "many_faults: %d failed allocations, %d failed reads, which %#lx\n",
		allocs, reads, which);
	if (reads >= CRASH_AT)
		too_many(reads);
	return 0;
}
