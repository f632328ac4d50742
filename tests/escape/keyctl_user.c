/* keyctl_user - escape attempt: reach the kernel keyrings, which are per
 * user, not per jail. Asks for the user keyring's id (creating it).
 * Prints "escaped keyctl KEYRING-ID" or "contained keyctl: error".
 * "keyctl_user then-crash" dies of SIGSEGV afterwards (a crash after a
 * violation is the run's finding). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_USER_KEYRING (-4)

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) long attempt(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 1);
}

int main(int argc, char **argv)
{
	long id = attempt();

	if (id < 0)
		printf("contained keyctl: %s\n", strerror(errno));
	else
		printf("escaped keyctl %ld\n", id);
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "then-crash") == 0)
		*(volatile int *)0 = 1;
	return 0;
}
