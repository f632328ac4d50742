/* x32 - escape attempt: a syscall through the x32 ABI (number | 
 * 0x40000000), which a filter that ignores the bit would misread. Makes
 * x32 getpid; prints "escaped x32 getpid PID", or "contained x32: error".
 * A kernel built without x32 (CONFIG_X86_X32_ABI, as here) answers ENOSYS
 * itself: then "unsupported x32" says the control cannot succeed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) long attempt(void)
{
	return syscall(SYS_getpid | X32_BIT);
}

int main(void)
{
	long r = attempt();

	if (r == getpid())
		printf("escaped x32 getpid %ld\n", r);
	else if (errno == ENOSYS)
		printf("unsupported x32: this kernel has no x32 ABI (ENOSYS)\n");
	else
		printf("contained x32: %s\n", strerror(errno));
	return 0;
}
