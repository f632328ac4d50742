/* pred_target - test target for --fault's predicates and --only-exe
 * (tests/integration/fault_preds.sh, only_exe.sh).
 *
 * pred_target FILE... loads each FILE ("-": stdin) through one function,
 * load(), whose open and read results are never checked: a failed open or
 * read makes n -1, and the memcpy of (size_t)-1 bytes crashes in load().
 * So one call site opens and reads every file, and only a predicate on the
 * path or the fd type tells which one a fault hits. Each file that loads
 * prints "NAME: N bytes" on stderr first and is closed, so every file
 * is read through the same fd number: what a path predicate matches
 * must follow the close. Nothing else is read or opened after main
 * starts.
 */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#endif
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char copy[256];

static void load(const char *name)
{
	char buf[256];
	int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf));	/* BUG: unchecked */

	memcpy(copy, buf, (size_t)n);
	fprintf(stderr, "%s: %zd bytes\n", name, n);
	if (fd > 0)
		close(fd);	/* the next file gets the same fd number */
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		load(argv[i]);
	return 0;
}
