/* mem_unchecked - test target: an anonymous mmap used without a check.
 *
 * map_buffer() maps 1 MiB and writes to it without comparing the result with
 * MAP_FAILED: when the kernel refuses the mapping (ENOMEM) the store goes to
 * (char *)-1 and faults (SIGSEGV) in map_buffer. The program does not use
 * malloc, so that mmap is its only kernel allocation site.
 */

/* -O0 whatever CFLAGS say: the stacks the tests assert on must not lose
 * frames to inlining or tail calls. */
#pragma GCC optimize("O0")
#include <sys/mman.h>
#include <unistd.h>

/* The bug: no MAP_FAILED check. */
static char *map_buffer(void)
{
	char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	p[0] = 'x';
	p[(1 << 20) - 1] = 'y';
	return p;
}

int main(void)
{
	char *buf = map_buffer();
	int ok = buf[0] == 'x';

	munmap(buf, 1 << 20);
	if (write(1, ok ? "ok\n" : "bad\n", ok ? 3 : 4) < 0)
		return 1;
	return ok ? 0 : 1;
}
