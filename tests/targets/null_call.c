/* null_call - test target: a call through a NULL function pointer.
 *
 * The first byte of stdin picks a handler from a table whose other slots
 * are empty: 'a' calls through slot 1 from dispatch_a, 'b' through slot 2
 * from dispatch_b, anything else the one real handler. The call jumps to
 * address 0 and faults there, outside every module, before anything runs:
 * its return address is at [sp], and the finding must name the caller
 * (dispatch_a or dispatch_b, then main) with its file:line, as gdb does
 * (tests/integration/null_call.sh). Two call sites, two findings. 'c'
 * calls into data (mapped, not executable): the same fault, the same
 * unwind. 'w' calls a wild pointer made of the next input bytes (an
 * address nothing maps): whatever the bytes, one finding.
 */

/* The level whatever CFLAGS say (they come after the per-target flags). */
#ifdef FZ_O2
#pragma GCC optimize("O2")
#else
#pragma GCC optimize("O0")
#endif
#include <stdio.h>
#include <unistd.h>

typedef void (*handler_fn)(void);

static void greet(void)
{
	puts("hello");
}

/* Not const, so -O2 cannot know the slots are empty. */
handler_fn handlers[4] = { greet };

__attribute__((noinline)) void dispatch_a(int i)
{
	handlers[i]();	/* the bug: slot i is NULL */
	puts("after a");
}

__attribute__((noinline)) void dispatch_b(int i)
{
	handlers[i]();	/* the same bug at a second call site */
	puts("after b");
}

/* Data, not code: the stack is not executable (NX). */
unsigned char not_code[16];

__attribute__((noinline)) void dispatch_c(void)
{
	((handler_fn)(void *)not_code)();	/* a wild call into data */
	puts("after c");
}

__attribute__((noinline)) void dispatch_w(unsigned v)
{
	/* 16 TiB up: nothing is mapped there. */
	((handler_fn)(void *)(0x100000000000UL + ((unsigned long)v << 12)))();
	puts("after w");
}

int main(void)
{
	unsigned char v[2] = { 0 };
	char c = 0;

	if (read(0, &c, 1) < 0)
		return 2;
	if (c == 'w' && read(0, v, sizeof(v)) >= 0)
		dispatch_w(v[0] | (unsigned)v[1] << 8);
	else if (c == 'a')
		dispatch_a(1);
	else if (c == 'b')
		dispatch_b(2);
	else if (c == 'c')
		dispatch_c();
	else
		handlers[0]();
	return 0;
}
