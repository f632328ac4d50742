/* fuzz_keyword.c - a command reader for --dict's test (fuzz_dict.sh): it
 * reads its whole input in one read() and crashes only when the input
 * holds the 7-byte keyword "XYZZY=7" somewhere. One read, so the syscall
 * shape is the same for every input: random mutation has nothing to
 * climb on (2^-56 a try), a dictionary with the keyword finds it in its
 * deterministic stage. Input on stdin, or the file argv[1] ('@@'). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A NULL the compiler cannot see through (-O2 drops a plain one). */
static char *volatile nowhere;

__attribute__((noinline)) void run_command(const char *cmd);
__attribute__((noinline)) void run_command(const char *cmd)
{
	nowhere[0] = cmd[0];	/* the bug behind the keyword */
}

int main(int argc, char **argv)
{
	char buf[4096];
	int in = argc > 1 ? open(argv[1], O_RDONLY) : 0;
	ssize_t n = in < 0 ? -1 : read(in, buf, sizeof(buf) - 1);
	const char *k;

	if (n < 0)
		return 1;
	buf[n] = 0;
	if ((k = memmem(buf, (size_t)n, "XYZZY=7", 7)))
		run_command(k);
	printf("%zd bytes, no command\n", n);
	return 0;
}
