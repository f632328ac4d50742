/* userns_mount - escape attempt: a nested user namespace (all
 * capabilities in it), then a mount. Prints "escaped userns mount" when a
 * tmpfs could be mounted on /tmp in the new namespaces (the host's mounts
 * are not touched: the mount namespace is private), else "contained STEP:
 * error". Works outside a jail as any user where unprivileged user
 * namespaces are enabled. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) const char *attempt(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return "unshare";
	if (mount("fz", "/tmp", "tmpfs", 0, NULL) < 0)
		return "mount";
	return NULL;
}

int main(void)
{
	const char *failed = attempt();

	if (failed)
		printf("contained %s: %s\n", failed, strerror(errno));
	else
		printf("escaped userns mount\n");
	return 0;
}
