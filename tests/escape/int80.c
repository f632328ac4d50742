/* int80 - escape attempt: a syscall through the i386 ABI (int $0x80),
 * which a filter written for x86_64 numbers would misread (i386 getpid is
 * 20, x86_64's 20 is writev). Makes i386 getpid; prints "escaped int80
 * getpid PID" when it returned our pid, else "contained int80: error". */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) long attempt(void)
{
	long ret;

	/* int $0x80 from 64-bit code clobbers r8-r11. */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "r8", "r9", "r10", "r11", "memory");
	return ret;
}

int main(void)
{
	long r = attempt();

	if (r == getpid())
		printf("escaped int80 getpid %ld\n", r);
	else
		printf("contained int80: %s\n", r < 0 && r > -4096 ? strerror((int)-r) : "wrong result");
	return 0;
}
