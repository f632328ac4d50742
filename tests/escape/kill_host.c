/* kill_host - escape attempt: see and kill a host process. PID comes from
 * $FZ_HOST_PID (a sacrificial process the test started). kill(PID, 0),
 * then SIGTERM. Prints "seen PID" when the first works, then "escaped
 * kill PID" (exit 42) or "contained kill PID: error" (exit 0). The caller
 * checks on the host that the process really did (not) die. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	const char *s = getenv("FZ_HOST_PID");
	pid_t pid = s ? (pid_t)atoi(s) : 0;

	if (pid <= 1) {
		fprintf(stderr, "kill_host: FZ_HOST_PID is not set to a pid\n");
		return 2;
	}
	if (kill(pid, 0) < 0) {
		printf("contained kill %d: see: %s\n", (int)pid, strerror(errno));
		return 0;
	}
	printf("seen %d\n", (int)pid);
	if (kill(pid, SIGTERM) < 0) {
		printf("contained kill %d: %s\n", (int)pid, strerror(errno));
		return 0;
	}
	printf("escaped kill %d\n", (int)pid);
	return 42;
}
