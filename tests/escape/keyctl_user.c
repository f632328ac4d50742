/* keyctl_user - escape attempt: reach the kernel keyrings, which are per
 * user, not per jail. Asks for the user keyring's id (creating it).
 * Prints "escaped keyctl KEYRING-ID" or "contained keyctl: error". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_USER_KEYRING (-4)

static long attempt(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 1);
}

int main(void)
{
	long id = attempt();

	if (id < 0)
		printf("contained keyctl: %s\n", strerror(errno));
	else
		printf("escaped keyctl %ld\n", id);
	return 0;
}
