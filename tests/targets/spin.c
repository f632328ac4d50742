/* spin - test target that never finishes: spin_forever() loops without
 * making syscalls, so a hang is seen only by the per-run timeout and the
 * stack taken then must show spin_forever. */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
#pragma GCC optimize("O0")
#include <stdio.h>

static volatile unsigned long counter;

static void spin_forever(void)
{
	for (;;)
		counter++;
}

int main(void)
{
	printf("spinning\n");
	fflush(stdout);
	spin_forever();
	return 0;
}
